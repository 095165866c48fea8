# Addresses of earlier releases (construct-path names) moved to the current ones.
moved {
  from = aws_cloudwatch_log_group.vpc_flow_logs_log_group
  to   = aws_cloudwatch_log_group.this
}

moved {
  from = aws_default_security_group.vpc_default_security_group
  to   = aws_default_security_group.this
}

moved {
  from = aws_flow_log.vpc_flow_logs_flow_log
  to   = aws_flow_log.this
}

moved {
  from = aws_iam_policy.vpc_flow_logs_role_policy_permissions
  to   = aws_iam_policy.this
}

moved {
  from = aws_iam_role.vpc_flow_logs_role
  to   = aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.vpc_flow_logs_role_attach_permissions
  to   = aws_iam_role_policy_attachment.this
}

moved {
  from = aws_internet_gateway.vpc_internet_gateway
  to   = aws_internet_gateway.this
}

moved {
  from = aws_vpc.vpc
  to   = aws_vpc.this
}

