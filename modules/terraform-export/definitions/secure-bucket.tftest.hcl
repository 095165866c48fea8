# The `terraform test` suite of the secure-bucket module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/secure-bucket/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/secure-bucket.ts: `example`).
run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "The bucket must never be force-destroyed."
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public access block settings must be on."
  }
  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on."
  }
  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "aws:kms"
    error_message = "Objects must be encrypted with SSE-KMS."
  }
  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).kms_master_key_id]) == var.kms_key_arn
    error_message = "Objects must be encrypted with the given key."
  }
  assert {
    condition     = one([for r in aws_s3_bucket_ownership_controls.this.rule : r.object_ownership]) == "BucketOwnerEnforced"
    error_message = "ACLs must be off (BucketOwnerEnforced)."
  }
  assert {
    condition     = aws_s3_bucket_logging.this.target_bucket == var.access_log_bucket_name
    error_message = "Server access logs must go to the log bucket."
  }
}

run "options_lifecycle_days" {
  command = plan

  variables {
    archive_current_versions               = true
    noncurrent_version_archive_days        = 20
    standard_ia_days                       = 60
    glacier_days                           = 180
    deep_archive_days                      = 730
    noncurrent_version_expiration_days     = 30
    abort_incomplete_multipart_upload_days = 3
  }

  assert {
    condition     = { for t in one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "scheduled-transitions"]).transition : t.storage_class => t.days } == { STANDARD_IA = 60, GLACIER = 180, DEEP_ARCHIVE = 730 }
    error_message = "Each storage class transition must follow its input."
  }
  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.status if r.id == "scheduled-transitions"]) == "Enabled" && one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.status if r.id == "tier-current-versions"]) == "Disabled"
    error_message = "archive_current_versions must turn the schedule on and Intelligent-Tiering off."
  }
  assert {
    condition     = one(one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "expire-noncurrent-versions"]).noncurrent_version_transition).noncurrent_days == 20
    error_message = "Noncurrent versions must be archived after the given days."
  }
  assert {
    condition     = one(one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "expire-noncurrent-versions"]).noncurrent_version_expiration).noncurrent_days == 30
    error_message = "Noncurrent versions must expire after the given days."
  }
  assert {
    condition     = one(one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "abort-incomplete-multipart-uploads"]).abort_incomplete_multipart_upload).days_after_initiation == 3
    error_message = "Unfinished uploads must be aborted after the given days."
  }
}

run "current_objects_stay_readable_by_default" {
  command = plan

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.status if r.id == "tier-current-versions"]) == "Enabled" && one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.status if r.id == "scheduled-transitions"]) == "Disabled"
    error_message = "By default only the Intelligent-Tiering rule may act on current objects."
  }
  assert {
    condition     = one(one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "tier-current-versions"]).transition).storage_class == "INTELLIGENT_TIERING"
    error_message = "Current objects must move to Intelligent-Tiering, which never archives them."
  }
}

run "rejects_archiving_versions_after_they_expire" {
  command = plan

  variables {
    noncurrent_version_archive_days    = 90
    noncurrent_version_expiration_days = 90
  }

  expect_failures = [var.noncurrent_version_archive_days]
}

run "rejects_an_invalid_bucket_name" {
  command = plan

  variables {
    bucket_name = "Data_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_transitions_out_of_order" {
  command = plan

  variables {
    standard_ia_days = 120
    glacier_days     = 90
  }

  expect_failures = [var.glacier_days]
}
