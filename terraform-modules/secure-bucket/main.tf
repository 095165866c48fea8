data "aws_caller_identity" "current" {
}

data "aws_partition" "current_partition" {
}

data "aws_region" "current_region" {
}

resource "aws_s3_bucket" "this" {
  bucket        = var.bucket_name
  force_destroy = false
  tags          = var.tags
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
    filter {
    }
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
  }
  rule {
    expiration {
      expired_object_delete_marker = true
    }
    filter {
    }
    id = "expire-noncurrent-versions"
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    noncurrent_version_transition {
      noncurrent_days = var.noncurrent_version_archive_days
      storage_class   = "GLACIER"
    }
    status = "Enabled"
  }
  rule {
    filter {
    }
    id     = "tier-current-versions"
    status = var.archive_current_versions ? "Disabled" : "Enabled"
    transition {
      days          = 0
      storage_class = "INTELLIGENT_TIERING"
    }
  }
  rule {
    filter {
    }
    id     = "scheduled-transitions"
    status = var.archive_current_versions ? "Enabled" : "Disabled"
    transition {
      days          = var.standard_ia_days
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = var.glacier_days
      storage_class = "GLACIER"
    }
    transition {
      days          = var.deep_archive_days
      storage_class = "DEEP_ARCHIVE"
    }
  }
}

resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${var.bucket_name}/"
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = concat(
        [
          {
            "Sid"       = "DenyInsecureTransport",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:*",
            "Resource"  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"],
            "Condition" = { "Bool" = { "aws:SecureTransport" = "false" } },
          },
          {
            "Sid"       = "DenyOutdatedTls",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:*",
            "Resource"  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"],
            "Condition" = { "NumericLessThan" = { "s3:TlsVersion" = "1.2" } },
          },
          {
            "Sid"       = "DenyOtherEncryption",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:PutObject",
            "Resource"  = "${aws_s3_bucket.this.arn}/*",
            "Condition" = {
              "StringNotEquals" = { "s3:x-amz-server-side-encryption" = "aws:kms" },
              "Null"            = { "s3:x-amz-server-side-encryption" = "false" },
            },
          },
          {
            "Sid"       = "DenyCustomerProvidedKeys",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:PutObject",
            "Resource"  = "${aws_s3_bucket.this.arn}/*",
            "Condition" = {
              "Null" = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" },
            },
          },
          {
            "Sid"       = "DenyOtherKmsKey",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:PutObject",
            "Resource"  = "${aws_s3_bucket.this.arn}/*",
            "Condition" = {
              "StringNotEquals" = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = var.kms_key_arn },
              "Null"            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" },
            },
          },
        ],
        (var.vpc_endpoint_id != null) ? [
          {
            "Sid"       = "DenyOutsideTheVpcEndpoint",
            "Effect"    = "Deny",
            "Principal" = "*",
            "Action"    = "s3:*",
            "Resource"  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"],
            "Condition" = {
              "StringNotEquals" = { "aws:SourceVpce" = var.vpc_endpoint_id },
              "ArnNotEquals"    = { "aws:PrincipalArn" = var.vpc_endpoint_exempt_role_arns },
              "BoolIfExists"    = { "aws:ViaAWSService" = "false" },
            },
          },
        ] : [],
      ),
    },
  )
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  bucket                  = aws_s3_bucket.this.id
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = var.kms_key_arn
      sse_algorithm     = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}
