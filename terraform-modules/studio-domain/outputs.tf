output "domain_arn" {
  description = "ARN of the domain."
  value       = aws_sagemaker_domain.this.arn
}

output "domain_id" {
  description = "Id of the domain."
  value       = aws_sagemaker_domain.this.id
}

output "domain_url" {
  description = "URL of the domain."
  value       = aws_sagemaker_domain.this.url
}

output "home_efs_file_system_id" {
  description = "Id of the home file system (kept when the domain is deleted)."
  value       = aws_sagemaker_domain.this.home_efs_file_system_id
}
