# Addresses of earlier releases (construct-path names) moved to the current ones.
moved {
  from = aws_cloudwatch_log_group.mlflow_log_group
  to   = aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_instance_profile.mlflow_instance_profile
  to   = aws_iam_instance_profile.this
}

moved {
  from = aws_iam_policy.mlflow_role_policy_permissions
  to   = aws_iam_policy.this
}

moved {
  from = aws_iam_role.mlflow_role
  to   = aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.mlflow_role_attach_permissions
  to   = aws_iam_role_policy_attachment.this
}

