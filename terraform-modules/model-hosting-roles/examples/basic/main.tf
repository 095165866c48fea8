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

module "model_hosting_roles" {
  source = "../.."

  execution_role_name  = "mlops-prod-model-execution"
  deployment_role_name = "mlops-prod-model-deployment"
  source_account_id    = "111111111111"
  deployer_role_arn    = "arn:aws:iam::111111111111:role/mlops-dev-model-deployer"
  resource_name_prefix = "mlops"
  external_id          = "mlops-prod-deploy"
  model_bucket_name    = "mlops-dev-models-111111111111"
  model_data_key_arn   = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  endpoint_kms_key_arn = "arn:aws:kms:eu-west-1:333333333333:key/abcd1234-12ab-34cd-56ef-1234567890ab"
  subnet_ids           = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids   = ["sg-0123456789abcdef0"]
}

output "deployment_role_arn" {
  value = module.model_hosting_roles.deployment_role_arn
}

output "execution_role_arn" {
  value = module.model_hosting_roles.execution_role_arn
}

