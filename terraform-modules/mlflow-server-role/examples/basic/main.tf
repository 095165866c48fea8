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

module "mlflow_server_role" {
  source = "../.."

  role_name                   = "mlops-dev-mlflow-server"
  artifact_bucket_arn         = "arn:aws:s3:::mlops-dev-mlflow-111111111111"
  artifact_bucket_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  log_group_name              = "/mlops/dev/mlflow-server"
  logs_kms_key_arn            = "arn:aws:kms:eu-west-1:111111111111:key/abcd1234-12ab-34cd-56ef-1234567890ab"
}

output "instance_profile_arn" {
  value = module.mlflow_server_role.instance_profile_arn
}

output "instance_profile_name" {
  value = module.mlflow_server_role.instance_profile_name
}

output "log_group_arn" {
  value = module.mlflow_server_role.log_group_arn
}

output "role_arn" {
  value = module.mlflow_server_role.role_arn
}

output "role_name" {
  value = module.mlflow_server_role.role_name
}

