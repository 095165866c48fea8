# The `terraform test` suite of the studio-domain module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/studio-domain/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/studio-domain.ts: `example`).
run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_sagemaker_domain.this.app_network_access_type == "VpcOnly"
    error_message = "The domain must reach nothing but its VPC."
  }
  assert {
    condition     = aws_sagemaker_domain.this.kms_key_id == var.kms_key_arn
    error_message = "The home file system must use the given key."
  }
  assert {
    condition     = one(aws_sagemaker_domain.this.retention_policy).home_efs_file_system == "Retain"
    error_message = "The home file system must be kept when the domain goes."
  }
  assert {
    condition     = one(one(aws_sagemaker_domain.this.default_user_settings).sharing_settings).notebook_output_option == "Disabled"
    error_message = "Notebook output sharing must be off."
  }
  assert {
    condition     = aws_sagemaker_domain.this.auth_mode == "IAM"
    error_message = "IAM authentication by default."
  }
}

run "option_sso" {
  command = plan

  variables {
    auth_mode = "SSO"
  }

  assert {
    condition     = aws_sagemaker_domain.this.auth_mode == "SSO"
    error_message = "auth_mode must follow the input."
  }
}

run "rejects_an_unknown_auth_mode" {
  command = plan

  variables {
    auth_mode = "PASSWORD"
  }

  expect_failures = [var.auth_mode]
}
