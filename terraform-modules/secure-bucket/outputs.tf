output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "read_policy_json" {
  description = "IAM policy (JSON) that lets a role list and read the bucket's objects and decrypt them through S3."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadList"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.this.arn
      },
      {
        Sid    = "ReadBucket"
        Effect = "Allow"
        Action = [
          "s3:GetBucketLocation",
        ]
        Resource = aws_s3_bucket.this.arn
      },
      {
        Sid    = "ReadObjects"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:GetObjectTagging",
          "s3:GetObjectVersion",
        ]
        Resource = [
          "${aws_s3_bucket.this.arn}/*",
        ]
      },
      {
        Sid    = "ReadKey"
        Effect = "Allow"
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
        ]
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = {
            "kms:ViaService" = "s3.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}"
          }
          StringLikeIfExists = {
            "kms:EncryptionContext:aws:s3:arn" = [
              aws_s3_bucket.this.arn,
              "${aws_s3_bucket.this.arn}/*",
            ]
          }
        }
      },
    ]
  })
}

output "read_write_policy_json" {
  description = "IAM policy (JSON) that lets a role read, write and delete the bucket's objects, with the key through S3."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadWriteList"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.this.arn
      },
      {
        Sid    = "ReadWriteBucket"
        Effect = "Allow"
        Action = [
          "s3:GetBucketLocation",
          "s3:ListBucketMultipartUploads",
          "s3:ListBucketVersions",
        ]
        Resource = aws_s3_bucket.this.arn
      },
      {
        Sid    = "ReadWriteObjects"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:GetObjectTagging",
          "s3:GetObjectVersion",
          "s3:AbortMultipartUpload",
          "s3:DeleteObject",
          "s3:ListMultipartUploadParts",
          "s3:PutObject",
          "s3:PutObjectTagging",
        ]
        Resource = [
          "${aws_s3_bucket.this.arn}/*",
        ]
      },
      {
        Sid    = "ReadWriteKey"
        Effect = "Allow"
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey*",
          "kms:ReEncrypt*",
        ]
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = {
            "kms:ViaService" = "s3.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}"
          }
          StringLikeIfExists = {
            "kms:EncryptionContext:aws:s3:arn" = [
              aws_s3_bucket.this.arn,
              "${aws_s3_bucket.this.arn}/*",
            ]
          }
        }
      },
    ]
  })
}
