output "instance_profile_arn" {
  description = "ARN of the instance profile."
  value       = aws_iam_instance_profile.this.arn
}

output "instance_profile_name" {
  description = "Instance profile to launch the server with."
  value       = aws_iam_instance_profile.this.name
}

output "log_group_arn" {
  description = "ARN of the server's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "role_arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}
