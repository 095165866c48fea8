# Addresses of earlier releases (construct-path names) moved to the current ones.
moved {
  from = aws_s3_bucket.bucket
  to   = aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.bucket_lifecycle
  to   = aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_logging.bucket_access_logs
  to   = aws_s3_bucket_logging.this
}

moved {
  from = aws_s3_bucket_ownership_controls.bucket_ownership
  to   = aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_policy.bucket_policy
  to   = aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_public_access_block.bucket_public_access_block
  to   = aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.bucket_encryption
  to   = aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.bucket_versioning
  to   = aws_s3_bucket_versioning.this
}

