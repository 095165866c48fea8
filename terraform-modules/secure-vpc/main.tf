data "aws_availability_zones" "vpc_zones" {
  filter {
    name = "opt-in-status"
    values = [
      "opt-in-not-required",
    ]
  }
  state = "available"
}

data "aws_caller_identity" "current" {
}

data "aws_partition" "current_partition" {
}

data "aws_region" "current_region" {
}

resource "aws_cloudwatch_log_group" "this" {
  kms_key_id        = var.flow_logs_kms_key_arn
  name              = var.flow_logs_log_group_name
  retention_in_days = var.flow_logs_retention_in_days
  tags              = var.tags
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_default_security_group" "this" {
  egress  = []
  ingress = []
  tags    = merge(var.tags, { "Name" = "${var.name}-default-no-rules" })
  vpc_id  = aws_vpc.this.id
}

resource "aws_eip" "vpc_nat_eip_0" {
  count  = (var.nat_gateways != "none") ? 1 : 0
  domain = "vpc"
  tags   = merge(var.tags, { "Name" = "${var.name}-nat-0" })
}

resource "aws_eip" "vpc_nat_eip_1" {
  count  = (var.nat_gateways == "one-per-az") ? 1 : 0
  domain = "vpc"
  tags   = merge(var.tags, { "Name" = "${var.name}-nat-1" })
}

resource "aws_eip" "vpc_nat_eip_2" {
  count  = ((var.availability_zone_count > 2) && (var.nat_gateways == "one-per-az")) ? 1 : 0
  domain = "vpc"
  tags   = merge(var.tags, { "Name" = "${var.name}-nat-2" })
}

resource "aws_eip" "vpc_nat_eip_3" {
  count  = ((var.availability_zone_count > 3) && (var.nat_gateways == "one-per-az")) ? 1 : 0
  domain = "vpc"
  tags   = merge(var.tags, { "Name" = "${var.name}-nat-3" })
}

resource "aws_flow_log" "this" {
  iam_role_arn             = aws_iam_role.this.arn
  log_destination          = aws_cloudwatch_log_group.this.arn
  log_destination_type     = "cloud-watch-logs"
  max_aggregation_interval = 60
  tags                     = var.tags
  traffic_type             = "ALL"
  vpc_id                   = aws_vpc.this.id
}

resource "aws_iam_policy" "this" {
  description = "permissions of ${var.flow_logs_role_name}"
  name        = "${var.flow_logs_role_name}-permissions"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "WriteToTheFlowLogGroup"
        Effect = "Allow"
        Action = [
          "logs:CreateLogStream",
          "logs:DescribeLogStreams",
          "logs:PutLogEvents",
        ]
        Resource = [
          "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:${var.flow_logs_log_group_name}",
          "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:${var.flow_logs_log_group_name}:log-stream:*",
        ]
      },
      {
        Sid      = "FindTheFlowLogGroup"
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "*"
      },
    ]
  })
  tags = var.tags
}

resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "FlowLogsServiceOfThisAccount"
        Effect = "Allow"
        Principal = {
          Service = "vpc-flow-logs.amazonaws.com"
        }
        Action = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
          ArnLike = {
            "aws:SourceArn" = "arn:${data.aws_partition.current_partition.partition}:ec2:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*"
          }
        }
      },
    ]
  })
  description          = "Lets VPC flow logs write to ${var.flow_logs_log_group_name}"
  max_session_duration = 3600
  name                 = var.flow_logs_role_name
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  policy_arn = aws_iam_policy.this.arn
  role       = aws_iam_role.this.name
}

resource "aws_internet_gateway" "this" {
  count  = (var.nat_gateways != "none") ? 1 : 0
  tags   = merge(var.tags, { "Name" = var.name })
  vpc_id = aws_vpc.this.id
}

