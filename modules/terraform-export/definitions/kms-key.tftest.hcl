# The `terraform test` suite of the kms-key module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/kms-key/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/kms-key.ts: `example`).
run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "Key rotation must be on."
  }
  assert {
    condition     = aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The deletion window must default to the longest, 30 days."
  }
  assert {
    condition     = aws_kms_alias.this.name == var.alias
    error_message = "The alias must name the key."
  }
  assert {
    condition     = aws_kms_key.this.tags == var.tags
    error_message = "The key must take the tags input."
  }
}

run "takes_tags" {
  command = plan

  variables {
    tags = { team = "ml" }
  }

  assert {
    condition     = aws_kms_key.this.tags["team"] == "ml"
    error_message = "The key must carry the caller's tags."
  }
}

run "rejects_an_alias_without_the_prefix" {
  command = plan

  variables {
    alias = "mlops-dev-data"
  }

  expect_failures = [var.alias]
}

run "options_rotation_period_and_cloudwatch_logs" {
  command = plan

  variables {
    rotation_period_in_days = 90
    allow_cloudwatch_logs   = true
  }

  assert {
    condition     = aws_kms_key.this.rotation_period_in_days == 90
    error_message = "The rotation period must follow the input."
  }
  assert {
    condition     = strcontains(aws_kms_key.this.policy, "logs.eu-west-1.amazonaws.com")
    error_message = "allow_cloudwatch_logs must let CloudWatch Logs of the region use the key."
  }
}

run "cloudwatch_logs_are_off_by_default" {
  command = plan

  assert {
    condition     = !strcontains(aws_kms_key.this.policy, "logs.eu-west-1.amazonaws.com")
    error_message = "CloudWatch Logs must not use the key unless allowed."
  }
}

run "rejects_a_short_deletion_window" {
  command = plan

  variables {
    deletion_window_in_days = 6
  }

  expect_failures = [var.deletion_window_in_days]
}
