# The `terraform test` suite of the secure-vpc module (plans only): its secure defaults, its options
# and its variables' validation rules. `npm run modules` writes it to
# terraform-modules/secure-vpc/tests/module.tftest.hcl after a provider block and the module example's
# arguments as variables (definitions/secure-vpc.ts: `example`).
run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_subnet.vpc_private_subnet_0.map_public_ip_on_launch == false && aws_subnet.vpc_private_subnet_1.map_public_ip_on_launch == false
    error_message = "Private subnets must not give public addresses."
  }
  assert {
    condition     = length(aws_internet_gateway.this) == 0 && length(aws_nat_gateway.vpc_nat_gateway_0) == 0
    error_message = "No internet gateway and no NAT by default."
  }
  assert {
    condition     = length(aws_subnet.vpc_private_subnet_2) == 0
    error_message = "Two zones by default."
  }
  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must have no rules."
  }
  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL"
    error_message = "Flow logs must record all traffic."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.flow_logs_kms_key_arn
    error_message = "Flow logs must be kept a year, encrypted with the given key."
  }
}

run "nat_per_zone" {
  command = plan

  variables {
    nat_gateways = "one-per-az"
  }

  assert {
    condition     = length(aws_nat_gateway.vpc_nat_gateway_0) == 1 && length(aws_nat_gateway.vpc_nat_gateway_1) == 1 && length(aws_internet_gateway.this) == 1
    error_message = "one-per-az must give each zone a NAT gateway."
  }
}

run "option_three_zones_and_endpoints" {
  command = plan

  variables {
    availability_zone_count = 3
    interface_endpoints     = ["sts", "logs"]
  }

  assert {
    condition     = length(aws_subnet.vpc_private_subnet_2) == 1 && length(aws_subnet.vpc_private_subnet_3) == 0
    error_message = "Three zones must give three private subnets."
  }
  assert {
    condition     = length(aws_vpc_endpoint.vpc_endpoint_sts) == 1 && length(aws_vpc_endpoint.vpc_endpoint_logs) == 1 && length(aws_vpc_endpoint.vpc_endpoint_kms) == 0
    error_message = "Only the listed interface endpoints must exist."
  }
}

run "option_single_nat" {
  command = plan

  variables {
    nat_gateways = "single"
  }

  assert {
    condition     = length(aws_nat_gateway.vpc_nat_gateway_0) == 1 && length(aws_nat_gateway.vpc_nat_gateway_1) == 0
    error_message = "single must give one NAT gateway."
  }
}

run "rejects_a_public_cidr" {
  command = plan

  variables {
    cidr = "8.8.0.0/16"
  }

  expect_failures = [var.cidr]
}

run "rejects_one_zone" {
  command = plan

  variables {
    availability_zone_count = 1
  }

  expect_failures = [var.availability_zone_count]
}
