output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints."
  value       = aws_security_group.vpc_endpoint_security_group.id
}

output "flow_logs_log_group_arn" {
  description = "ARN of the flow logs' log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "private_route_table_ids" {
  description = "Ids of the private route tables, one per zone."
  value = concat(
    aws_route_table.vpc_private_route_table_0[*].id,
    aws_route_table.vpc_private_route_table_1[*].id,
    aws_route_table.vpc_private_route_table_2[*].id,
    aws_route_table.vpc_private_route_table_3[*].id,
  )
}

output "private_subnet_ids" {
  description = "Ids of the private subnets, one per zone."
  value = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
}

output "s3_gateway_endpoint_id" {
  description = "Id of the S3 gateway endpoint (for buckets' vpc_endpoint_id)."
  value       = aws_vpc_endpoint.vpc_s3_endpoint.id
}

output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "workload_security_group_id" {
  description = "Security group for SageMaker Studio, jobs, endpoints and the MLflow server."
  value       = aws_security_group.vpc_workload_security_group.id
}
