# The `terraform test` suite of the model-hosting-roles module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/model-hosting-roles/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/model-hosting-roles.ts: `example`).
run "duties" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.model_execution_role.assume_role_policy).Statement[0].Principal.Service == "sagemaker.amazonaws.com" && length(jsondecode(aws_iam_role.model_execution_role.assume_role_policy).Statement) == 1
    error_message = "The execution role must be SageMaker's alone."
  }
  assert {
    condition     = jsondecode(aws_iam_role.model_deployment_role.assume_role_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == var.deployer_role_arn
    error_message = "The deployment role must trust the deployer only."
  }
  assert {
    condition     = jsondecode(aws_iam_role.model_deployment_role.assume_role_policy).Statement[0].Condition.StringEquals["sts:ExternalId"] == var.external_id
    error_message = "The deployment role must require the external id."
  }
}

run "option_ecr_repositories" {
  command = plan

  variables {
    ecr_repository_names = ["models/churn"]
  }

  assert {
    condition     = strcontains(aws_iam_policy.model_execution_role_policy_permissions.policy, "repository/models/churn")
    error_message = "The execution role must pull from the listed repositories."
  }
}

run "no_ecr_repositories_by_default" {
  command = plan

  assert {
    condition     = !strcontains(aws_iam_policy.model_execution_role_policy_permissions.policy, "PullModelImagesFromDataScience")
    error_message = "Without repositories the execution role pulls no images of the data science account."
  }
}

run "rejects_a_short_external_id" {
  command = plan

  variables {
    external_id = "x"
  }

  expect_failures = [var.external_id]
}

run "rejects_a_deployer_that_is_not_a_role_arn" {
  command = plan

  variables {
    deployer_role_arn = "mlops-dev-model-deployer"
  }

  expect_failures = [var.deployer_role_arn]
}
