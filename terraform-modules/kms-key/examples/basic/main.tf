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

module "kms_key" {
  source = "../.."

  alias              = "alias/mlops-dev-data"
  description        = "Training data and model artifacts"
  administrator_arns = ["arn:aws:iam::111111111111:role/terraform-deploy"]
  user_arns          = ["arn:aws:iam::111111111111:role/ml-training"]
  via_services       = ["s3", "sagemaker"]
}

output "alias_arn" {
  value = module.kms_key.alias_arn
}

output "alias_name" {
  value = module.kms_key.alias_name
}

output "key_arn" {
  value = module.kms_key.key_arn
}

output "key_id" {
  value = module.kms_key.key_id
}

