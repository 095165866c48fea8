data "aws_caller_identity" "current" {
}

data "aws_partition" "current_partition" {
}

data "aws_region" "current_region" {
}

resource "aws_cloudwatch_log_group" "this" {
  kms_key_id        = var.logs_kms_key_arn
  name              = var.log_group_name
  retention_in_days = 365
  tags              = var.tags
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_iam_instance_profile" "this" {
  name = var.role_name
  role = aws_iam_role.this.name
  tags = var.tags
}

resource "aws_iam_policy" "this" {
  description = "permissions of ${var.role_name}"
  name        = "${var.role_name}-permissions"
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = concat(
        [
          {
            "Sid"      = "ArtifactsList",
            "Effect"   = "Allow",
            "Action"   = "s3:ListBucket",
            "Resource" = var.artifact_bucket_arn,
          },
          {
            "Sid"    = "ArtifactsBucket",
            "Effect" = "Allow",
            "Action" = [
              "s3:GetBucketLocation",
              "s3:ListBucketMultipartUploads",
              "s3:ListBucketVersions",
            ],
            "Resource" = var.artifact_bucket_arn,
          },
          {
            "Sid"    = "ArtifactsObjects",
            "Effect" = "Allow",
            "Action" = [
              "s3:GetObject",
              "s3:GetObjectTagging",
              "s3:GetObjectVersion",
              "s3:AbortMultipartUpload",
              "s3:DeleteObject",
              "s3:ListMultipartUploadParts",
              "s3:PutObject",
              "s3:PutObjectTagging",
            ],
            "Resource" = ["${var.artifact_bucket_arn}/*"],
          },
          {
            "Sid"    = "ArtifactsKey",
            "Effect" = "Allow",
            "Action" = [
              "kms:Decrypt",
              "kms:DescribeKey",
              "kms:Encrypt",
              "kms:GenerateDataKey*",
              "kms:ReEncrypt*",
            ],
            "Resource" = var.artifact_bucket_kms_key_arn,
            "Condition" = {
              "StringEquals" = {
                "kms:ViaService" = "s3.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
              },
              "StringLikeIfExists" = {
                "kms:EncryptionContext:aws:s3:arn" = [var.artifact_bucket_arn, "${var.artifact_bucket_arn}/*"],
              },
            },
          },
          {
            "Sid"    = "SessionManager",
            "Effect" = "Allow",
            "Action" = [
              "ec2messages:AcknowledgeMessage",
              "ec2messages:DeleteMessage",
              "ec2messages:FailMessage",
              "ec2messages:GetEndpoint",
              "ec2messages:GetMessages",
              "ec2messages:SendReply",
              "ssm:UpdateInstanceInformation",
              "ssmmessages:CreateControlChannel",
              "ssmmessages:CreateDataChannel",
              "ssmmessages:OpenControlChannel",
              "ssmmessages:OpenDataChannel",
            ],
            "Resource" = "*",
          },
          {
            "Sid"    = "SsmAgentBuckets",
            "Effect" = "Allow",
            "Action" = "s3:GetObject",
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::amazon-ssm-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::amazon-ssm-packages-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::${data.aws_region.current_region.region}-birdwatcher-prod/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-distributor-file-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-document-attachments-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::patch-baseline-snapshot-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::al2023-repos-${data.aws_region.current_region.region}-de612dc2/*",
            ],
          },
          {
            "Sid"    = "WriteItsLogGroup",
            "Effect" = "Allow",
            "Action" = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:${var.log_group_name}",
              "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:${var.log_group_name}:log-stream:*",
            ],
          },
        ],
        (var.database_secret_arn != null) ? [
          {
            "Sid"      = "ReadTheDatabaseSecret",
            "Effect"   = "Allow",
            "Action"   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource" = var.database_secret_arn,
          },
        ] : [],
      ),
    },
  )
  tags = var.tags
}

resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Ec2InstancesOfThisAccount"
        Effect = "Allow"
        Principal = {
          Service = "ec2.amazonaws.com"
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
  description          = "MLflow tracking server on EC2: artifacts in S3, Session Manager, its logs"
  max_session_duration = 3600
  name                 = var.role_name
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  policy_arn = aws_iam_policy.this.arn
  role       = aws_iam_role.this.name
}
