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

module "secure_bucket" {
  source = "../.."

  bucket_name                   = "mlops-dev-data-111111111111"
  kms_key_arn                   = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  access_log_bucket_name        = "mlops-dev-access-logs-111111111111"
  vpc_endpoint_id               = "vpce-0123456789abcdef0"
  vpc_endpoint_exempt_role_arns = ["arn:aws:iam::111111111111:role/terraform-deploy"]
}

output "bucket_arn" {
  value = module.secure_bucket.bucket_arn
}

output "bucket_name" {
  value = module.secure_bucket.bucket_name
}

output "read_policy_json" {
  value = module.secure_bucket.read_policy_json
}

output "read_write_policy_json" {
  value = module.secure_bucket.read_write_policy_json
}

