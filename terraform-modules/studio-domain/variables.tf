variable "auth_mode" {
  description = "How users sign in: IAM, or SSO through IAM Identity Center."
  type        = string
  default     = "IAM"

  validation {
    condition     = contains(["IAM", "SSO"], var.auth_mode)
    error_message = "auth_mode is ${var.auth_mode}; it must be one of IAM, SSO."
  }
}

variable "default_execution_role_arn" {
  description = "Execution role of users without one of their own."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$",
        var.default_execution_role_arn,
      ),
    )
    error_message = "default_execution_role_arn is \"${var.default_execution_role_arn}\"; it must be an IAM role ARN."
  }
}

variable "domain_name" {
  description = "Name of the domain."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.domain_name))
    error_message = "domain_name is \"${var.domain_name}\"; it must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key of the home file system and app volumes."
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

variable "security_group_ids" {
  description = "Security groups of the domain and of every app (the workload group)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "security_group_ids is empty; name the workload security group."
  }

  validation {
    condition     = alltrue([for v in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", v))])
    error_message = "security_group_ids is [${join(", ", var.security_group_ids)}]; every element must be a security group id (sg-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the domain, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids is empty; name the private subnets."
  }

  validation {
    condition     = alltrue([for v in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", v))])
    error_message = "subnet_ids is [${join(", ", var.subnet_ids)}]; every element must be a subnet id (subnet-...)."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags (merged with the module's own)."
  type        = map(string)
  default     = {}
}

variable "vpc_id" {
  description = "VPC of the domain."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id is \"${var.vpc_id}\"; it must be a VPC id (vpc-...)."
  }
}
