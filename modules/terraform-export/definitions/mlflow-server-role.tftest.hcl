# The `terraform test` suite of the mlflow-server-role module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/mlflow-server-role/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/mlflow-server-role.ts: `example`).
run "secure_defaults" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com"
    error_message = "The role must be EC2's."
  }
  assert {
    condition     = aws_iam_instance_profile.this.name == var.role_name
    error_message = "The instance profile must carry the role's name."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "The log group must be encrypted and kept a year."
  }
}

run "option_database_secret" {
  command = plan

  variables {
    database_secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:mlflow-db-AbCdEf"
  }

  assert {
    condition     = strcontains(aws_iam_policy.this.policy, "secret:mlflow-db-AbCdEf")
    error_message = "The role must read the given database secret."
  }
}

run "no_secret_by_default" {
  command = plan

  assert {
    condition     = !strcontains(aws_iam_policy.this.policy, "secretsmanager:GetSecretValue")
    error_message = "Without a secret the role reads none."
  }
}

run "rejects_an_invalid_role_name" {
  command = plan

  variables {
    role_name = "mlflow server"
  }

  expect_failures = [var.role_name]
}
