variable "deployer_role_arn" {
  description = "The data science account's deployer role: the only principal of that account trusted to deploy."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$",
        var.deployer_role_arn,
      ),
    )
    error_message = "deployer_role_arn is \"${var.deployer_role_arn}\"; it must be an IAM role ARN."
  }
}

variable "deployment_role_name" {
  description = "Name of the model deployment role."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.deployment_role_name))
    error_message = "deployment_role_name is \"${var.deployment_role_name}\"; it must be 1 to 64 letters, digits or + = , . @ _ -."
  }
}

variable "ecr_repository_names" {
  description = "ECR repositories of the data science account that model images may come from."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue(
      [for v in var.ecr_repository_names : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", v))],
    )
    error_message = "ecr_repository_names is [${join(", ", var.ecr_repository_names)}]; every element must be an ECR repository name."
  }
}

variable "endpoint_kms_key_arn" {
  description = "Key of endpoint volumes in this account; endpoint configurations must use it."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.endpoint_kms_key_arn,
      ),
    )
    error_message = "endpoint_kms_key_arn is \"${var.endpoint_kms_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "execution_role_name" {
  description = "Name of the model execution role."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.execution_role_name))
    error_message = "execution_role_name is \"${var.execution_role_name}\"; it must be 1 to 64 letters, digits or + = , . @ _ -."
  }
}

variable "external_id" {
  description = "External id the deployer must present to assume the deployment role."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@:/-]+$", var.external_id))
    error_message = "external_id is \"${var.external_id}\"; it must be letters, digits or + = , . @ : / -."
  }

  validation {
    condition     = length(var.external_id) >= 2 && length(var.external_id) <= 1224
    error_message = "external_id has ${length(var.external_id)} characters; STS allows 2 to 1224."
  }
}

variable "model_artifacts_prefix" {
  description = "Prefix of the model artifacts in the bucket: the only one the roles may read."
  type        = string
  default     = "models/"

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+\\/)+$", var.model_artifacts_prefix))
    error_message = "model_artifacts_prefix is \"${var.model_artifacts_prefix}\"; it must be path segments each ending in \"/\", such as models/, without \"*\" (a policy would read it as a wildcard)."
  }
}

variable "model_bucket_name" {
  description = "The data science account's model bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.model_bucket_name))
    error_message = "model_bucket_name is \"${var.model_bucket_name}\"; it must be an S3 bucket name."
  }
}

variable "model_data_key_arn" {
  description = "ARN of the key that encrypts the model artifacts."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.model_data_key_arn,
      ),
    )
    error_message = "model_data_key_arn is \"${var.model_data_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "prebuilt_image_account_ids" {
  description = "AWS-owned accounts whose SageMaker prebuilt images models may run (763104351884: Deep Learning Containers); none by default."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue(
      [for v in var.prebuilt_image_account_ids : can(regex("^[0-9]{12}$", v))],
    )
    error_message = "prebuilt_image_account_ids is [${join(", ", var.prebuilt_image_account_ids)}]; every element must be a 12-digit account id."
  }
}

variable "resource_name_prefix" {
  description = "Models, endpoint configurations and endpoints the deployment role manages are named `<resource_name_prefix>-...`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,40}$", var.resource_name_prefix))
    error_message = "resource_name_prefix is \"${var.resource_name_prefix}\"; it must be letters, digits and hyphens, starting and ending with a letter or digit, at most 41 characters."
  }
}

variable "security_group_ids" {
  description = "Security groups models must run in."
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

variable "source_account_id" {
  description = "AWS account id of the data science account the models come from."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id is \"${var.source_account_id}\"; it must be a 12-digit AWS account id."
  }
}

variable "subnet_ids" {
  description = "Private subnets models must run in."
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
