import { S3_BUCKET_NAME } from "../../core/patterns";
import type { Construct } from "constructs";
import { LOG_RETENTION_DAYS } from "../../logs/encrypted-log-group";
import { MAX_ZONES, MIN_ZONES, SecureVpc, type NatGatewayMode } from "../../network/secure-vpc";
import {
  DATA_SCIENCE_ENDPOINTS,
  INTERFACE_ENDPOINT_IDS,
  type InterfaceEndpointId,
} from "../../network/vpc-endpoint-catalogue";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import {
  everyMatches,
  kmsKeyArn,
  matches,
  noRepeats,
  notEmpty,
  oneOf,
  roleName,
  wholeNumberBetween,
} from "../validations";

export const secureVpcModule: ModuleDefinition = {
  name: "secure-vpc",
  title: "Secure VPC",
  summary: [
    "The platform's network: a VPC with one private subnet per availability zone (no public IPs,",
    "own route tables), no internet route unless `nat_gateways` asks for NAT (then public",
    "subnets hold only the NAT gateways), an S3 gateway endpoint whose policy admits only the",
    "listed buckets of this account and the AWS-owned buckets the chosen endpoints' clients need,",
    "interface endpoints with private DNS behind a security group that admits HTTPS from the VPC",
    "only, flow logs of all traffic into a KMS-encrypted log group (written by a role only the flow",
    "logs service of this account may assume), the default security group stripped of every",
    "rule, and the workload security group for SageMaker and the MLflow server (traffic among",
    "itself, HTTPS to the endpoints and to S3, and HTTPS to the internet only with NAT).",
  ].join("\n"),
  notes: [
    `Zones: the first \`availability_zone_count\` (${MIN_ZONES} to ${MAX_ZONES}) zones the region offers the account without opt-in. Private subnet i is \`cidrsubnet(cidr, subnet_new_bits, i)\`; with NAT, public subnet i follows the private ones.`,
    "The flow logs key must let CloudWatch Logs use it (KMS key module: `allow_cloudwatch_logs = true`).",
    "An existing VPC is not supported by this module; the cdktf construct accepts one.",
  ],
  variables: [
    {
      name: "name",
      type: "string",
      description: "Stem of Name tags and security group names, such as mlops-dev.",
      validation: [
        matches(
          "name",
          "^[a-z0-9][a-z0-9-]{0,40}$",
          "1 to 41 lowercase letters, digits or hyphens",
        ),
      ],
    },
    {
      name: "cidr",
      type: "string",
      description: "Private IPv4 block of the VPC (RFC 1918), /16 to /28.",
      validation: [
        {
          condition:
            'can(cidrhost(var.cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr)) && try(cidrhost(var.cidr, 0) == split("/", var.cidr)[0], false)',
          message:
            'cidr is "${var.cidr}"; it must be an IPv4 network block such as 10.10.0.0/16, with no host bits set.',
        },
        {
          condition: 'can(regex("/(1[6-9]|2[0-8])$", var.cidr))',
          message: 'cidr is "${var.cidr}"; AWS allows VPC blocks from /16 to /28.',
        },
        {
          condition:
            'can(regex("^(10\\\\.|172\\\\.(1[6-9]|2[0-9]|3[01])\\\\.|192\\\\.168\\\\.)", var.cidr))',
          message:
            'cidr is "${var.cidr}"; it must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918).',
        },
      ],
    },
    {
      name: "availability_zone_count",
      type: "number",
      description: "How many availability zones the VPC spans (SageMaker needs at least two).",
      default: 2,
      validation: [wholeNumberBetween("availability_zone_count", MIN_ZONES, MAX_ZONES)],
    },
    {
      name: "subnet_new_bits",
      type: "number",
      description:
        "Bits added to the VPC prefix for each subnet: 4 makes /20 subnets in a /16 (room for 16).",
      default: 4,
      validation: [
        wholeNumberBetween("subnet_new_bits", 1, 12),
        {
          condition:
            'pow(2, var.subnet_new_bits) >= var.availability_zone_count * (var.nat_gateways == "none" ? 1 : 2) && tonumber(split("/", var.cidr)[1]) + var.subnet_new_bits <= 28',
          message:
            "subnet_new_bits is ${var.subnet_new_bits}; the VPC needs room for a private subnet per zone (and a public one per zone with NAT), each no smaller than /28.",
        },
      ],
    },
    {
      name: "nat_gateways",
      type: "string",
      description:
        'Internet egress: "none" (no internet gateway, no NAT), "single" NAT gateway, or "one-per-az".',
      default: "none",
      validation: [oneOf("nat_gateways", ["none", "single", "one-per-az"] as NatGatewayMode[])],
    },
    {
      name: "interface_endpoints",
      type: "list(string)",
      description: `Interface endpoints to create, from: ${INTERFACE_ENDPOINT_IDS.join(", ")}.`,
      default: [...DATA_SCIENCE_ENDPOINTS],
      validation: [
        {
          condition: `alltrue([for e in var.interface_endpoints : contains(${JSON.stringify(INTERFACE_ENDPOINT_IDS)}, e)])`,
          message: `interface_endpoints is [\${join(", ", var.interface_endpoints)}]; every element must be one of ${INTERFACE_ENDPOINT_IDS.join(", ")}.`,
        },
        noRepeats("interface_endpoints"),
      ],
    },
    {
      name: "s3_bucket_names",
      type: "list(string)",
      description:
        "Buckets of this account that workloads may read and write through the S3 gateway endpoint.",
      validation: [
        notEmpty("s3_bucket_names", "the S3 endpoint policy must name the buckets it admits"),
        everyMatches("s3_bucket_names", S3_BUCKET_NAME, "an S3 bucket name"),
      ],
    },
    {
      name: "flow_logs_log_group_name",
      type: "string",
      description: "Log group of the flow logs, created by the module.",
      validation: [
        matches(
          "flow_logs_log_group_name",
          "^[\\w#/.-]{1,512}$",
          "1 to 512 letters, digits or _ - / . #",
        ),
      ],
    },
    {
      name: "flow_logs_role_name",
      type: "string",
      description: "Name of the role the flow logs service assumes.",
      validation: [roleName("flow_logs_role_name")],
    },
    {
      name: "flow_logs_kms_key_arn",
      type: "string",
      description: "Key that encrypts the flow logs' log group.",
      validation: [kmsKeyArn("flow_logs_kms_key_arn")],
    },
    {
      name: "flow_logs_retention_in_days",
      type: "number",
      description: "Days the flow logs are kept (a CloudWatch Logs retention of a year or more).",
      default: 365,
      validation: [oneOf("flow_logs_retention_in_days", LOG_RETENTION_DAYS)],
    },
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const vpc = new SecureVpc(scope, "vpc", {
      name: inputs.string("name"),
      environment: inputs.environment,
      network: {
        cidr: inputs.string("cidr"),
        availabilityZones: inputs.number("availability_zone_count"),
        subnetNewBits: inputs.number("subnet_new_bits"),
        natGateways: inputs.string("nat_gateways") as NatGatewayMode,
      },
      interfaceEndpoints: inputs.list("interface_endpoints") as InterfaceEndpointId[],
      s3Access: { ownBuckets: inputs.list("s3_bucket_names") },
      flowLogs: {
        logGroupName: inputs.string("flow_logs_log_group_name"),
        roleName: inputs.string("flow_logs_role_name"),
        key: { keyArn: inputs.string("flow_logs_kms_key_arn") },
        retentionInDays: inputs.number("flow_logs_retention_in_days"),
      },
    });
    return [
      { name: "vpc_id", description: "Id of the VPC.", value: vpc.vpcId },
      {
        name: "private_subnet_ids",
        description: "Ids of the private subnets, one per zone.",
        value: vpc.privateSubnetIds,
      },
      {
        name: "private_route_table_ids",
        description: "Ids of the private route tables, one per zone.",
        value: vpc.privateRouteTableIds,
      },
      {
        name: "workload_security_group_id",
        description: "Security group for SageMaker Studio, jobs, endpoints and the MLflow server.",
        value: vpc.workloadSecurityGroup.id,
      },
      {
        name: "endpoint_security_group_id",
        description: "Security group of the interface endpoints.",
        value: vpc.endpointSecurityGroup.id,
      },
      {
        name: "s3_gateway_endpoint_id",
        description: "Id of the S3 gateway endpoint (for buckets' vpc_endpoint_id).",
        value: vpc.s3GatewayEndpoint.id,
      },
      {
        name: "flow_logs_log_group_arn",
        description: "ARN of the flow logs' log group.",
        value: vpc.flowLogs.logGroup.arn,
      },
    ];
  },
  tests: moduleTests("secure-vpc"),
  example: {
    name: '"mlops-dev"',
    cidr: '"10.10.0.0/16"',
    s3_bucket_names: '["mlops-dev-data-111111111111", "mlops-dev-models-111111111111"]',
    flow_logs_log_group_name: '"/mlops/dev/vpc-flow-logs"',
    flow_logs_role_name: '"mlops-dev-vpc-flow-logs"',
    flow_logs_kms_key_arn:
      '"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
  },
};
