variable "administrator_arns" {
  description = "Roles that administer the key (the role Terraform runs as): they may change the key and its policy but not use it for data."
  type        = list(string)

  validation {
    condition     = length(var.administrator_arns) > 0
    error_message = "administrator_arns is empty; name at least the role Terraform runs as."
  }

  validation {
    condition = alltrue(
      [for v in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$", v))],
    )
    error_message = "administrator_arns is [${join(", ", var.administrator_arns)}]; every element must be an IAM role ARN."
  }
}

variable "alias" {
  description = "Alias of the key, \"alias/<name>\"."
  type        = string

  validation {
    condition     = can(regex("^alias\\/[a-zA-Z0-9/_-]{1,250}$", var.alias))
    error_message = "alias is \"${var.alias}\"; it must be alias/ followed by 1 to 250 letters, digits, \"/\", \"_\" or \"-\"."
  }

  validation {
    condition     = !startswith(var.alias, "alias/aws/")
    error_message = "alias is \"${var.alias}\"; aliases under alias/aws/ are reserved for AWS managed keys."
  }
}

variable "allow_cloudwatch_logs" {
  description = "Let CloudWatch Logs of this account and region encrypt log groups of this account with the key."
  type        = bool
  default     = false
}

variable "deletion_window_in_days" {
  description = "Days between scheduling deletion and the key's destruction."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days == floor(var.deletion_window_in_days) && var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days is ${var.deletion_window_in_days}; it must be a whole number from 7 to 30."
  }
}

variable "description" {
  description = "What the key protects; shown in the console and in plans."
  type        = string

  validation {
    condition     = length(var.description) <= 8192
    error_message = "description is longer than the 8192 characters KMS allows."
  }
}

variable "rotation_period_in_days" {
  description = "Days between automatic rotations of the key material."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days == floor(var.rotation_period_in_days) && var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560
    error_message = "rotation_period_in_days is ${var.rotation_period_in_days}; it must be a whole number from 90 to 2560."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags (merged with the module's own)."
  type        = map(string)
  default     = {}
}

variable "user_arns" {
  description = "Roles that may use the key, through the services in via_services only."
  type        = list(string)

  validation {
    condition     = length(var.user_arns) > 0
    error_message = "user_arns is empty; name the roles that use the key."
  }

  validation {
    condition = alltrue(
      [for v in var.user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$", v))],
    )
    error_message = "user_arns is [${join(", ", var.user_arns)}]; every element must be an IAM role ARN."
  }
}

variable "via_services" {
  description = "AWS services through which the users may use the key, by endpoint prefix (\"s3\", \"sagemaker\", \"ec2\", \"secretsmanager\")."
  type        = list(string)
  default = [
    "s3",
  ]

  validation {
    condition     = length(var.via_services) > 0
    error_message = "via_services is empty; name at least one service."
  }

  validation {
    condition     = alltrue([for v in var.via_services : can(regex("^[a-z0-9-]+$", v))])
    error_message = "via_services is [${join(", ", var.via_services)}]; every element must be a service endpoint prefix such as s3."
  }

  validation {
    condition     = length(distinct(var.via_services)) == length(var.via_services)
    error_message = "via_services lists a value twice; list each once."
  }
}
