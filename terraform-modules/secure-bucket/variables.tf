variable "abort_incomplete_multipart_upload_days" {
  description = "Days before an unfinished multipart upload is aborted and its parts deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days == floor(var.abort_incomplete_multipart_upload_days) && var.abort_incomplete_multipart_upload_days >= 1 && var.abort_incomplete_multipart_upload_days <= 36500
    error_message = "abort_incomplete_multipart_upload_days is ${var.abort_incomplete_multipart_upload_days}; it must be a whole number from 1 to 36500."
  }
}

variable "access_log_bucket_name" {
  description = "Bucket that receives the server access logs (under the prefix <bucket_name>/); it must allow the S3 logging service to write."
  type        = string

  validation {
    condition = can(
      regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name),
    )
    error_message = "access_log_bucket_name is \"${var.access_log_bucket_name}\"; it must be an S3 bucket name."
  }
}

variable "archive_current_versions" {
  description = "Move current objects to STANDARD_IA, GLACIER and DEEP_ARCHIVE on the days below (the DVC reference's schedule), instead of Intelligent-Tiering. Archived objects cannot be read until restored."
  type        = bool
  default     = false
}

variable "bucket_name" {
  description = "Globally unique name of the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name is \"${var.bucket_name}\"; it must be 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit."
  }

  validation {
    condition     = !strcontains(var.bucket_name, "..") && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias")
    error_message = "bucket_name is \"${var.bucket_name}\"; S3 refuses \"..\", the prefix xn-- and the suffix -s3alias."
  }
}

variable "deep_archive_days" {
  description = "With archive_current_versions: days after creation when current objects move to DEEP_ARCHIVE."
  type        = number
  default     = 365

  validation {
    condition     = var.deep_archive_days == floor(var.deep_archive_days) && var.deep_archive_days >= 150 && var.deep_archive_days <= 36500
    error_message = "deep_archive_days is ${var.deep_archive_days}; it must be a whole number from 150 to 36500."
  }

  validation {
    condition     = var.deep_archive_days >= var.glacier_days + 90
    error_message = "deep_archive_days is ${var.deep_archive_days}; it must be at least 90 days after glacier_days (${var.glacier_days}): S3 keeps objects in GLACIER for 90 days before DEEP_ARCHIVE."
  }
}

variable "glacier_days" {
  description = "With archive_current_versions: days after creation when current objects move to GLACIER."
  type        = number
  default     = 90

  validation {
    condition     = var.glacier_days == floor(var.glacier_days) && var.glacier_days >= 60 && var.glacier_days <= 36500
    error_message = "glacier_days is ${var.glacier_days}; it must be a whole number from 60 to 36500."
  }

  validation {
    condition     = var.glacier_days >= var.standard_ia_days + 30
    error_message = "glacier_days is ${var.glacier_days}; it must be at least 30 days after standard_ia_days (${var.standard_ia_days}): S3 keeps objects in STANDARD_IA for 30 days."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed key that encrypts the objects."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.kms_key_arn,
      ),
    )
    error_message = "kms_key_arn is \"${var.kms_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "noncurrent_version_archive_days" {
  description = "Days after an object version is superseded when it moves to GLACIER Flexible Retrieval (restore before reading); less than noncurrent_version_expiration_days."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_archive_days == floor(var.noncurrent_version_archive_days) && var.noncurrent_version_archive_days >= 0 && var.noncurrent_version_archive_days <= 36500
    error_message = "noncurrent_version_archive_days is ${var.noncurrent_version_archive_days}; it must be a whole number from 0 to 36500."
  }

  validation {
    condition     = var.noncurrent_version_archive_days < var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_archive_days is ${var.noncurrent_version_archive_days}; it must be less than noncurrent_version_expiration_days (${var.noncurrent_version_expiration_days}): S3 refuses an expiration that is not after the transition."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a superseded object version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days == floor(var.noncurrent_version_expiration_days) && var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 36500
    error_message = "noncurrent_version_expiration_days is ${var.noncurrent_version_expiration_days}; it must be a whole number from 1 to 36500."
  }
}

variable "standard_ia_days" {
  description = "With archive_current_versions: days after creation when current objects move to STANDARD_IA."
  type        = number
  default     = 30

  validation {
    condition     = var.standard_ia_days == floor(var.standard_ia_days) && var.standard_ia_days >= 30 && var.standard_ia_days <= 36500
    error_message = "standard_ia_days is ${var.standard_ia_days}; it must be a whole number from 30 to 36500."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags (merged with the module's own)."
  type        = map(string)
  default     = {}
}

variable "vpc_endpoint_exempt_role_arns" {
  description = "Roles that may reach the bucket from outside the VPC endpoint: at least the role Terraform runs as."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue(
      [for v in var.vpc_endpoint_exempt_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$", v))],
    )
    error_message = "vpc_endpoint_exempt_role_arns is [${join(", ", var.vpc_endpoint_exempt_role_arns)}]; every element must be an IAM role ARN."
  }

  validation {
    condition     = var.vpc_endpoint_id == null || length(var.vpc_endpoint_exempt_role_arns) > 0
    error_message = "vpc_endpoint_exempt_role_arns is empty while vpc_endpoint_id is set; list the role Terraform runs as, or the bucket policy locks it out."
  }
}

variable "vpc_endpoint_id" {
  description = "S3 VPC endpoint that every request must come through, or null for requests from anywhere IAM allows."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.vpc_endpoint_id == null || can(regex("^vpce-[0-9a-f]+$", coalesce(var.vpc_endpoint_id, "-")))
    error_message = "vpc_endpoint_id is \"${coalesce(var.vpc_endpoint_id, "null")}\"; it must be null or a VPC endpoint id (vpce-...)."
  }
}