resource "aws_nat_gateway" "vpc_nat_gateway_0" {
  count         = (var.nat_gateways != "none") ? 1 : 0
  allocation_id = one(aws_eip.vpc_nat_eip_0[*].allocation_id)
  subnet_id     = one(aws_subnet.vpc_public_subnet_0[*].id)
  tags          = merge(var.tags, { "Name" = "${var.name}-nat-0" })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "vpc_nat_gateway_1" {
  count         = (var.nat_gateways == "one-per-az") ? 1 : 0
  allocation_id = one(aws_eip.vpc_nat_eip_1[*].allocation_id)
  subnet_id     = one(aws_subnet.vpc_public_subnet_1[*].id)
  tags          = merge(var.tags, { "Name" = "${var.name}-nat-1" })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "vpc_nat_gateway_2" {
  count         = ((var.availability_zone_count > 2) && (var.nat_gateways == "one-per-az")) ? 1 : 0
  allocation_id = one(aws_eip.vpc_nat_eip_2[*].allocation_id)
  subnet_id     = one(aws_subnet.vpc_public_subnet_2[*].id)
  tags          = merge(var.tags, { "Name" = "${var.name}-nat-2" })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "vpc_nat_gateway_3" {
  count         = ((var.availability_zone_count > 3) && (var.nat_gateways == "one-per-az")) ? 1 : 0
  allocation_id = one(aws_eip.vpc_nat_eip_3[*].allocation_id)
  subnet_id     = one(aws_subnet.vpc_public_subnet_3[*].id)
  tags          = merge(var.tags, { "Name" = "${var.name}-nat-3" })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_route" "vpc_private_default_route_0" {
  count                  = (var.nat_gateways != "none") ? 1 : 0
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = one(aws_nat_gateway.vpc_nat_gateway_0[*].id)
  route_table_id         = aws_route_table.vpc_private_route_table_0.id
}

resource "aws_route" "vpc_private_default_route_1" {
  count                  = (var.nat_gateways != "none") ? 1 : 0
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = (var.nat_gateways == "single") ? one(aws_nat_gateway.vpc_nat_gateway_0[*].id) : one(aws_nat_gateway.vpc_nat_gateway_1[*].id)
  route_table_id         = aws_route_table.vpc_private_route_table_1.id
}

resource "aws_route" "vpc_private_default_route_2" {
  count                  = ((var.nat_gateways != "none") && (var.availability_zone_count > 2)) ? 1 : 0
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = (var.nat_gateways == "single") ? one(aws_nat_gateway.vpc_nat_gateway_0[*].id) : one(aws_nat_gateway.vpc_nat_gateway_2[*].id)
  route_table_id         = one(aws_route_table.vpc_private_route_table_2[*].id)
}

resource "aws_route" "vpc_private_default_route_3" {
  count                  = ((var.nat_gateways != "none") && (var.availability_zone_count > 3)) ? 1 : 0
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = (var.nat_gateways == "single") ? one(aws_nat_gateway.vpc_nat_gateway_0[*].id) : one(aws_nat_gateway.vpc_nat_gateway_3[*].id)
  route_table_id         = one(aws_route_table.vpc_private_route_table_3[*].id)
}

resource "aws_route" "vpc_public_default_route" {
  count                  = (var.nat_gateways != "none") ? 1 : 0
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = one(aws_internet_gateway.this[*].id)
  route_table_id         = one(aws_route_table.vpc_public_route_table[*].id)
}

resource "aws_route_table" "vpc_private_route_table_0" {
  tags   = merge(var.tags, { "Name" = "${var.name}-private-0" })
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "vpc_private_route_table_1" {
  tags   = merge(var.tags, { "Name" = "${var.name}-private-1" })
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "vpc_private_route_table_2" {
  count  = (var.availability_zone_count > 2) ? 1 : 0
  tags   = merge(var.tags, { "Name" = "${var.name}-private-2" })
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "vpc_private_route_table_3" {
  count  = (var.availability_zone_count > 3) ? 1 : 0
  tags   = merge(var.tags, { "Name" = "${var.name}-private-3" })
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "vpc_public_route_table" {
  count  = (var.nat_gateways != "none") ? 1 : 0
  tags   = merge(var.tags, { "Name" = "${var.name}-public" })
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "vpc_private_route_table_association_0" {
  route_table_id = aws_route_table.vpc_private_route_table_0.id
  subnet_id      = aws_subnet.vpc_private_subnet_0.id
}

resource "aws_route_table_association" "vpc_private_route_table_association_1" {
  route_table_id = aws_route_table.vpc_private_route_table_1.id
  subnet_id      = aws_subnet.vpc_private_subnet_1.id
}

resource "aws_route_table_association" "vpc_private_route_table_association_2" {
  count          = (var.availability_zone_count > 2) ? 1 : 0
  route_table_id = one(aws_route_table.vpc_private_route_table_2[*].id)
  subnet_id      = one(aws_subnet.vpc_private_subnet_2[*].id)
}

resource "aws_route_table_association" "vpc_private_route_table_association_3" {
  count          = (var.availability_zone_count > 3) ? 1 : 0
  route_table_id = one(aws_route_table.vpc_private_route_table_3[*].id)
  subnet_id      = one(aws_subnet.vpc_private_subnet_3[*].id)
}

resource "aws_route_table_association" "vpc_public_route_table_association_0" {
  count          = (var.nat_gateways != "none") ? 1 : 0
  route_table_id = one(aws_route_table.vpc_public_route_table[*].id)
  subnet_id      = one(aws_subnet.vpc_public_subnet_0[*].id)
}

resource "aws_route_table_association" "vpc_public_route_table_association_1" {
  count          = (var.nat_gateways != "none") ? 1 : 0
  route_table_id = one(aws_route_table.vpc_public_route_table[*].id)
  subnet_id      = one(aws_subnet.vpc_public_subnet_1[*].id)
}

resource "aws_route_table_association" "vpc_public_route_table_association_2" {
  count          = ((var.nat_gateways != "none") && (var.availability_zone_count > 2)) ? 1 : 0
  route_table_id = one(aws_route_table.vpc_public_route_table[*].id)
  subnet_id      = one(aws_subnet.vpc_public_subnet_2[*].id)
}

resource "aws_route_table_association" "vpc_public_route_table_association_3" {
  count          = ((var.nat_gateways != "none") && (var.availability_zone_count > 3)) ? 1 : 0
  route_table_id = one(aws_route_table.vpc_public_route_table[*].id)
  subnet_id      = one(aws_subnet.vpc_public_subnet_3[*].id)
}

resource "aws_security_group" "vpc_endpoint_security_group" {
  description = "Interface VPC endpoints: HTTPS from inside the VPC only"
  name        = "${var.name}-vpc-endpoints"
  tags        = merge(var.tags, { "Name" = "${var.name}-vpc-endpoints" })
  vpc_id      = aws_vpc.this.id
}

resource "aws_security_group" "vpc_workload_security_group" {
  description = "SageMaker Studio apps, jobs and endpoints, and the MLflow server"
  name        = "${var.name}-ml-workloads"
  tags        = merge(var.tags, { "Name" = "${var.name}-ml-workloads" })
  vpc_id      = aws_vpc.this.id
}

resource "aws_subnet" "vpc_private_subnet_0" {
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 0)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, 0)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-private-0", "tier" = "private" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_private_subnet_1" {
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 1)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, 1)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-private-1", "tier" = "private" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_private_subnet_2" {
  count                   = (var.availability_zone_count > 2) ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 2)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, 2)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-private-2", "tier" = "private" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_private_subnet_3" {
  count                   = (var.availability_zone_count > 3) ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 3)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, 3)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-private-3", "tier" = "private" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_public_subnet_0" {
  count                   = (var.nat_gateways != "none") ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 0)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, var.availability_zone_count)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-public-0", "tier" = "public" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_public_subnet_1" {
  count                   = (var.nat_gateways != "none") ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 1)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, (var.availability_zone_count + 1))
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-public-1", "tier" = "public" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_public_subnet_2" {
  count                   = ((var.nat_gateways != "none") && (var.availability_zone_count > 2)) ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 2)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, (var.availability_zone_count + 2))
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-public-2", "tier" = "public" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_subnet" "vpc_public_subnet_3" {
  count                   = ((var.nat_gateways != "none") && (var.availability_zone_count > 3)) ? 1 : 0
  availability_zone       = element(data.aws_availability_zones.vpc_zones.names, 3)
  cidr_block              = cidrsubnet(var.cidr, var.subnet_new_bits, (var.availability_zone_count + 3))
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { "Name" = "${var.name}-public-3", "tier" = "public" })
  vpc_id                  = aws_vpc.this.id
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = merge(var.tags, { "Name" = var.name })
}

