variable "availability_zone_count" {
  description = "How many availability zones the VPC spans (SageMaker needs at least two)."
  type        = number
  default     = 2

  validation {
    condition     = var.availability_zone_count == floor(var.availability_zone_count) && var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count is ${var.availability_zone_count}; it must be a whole number from 2 to 4."
  }
}

variable "cidr" {
  description = "Private IPv4 block of the VPC (RFC 1918), /16 to /28."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr)) && try(cidrhost(var.cidr, 0) == split("/", var.cidr)[0], false)
    error_message = "cidr is \"${var.cidr}\"; it must be an IPv4 network block such as 10.10.0.0/16, with no host bits set."
  }

  validation {
    condition     = can(regex("/(1[6-9]|2[0-8])$", var.cidr))
    error_message = "cidr is \"${var.cidr}\"; AWS allows VPC blocks from /16 to /28."
  }

  validation {
    condition = can(
      regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.cidr),
    )
    error_message = "cidr is \"${var.cidr}\"; it must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)."
  }
}

variable "flow_logs_kms_key_arn" {
  description = "Key that encrypts the flow logs' log group."
  type        = string

  validation {
    condition = can(
      regex(
        "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$",
        var.flow_logs_kms_key_arn,
      ),
    )
    error_message = "flow_logs_kms_key_arn is \"${var.flow_logs_kms_key_arn}\"; it must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "flow_logs_log_group_name" {
  description = "Log group of the flow logs, created by the module."
  type        = string

  validation {
    condition     = can(regex("^[\\w#/.-]{1,512}$", var.flow_logs_log_group_name))
    error_message = "flow_logs_log_group_name is \"${var.flow_logs_log_group_name}\"; it must be 1 to 512 letters, digits or _ - / . #."
  }
}

variable "flow_logs_retention_in_days" {
  description = "Days the flow logs are kept (a CloudWatch Logs retention of a year or more)."
  type        = number
  default     = 365

  validation {
    condition = contains(
      [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
      var.flow_logs_retention_in_days,
    )
    error_message = "flow_logs_retention_in_days is ${var.flow_logs_retention_in_days}; it must be one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "flow_logs_role_name" {
  description = "Name of the role the flow logs service assumes."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.flow_logs_role_name))
    error_message = "flow_logs_role_name is \"${var.flow_logs_role_name}\"; it must be 1 to 64 letters, digits or + = , . @ _ -."
  }
}

variable "interface_endpoints" {
  description = "Interface endpoints to create, from: sagemaker.api, sagemaker.runtime, sagemaker.studio, sagemaker.notebook, sagemaker.experiments, sts, logs, monitoring, ssm, ssmmessages, ec2messages, kms, ecr.api, ecr.dkr, servicecatalog, secretsmanager, codeartifact.api, codeartifact.repositories."
  type        = list(string)
  default = [
    "sagemaker.api",
    "sagemaker.runtime",
    "sagemaker.studio",
    "sagemaker.notebook",
    "sts",
    "logs",
    "monitoring",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "kms",
    "ecr.api",
    "ecr.dkr",
    "servicecatalog",
    "secretsmanager",
  ]

  validation {
    condition = alltrue(
      [for e in var.interface_endpoints : contains(["sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "sagemaker.notebook", "sagemaker.experiments", "sts", "logs", "monitoring", "ssm", "ssmmessages", "ec2messages", "kms", "ecr.api", "ecr.dkr", "servicecatalog", "secretsmanager", "codeartifact.api", "codeartifact.repositories"], e)],
    )
    error_message = "interface_endpoints is [${join(", ", var.interface_endpoints)}]; every element must be one of sagemaker.api, sagemaker.runtime, sagemaker.studio, sagemaker.notebook, sagemaker.experiments, sts, logs, monitoring, ssm, ssmmessages, ec2messages, kms, ecr.api, ecr.dkr, servicecatalog, secretsmanager, codeartifact.api, codeartifact.repositories."
  }

  validation {
    condition     = length(distinct(var.interface_endpoints)) == length(var.interface_endpoints)
    error_message = "interface_endpoints lists a value twice; list each once."
  }
}

variable "name" {
  description = "Stem of Name tags and security group names, such as mlops-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}$", var.name))
    error_message = "name is \"${var.name}\"; it must be 1 to 41 lowercase letters, digits or hyphens."
  }
}

variable "nat_gateways" {
  description = "Internet egress: \"none\" (no internet gateway, no NAT), \"single\" NAT gateway, or \"one-per-az\"."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "single", "one-per-az"], var.nat_gateways)
    error_message = "nat_gateways is ${var.nat_gateways}; it must be one of none, single, one-per-az."
  }
}

variable "s3_bucket_names" {
  description = "Buckets of this account that workloads may read and write through the S3 gateway endpoint."
  type        = list(string)

  validation {
    condition     = length(var.s3_bucket_names) > 0
    error_message = "s3_bucket_names is empty; the S3 endpoint policy must name the buckets it admits."
  }

  validation {
    condition = alltrue(
      [for v in var.s3_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", v))],
    )
    error_message = "s3_bucket_names is [${join(", ", var.s3_bucket_names)}]; every element must be an S3 bucket name."
  }
}

variable "subnet_new_bits" {
  description = "Bits added to the VPC prefix for each subnet: 4 makes /20 subnets in a /16 (room for 16)."
  type        = number
  default     = 4

  validation {
    condition     = var.subnet_new_bits == floor(var.subnet_new_bits) && var.subnet_new_bits >= 1 && var.subnet_new_bits <= 12
    error_message = "subnet_new_bits is ${var.subnet_new_bits}; it must be a whole number from 1 to 12."
  }

  validation {
    condition     = pow(2, var.subnet_new_bits) >= var.availability_zone_count * (var.nat_gateways == "none" ? 1 : 2) && tonumber(split("/", var.cidr)[1]) + var.subnet_new_bits <= 28
    error_message = "subnet_new_bits is ${var.subnet_new_bits}; the VPC needs room for a private subnet per zone (and a public one per zone with NAT), each no smaller than /28."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags (merged with the module's own)."
  type        = map(string)
  default     = {}
}
