output "deployment_role_arn" {
  description = "ARN of the model deployment role."
  value       = aws_iam_role.model_deployment_role.arn
}

output "execution_role_arn" {
  description = "ARN of the model execution role."
  value       = aws_iam_role.model_execution_role.arn
}
