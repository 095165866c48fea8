variable "artifact_bucket_arn" {
  description = "ARN of the MLflow artifact bucket."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        var.artifact_bucket_arn,
      ),
    )
    error_message = "artifact_bucket_arn is \"${var.artifact_bucket_arn}\"; it must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }
}

variable "artifact_bucket_kms_key_arn" {
  description = "ARN of the key that encrypts the artifact bucket."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.artifact_bucket_kms_key_arn,
      ),
    )
    error_message = "artifact_bucket_kms_key_arn is \"${var.artifact_bucket_kms_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "database_secret_arn" {
  description = "Secrets Manager secret of the MLflow backend database, or null for a server without one."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition = var.database_secret_arn == null || can(
      regex(
        "^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$",
        coalesce(var.database_secret_arn, "-"),
      ),
    )
    error_message = "database_secret_arn is \"${coalesce(var.database_secret_arn, "null")}\"; it must be null or a Secrets Manager secret ARN."
  }
}

variable "log_group_name" {
  description = "CloudWatch log group of the server, created by the module."
  type        = string

  validation {
    condition     = can(regex("^[\\w#/.-]{1,512}$", var.log_group_name))
    error_message = "log_group_name is \"${var.log_group_name}\"; it must be 1 to 512 letters, digits or _ - / . #."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the key that encrypts the log group."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.logs_kms_key_arn,
      ),
    )
    error_message = "logs_kms_key_arn is \"${var.logs_kms_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "role_name" {
  description = "Name of the role and of its instance profile."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name is \"${var.role_name}\"; it must be 1 to 64 letters, digits or + = , . @ _ -."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags (merged with the module's own)."
  type        = map(string)
  default     = {}
}
