# A root module that calls the module from this repository's checkout.
terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.25.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "secure_vpc" {
  source = "../.."

  name                     = "mlops-dev"
  cidr                     = "10.10.0.0/16"
  s3_bucket_names          = ["mlops-dev-data-111111111111", "mlops-dev-models-111111111111"]
  flow_logs_log_group_name = "/mlops/dev/vpc-flow-logs"
  flow_logs_role_name      = "mlops-dev-vpc-flow-logs"
  flow_logs_kms_key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

output "endpoint_security_group_id" {
  value = module.secure_vpc.endpoint_security_group_id
}

output "flow_logs_log_group_arn" {
  value = module.secure_vpc.flow_logs_log_group_arn
}

output "private_route_table_ids" {
  value = module.secure_vpc.private_route_table_ids
}

output "private_subnet_ids" {
  value = module.secure_vpc.private_subnet_ids
}

output "s3_gateway_endpoint_id" {
  value = module.secure_vpc.s3_gateway_endpoint_id
}

output "vpc_id" {
  value = module.secure_vpc.vpc_id
}

output "workload_security_group_id" {
  value = module.secure_vpc.workload_security_group_id
}

