output "instance_profile_arn" {
  description = "ARN of the instance profile."
  value       = aws_iam_instance_profile.mlflow_instance_profile.arn
}

output "instance_profile_name" {
  description = "Instance profile to launch the server with."
  value       = aws_iam_instance_profile.mlflow_instance_profile.name
}

output "log_group_arn" {
  description = "ARN of the server's log group."
  value       = aws_cloudwatch_log_group.mlflow_log_group.arn
}

output "role_arn" {
  description = "ARN of the role."
  value       = aws_iam_role.mlflow_role.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.mlflow_role.name
}
