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

module "studio_domain" {
  source = "../.."

  domain_name                = "mlops-dev"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids         = ["sg-0123456789abcdef0"]
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  default_execution_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
}

output "domain_arn" {
  value = module.studio_domain.domain_arn
}

output "domain_id" {
  value = module.studio_domain.domain_id
}

output "domain_url" {
  value = module.studio_domain.domain_url
}

output "home_efs_file_system_id" {
  value = module.studio_domain.home_efs_file_system_id
}

