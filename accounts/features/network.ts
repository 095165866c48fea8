import { parsePrivateVpcBlock } from "../../modules/network/cidr";
import { KmsKey } from "../../modules/kms/kms-key";
import { SecureVpc, type SecureVpcProps } from "../../modules/network/secure-vpc";
import { accountInterfaceEndpoints, endpointNeeds } from "../config/derived";
import type { InterfaceEndpointId } from "../../modules/network/vpc-endpoint-catalogue";
import { DEFAULT_AVAILABILITY_ZONES, subnetPrefixLength } from "../config/schema/network";
import type { PlatformStack } from "../stacks/platform-stack";

export interface AccountNetworkOptions {
  /** Buckets of other accounts this account reads through its S3 endpoint. */
  readonly readBuckets?: { bucketName: string; accountId: string }[];
}

export interface AccountNetwork {
  /** The account's key for CloudWatch log groups. */
  readonly logsKey: KmsKey;
  readonly vpc: SecureVpc;
  /** The id of an interface endpoint the VPC reaches: its own, or a shared services VPC's. */
  endpointId(endpoint: InterfaceEndpointId): string;
}

function networkProps(stack: PlatformStack): SecureVpcProps["network"] {
  const vpc = stack.account.vpc;
  if (vpc.existing !== undefined) {
    return { existing: { ...vpc.existing, cidr: vpc.cidr } };
  }
  const parsed = parsePrivateVpcBlock(vpc.cidr);
  if ("problem" in parsed)
    throw new Error(`accounts.${stack.accountName}.vpc.cidr ${parsed.problem}`);
  return {
    cidr: vpc.cidr,
    availabilityZones: vpc.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES,
    availabilityZonesSource: `accounts.${stack.accountName}.vpc.availabilityZones`,
    subnetNewBits: subnetPrefixLength(vpc, parsed.block) - parsed.block.prefix,
    natGateways: vpc.natGateways,
  };
}

/** The account's logs key and its secure VPC, with the outputs other stacks and users need. */
export function addAccountNetwork(
  stack: PlatformStack,
  options: AccountNetworkOptions = {},
): AccountNetwork {
  const names = stack.names;
  const vpcConfig = stack.account.vpc;

  const logsKey = new KmsKey(stack, "logs-key", {
    alias: names.logsKeyAlias,
    description: `Encrypts the CloudWatch log groups of ${names.stem}`,
    administratorArns: [names.deployRoleArn],
  });

  const vpc = new SecureVpc(stack, "network", {
    name: names.stem,
    network: networkProps(stack),
    environment: names.environment,
    interfaceEndpoints: accountInterfaceEndpoints(stack.account),
    endpointNeeds: endpointNeeds(stack.account),
    sharedInterfaceEndpoints: Object.keys(vpcConfig.sharedEndpoints) as InterfaceEndpointId[],
    interfaceEndpointsSource: `accounts.${stack.accountName}.vpc.interfaceEndpoints`,
    s3Access: {
      // Not the audit bucket: workloads in the VPC have no business with the audit trail.
      ownBuckets: names.allBucketNames().filter((name) => name !== names.auditBucketName),
      readBuckets: options.readBuckets,
    },
    flowLogs: {
      logGroupName: names.flowLogGroupName,
      roleName: names.flowLogRoleName,
      key: logsKey,
      retentionInDays: vpcConfig.flowLogRetentionDays,
    },
    manageDefaultSecurityGroup: vpcConfig.manageDefaultSecurityGroup,
  });

  const outputs: Record<string, { value: unknown; description: string }> = {
    vpc_id: { value: vpc.vpcId, description: "VPC of the account's ML workloads" },
    private_subnet_ids: {
      value: vpc.privateSubnetIds,
      description: "Private subnets, one per zone",
    },
    workload_security_group_id: {
      value: vpc.workloadSecurityGroup.id,
      description: "Security group for SageMaker apps, jobs and endpoints",
    },
    endpoint_security_group_id: {
      value: vpc.endpointSecurityGroup.id,
      description: "Security group of the interface endpoints",
    },
    s3_gateway_endpoint_id: {
      value: vpc.s3GatewayEndpoint.id,
      description: "S3 gateway endpoint; bucket policies require requests through it",
    },
    interface_endpoint_ids: {
      value: Object.fromEntries(Object.entries(vpc.interfaceEndpoints).map(([k, e]) => [k, e.id])),
      description: "Interface endpoints by service",
    },
    flow_log_group: {
      value: vpc.flowLogs.logGroup.name,
      description: "Log group of the VPC flow logs",
    },
    logs_key_arn: { value: logsKey.keyArn, description: "KMS key of the account's log groups" },
  };
  stack.addOutputs(outputs);
  const endpointId = (endpoint: InterfaceEndpointId): string => {
    const id = vpcConfig.sharedEndpoints[endpoint] ?? vpc.interfaceEndpoints[endpoint]?.id;
    if (id === undefined) {
      throw new Error(`accounts.${stack.accountName}: the VPC has no ${endpoint} endpoint`);
    }
    return id;
  };
  return { logsKey, vpc, endpointId };
}