resource "aws_vpc_endpoint" "vpc_endpoint_codeartifact_api" {
  count               = contains(var.interface_endpoints, "codeartifact.api") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.codeartifact.api"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-codeartifact.api" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_codeartifact_repositories" {
  count               = contains(var.interface_endpoints, "codeartifact.repositories") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.codeartifact.repositories"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-codeartifact.repositories" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_ec2messages" {
  count               = contains(var.interface_endpoints, "ec2messages") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.ec2messages"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-ec2messages" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_ecr_api" {
  count               = contains(var.interface_endpoints, "ecr.api") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.ecr.api"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-ecr.api" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_ecr_dkr" {
  count               = contains(var.interface_endpoints, "ecr.dkr") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.ecr.dkr"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-ecr.dkr" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_kms" {
  count               = contains(var.interface_endpoints, "kms") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.kms"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-kms" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_logs" {
  count               = contains(var.interface_endpoints, "logs") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.logs"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-logs" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_monitoring" {
  count               = contains(var.interface_endpoints, "monitoring") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.monitoring"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-monitoring" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sagemaker_api" {
  count               = contains(var.interface_endpoints, "sagemaker.api") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.sagemaker.api"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sagemaker.api" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sagemaker_experiments" {
  count               = contains(var.interface_endpoints, "sagemaker.experiments") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "aws.sagemaker.${data.aws_region.current_region.region}.experiments"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sagemaker.experiments" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sagemaker_notebook" {
  count               = contains(var.interface_endpoints, "sagemaker.notebook") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "aws.sagemaker.${data.aws_region.current_region.region}.notebook"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sagemaker.notebook" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sagemaker_runtime" {
  count               = contains(var.interface_endpoints, "sagemaker.runtime") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.sagemaker.runtime"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sagemaker.runtime" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sagemaker_studio" {
  count               = contains(var.interface_endpoints, "sagemaker.studio") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "aws.sagemaker.${data.aws_region.current_region.region}.studio"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sagemaker.studio" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_secretsmanager" {
  count               = contains(var.interface_endpoints, "secretsmanager") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.secretsmanager"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-secretsmanager" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_servicecatalog" {
  count               = contains(var.interface_endpoints, "servicecatalog") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.servicecatalog"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-servicecatalog" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_ssm" {
  count               = contains(var.interface_endpoints, "ssm") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.ssm"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-ssm" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_ssmmessages" {
  count               = contains(var.interface_endpoints, "ssmmessages") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.ssmmessages"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-ssmmessages" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_endpoint_sts" {
  count               = contains(var.interface_endpoints, "sts") ? 1 : 0
  private_dns_enabled = true
  security_group_ids = [
    aws_security_group.vpc_endpoint_security_group.id,
  ]
  service_name = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.sts"
  subnet_ids = concat(
    aws_subnet.vpc_private_subnet_0[*].id,
    aws_subnet.vpc_private_subnet_1[*].id,
    aws_subnet.vpc_private_subnet_2[*].id,
    aws_subnet.vpc_private_subnet_3[*].id,
  )
  tags              = merge(var.tags, { "Name" = "${var.name}-sts" })
  vpc_endpoint_type = "Interface"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_endpoint" "vpc_s3_endpoint" {
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = concat(
        [
          {
            "Sid"       = "PlatformBucketsInThisAccount",
            "Effect"    = "Allow",
            "Principal" = "*",
            "Action" = [
              "s3:GetBucketLocation",
              "s3:ListBucket",
              "s3:ListBucketMultipartUploads",
              "s3:ListBucketVersions",
              "s3:GetObject",
              "s3:GetObjectTagging",
              "s3:GetObjectVersion",
              "s3:AbortMultipartUpload",
              "s3:DeleteObject",
              "s3:ListMultipartUploadParts",
              "s3:PutObject",
              "s3:PutObjectTagging",
            ],
            "Resource" = concat(
              formatlist(
                "arn:${data.aws_partition.current_partition.partition}:s3:::%s",
                var.s3_bucket_names,
              ),
              formatlist(
                "arn:${data.aws_partition.current_partition.partition}:s3:::%s/*",
                var.s3_bucket_names,
              ),
            ),
            "Condition" = {
              "StringEquals" = { "s3:ResourceAccount" = data.aws_caller_identity.current.account_id },
            },
          },
        ],
        contains(var.interface_endpoints, "sagemaker.studio") ? [
          {
            "Sid"       = "AwsOwnedBucketsForSagemakerStudio",
            "Effect"    = "Allow",
            "Principal" = "*",
            "Action"    = "s3:GetObject",
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:s3:::jumpstart-cache-prod-${data.aws_region.current_region.region}/*",
            ],
          },
        ] : [],
        contains(var.interface_endpoints, "ssm") ? [
          {
            "Sid"       = "AwsOwnedBucketsForSsm",
            "Effect"    = "Allow",
            "Principal" = "*",
            "Action"    = "s3:GetObject",
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::amazon-ssm-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::amazon-ssm-packages-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::${data.aws_region.current_region.region}-birdwatcher-prod/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-distributor-file-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::aws-ssm-document-attachments-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::patch-baseline-snapshot-${data.aws_region.current_region.region}/*",
              "arn:${data.aws_partition.current_partition.partition}:s3:::al2023-repos-${data.aws_region.current_region.region}-de612dc2/*",
            ],
          },
        ] : [],
        contains(var.interface_endpoints, "ecr.dkr") ? [
          {
            "Sid"       = "AwsOwnedBucketsForEcrDkr",
            "Effect"    = "Allow",
            "Principal" = "*",
            "Action"    = "s3:GetObject",
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:s3:::prod-${data.aws_region.current_region.region}-starport-layer-bucket/*",
            ],
          },
        ] : [],
      ),
    },
  )
  route_table_ids = concat(
    aws_route_table.vpc_private_route_table_0[*].id,
    aws_route_table.vpc_private_route_table_1[*].id,
    aws_route_table.vpc_private_route_table_2[*].id,
    aws_route_table.vpc_private_route_table_3[*].id,
  )
  service_name      = "${join(".", reverse(split(".", data.aws_partition.current_partition.dns_suffix)))}.${data.aws_region.current_region.region}.s3"
  tags              = merge(var.tags, { "Name" = "${var.name}-s3" })
  vpc_endpoint_type = "Gateway"
  vpc_id            = aws_vpc.this.id
}

resource "aws_vpc_security_group_egress_rule" "vpc_workload_egress_endpoints" {
  description                  = "HTTPS to the interface VPC endpoints"
  from_port                    = 443
  ip_protocol                  = "tcp"
  referenced_security_group_id = aws_security_group.vpc_endpoint_security_group.id
  security_group_id            = aws_security_group.vpc_workload_security_group.id
  tags                         = var.tags
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "vpc_workload_egress_internet_https" {
  count             = (var.nat_gateways != "none") ? 1 : 0
  cidr_ipv4         = "0.0.0.0/0"
  description       = "HTTPS to the internet through NAT (vpc.natGateways is on)"
  from_port         = 443
  ip_protocol       = "tcp"
  security_group_id = aws_security_group.vpc_workload_security_group.id
  tags              = var.tags
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "vpc_workload_egress_s3" {
  description       = "HTTPS to S3 through the gateway endpoint"
  from_port         = 443
  ip_protocol       = "tcp"
  prefix_list_id    = aws_vpc_endpoint.vpc_s3_endpoint.prefix_list_id
  security_group_id = aws_security_group.vpc_workload_security_group.id
  tags              = var.tags
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "vpc_workload_egress_self" {
  description                  = "Traffic between ML workloads (Studio apps, distributed training)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.vpc_workload_security_group.id
  security_group_id            = aws_security_group.vpc_workload_security_group.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "vpc_endpoint_https_from_vpc" {
  cidr_ipv4         = var.cidr
  description       = "HTTPS to AWS service endpoints from the VPC"
  from_port         = 443
  ip_protocol       = "tcp"
  security_group_id = aws_security_group.vpc_endpoint_security_group.id
  tags              = var.tags
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "vpc_workload_ingress_self" {
  description                  = "Traffic between ML workloads (Studio apps, distributed training)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.vpc_workload_security_group.id
  security_group_id            = aws_security_group.vpc_workload_security_group.id
  tags                         = var.tags
}
