resource "aws_sagemaker_domain" "this" {
  app_network_access_type = "VpcOnly"
  auth_mode               = var.auth_mode
  default_user_settings {
    execution_role  = var.default_execution_role_arn
    security_groups = var.security_group_ids
    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }
  domain_name = var.domain_name
  domain_settings {
    security_group_ids = var.security_group_ids
  }
  kms_key_id = var.kms_key_arn
  retention_policy {
    home_efs_file_system = "Retain"
  }
  subnet_ids = var.subnet_ids
  tags       = var.tags
  vpc_id     = var.vpc_id
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [subnet_ids]
  }
}
