import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { AwsEnvironment } from "./aws-environment";
import { carveSubnet, parsePrivateVpcBlock } from "./cidr";
import { Fn, Token } from "./cdktf";
import { renderPolicy } from "./iam-policy";
import type { KeyReference } from "./kms-key";
import { s3EndpointPolicyStatements, type S3EndpointAccess } from "./s3-endpoint-policy";
import {
  awsOwnedBucketsFor,
  interfaceServiceName,
  serviceNamePrefix,
  type InterfaceEndpointId,
} from "./vpc-endpoint-catalogue";
import { VpcFlowLogs } from "./vpc-flow-logs";

export type NatGatewayMode = "none" | "one-per-az" | "single";

/** A VPC the module creates. */
export interface NewVpcNetwork {
  /** Private IPv4 block (RFC 1918). */
  readonly cidr: string;
  /** How many zones (the first N available to the account), or their names. */
  readonly availabilityZones: number | string[];
  /** Bits added to the VPC prefix for each subnet: 3 makes eight subnets of /19 in a /16. */
  readonly subnetNewBits: number;
  /**
   * Internet egress.
   * @default "none": no internet gateway and no NAT
   */
  readonly natGateways?: NatGatewayMode;
}

/** A VPC that already exists; the module adds endpoints, security groups and flow logs. */
export interface ExistingVpcNetwork {
  readonly vpcId: string;
  /** The VPC's IPv4 block; the endpoint security group admits HTTPS from it. */
  readonly cidr: string;
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
}

export interface SecureVpcProps {
  /** Stem of Name tags and security group names: `<prefix>-<env>`. */
  readonly name: string;
  readonly network: NewVpcNetwork | { readonly existing: ExistingVpcNetwork };
  readonly environment: AwsEnvironment;
  /** Interface endpoints to create in every private subnet. */
  readonly interfaceEndpoints: readonly InterfaceEndpointId[];
  /** Buckets reachable through the S3 gateway endpoint. */
  readonly s3Access: Pick<S3EndpointAccess, "ownBuckets" | "readBuckets">;
  readonly flowLogs: {
    readonly logGroupName: string;
    readonly roleName: string;
    readonly key: KeyReference;
    /** @default 365 */
    readonly retentionInDays?: number;
  };
  /**
   * Remove every rule from the VPC's default security group.
   * @default true
   */
  readonly manageDefaultSecurityGroup?: boolean;
}

const ANY_IPV4 = "0.0.0.0/0";

/**
 * The platform's network: private subnets without public IPs, no internet route unless NAT is
 * asked for, an S3 gateway endpoint limited to the platform's buckets, interface endpoints with
 * private DNS, flow logs of all traffic, the default security group stripped of rules, and the
 * workload security group that SageMaker and the MLflow server use.
 */
export class SecureVpc extends Construct {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly workloadSecurityGroup: SecurityGroup;
  readonly endpointSecurityGroup: SecurityGroup;
  readonly s3GatewayEndpoint: VpcEndpoint;
  readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  readonly flowLogs: VpcFlowLogs;
  /** True when the VPC has a route to the internet (through NAT). */
  readonly internetEgress: boolean;
  private readonly cidr: string;

  constructor(scope: Construct, id: string, props: SecureVpcProps) {
    super(scope, id);
    const env = props.environment;
    if ("existing" in props.network) {
      const existing = props.network.existing;
      this.vpcId = existing.vpcId;
      this.cidr = existing.cidr;
      this.privateSubnetIds = existing.privateSubnetIds;
      this.privateRouteTableIds = existing.privateRouteTableIds;
      this.internetEgress = false;
    } else {
      const created = this.createVpc(props.name, props.network);
      this.vpcId = created.vpcId;
      this.cidr = props.network.cidr;
      this.privateSubnetIds = created.privateSubnetIds;
      this.privateRouteTableIds = created.privateRouteTableIds;
      this.internetEgress = (props.network.natGateways ?? "none") !== "none";
    }

    if (props.manageDefaultSecurityGroup ?? true) {
      // Adopting the default group removes all its rules; none are declared here.
      new DefaultSecurityGroup(this, "default-security-group", {
        vpcId: this.vpcId,
        ingress: [],
        egress: [],
        tags: { Name: `${props.name}-default-no-rules` },
      });
    }

    this.flowLogs = new VpcFlowLogs(this, "flow-logs", {
      vpcId: this.vpcId,
      logGroupName: props.flowLogs.logGroupName,
      roleName: props.flowLogs.roleName,
      key: props.flowLogs.key,
      retentionInDays: props.flowLogs.retentionInDays,
      environment: props.environment,
    });

    this.s3GatewayEndpoint = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpcId,
      serviceName: `${serviceNamePrefix(env.dnsSuffix)}.${env.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: this.privateRouteTableIds,
      policy: renderPolicy(
        s3EndpointPolicyStatements({
          partition: env.partition,
          accountId: env.accountId,
          ownBuckets: props.s3Access.ownBuckets,
          readBuckets: props.s3Access.readBuckets,
          awsOwnedBuckets: awsOwnedBucketsFor(props.interfaceEndpoints, env.region),
        }),
      ),
      tags: { Name: `${props.name}-s3` },
    });

    this.endpointSecurityGroup = new SecurityGroup(this, "endpoint-security-group", {
      name: `${props.name}-vpc-endpoints`,
      description: "Interface VPC endpoints: HTTPS from inside the VPC only",
      vpcId: this.vpcId,
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, "endpoint-https-from-vpc", {
      securityGroupId: this.endpointSecurityGroup.id,
      description: "HTTPS to AWS service endpoints from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: this.cidr,
    });

    for (const endpoint of props.interfaceEndpoints) {
      this.interfaceEndpoints[endpoint] = new VpcEndpoint(this, `endpoint-${endpoint}`, {
        vpcId: this.vpcId,
        serviceName: interfaceServiceName(endpoint, env.region, env.dnsSuffix),
        vpcEndpointType: "Interface",
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        privateDnsEnabled: true,
        tags: { Name: `${props.name}-${endpoint}` },
      });
    }

    this.workloadSecurityGroup = this.createWorkloadSecurityGroup(props.name);
  }

  private createVpc(
    name: string,
    network: NewVpcNetwork,
  ): { vpcId: string; privateSubnetIds: string[]; privateRouteTableIds: string[] } {
    const mode = network.natGateways ?? "none";
    const zones = this.zoneNames(network.availabilityZones);
    const subnetCidr = this.subnetCidrs(network.cidr, network.subnetNewBits);

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: network.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });

    const privateSubnets = zones.map(
      (zone, i) =>
        new Subnet(this, `private-subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: subnetCidr(i),
          availabilityZone: zone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${i}`, tier: "private" },
        }),
    );
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-route-table-${i}`, {
        vpcId: vpc.id,
        tags: { Name: `${name}-private-${i}` },
      });
      new RouteTableAssociation(this, `private-route-table-association-${i}`, {
        subnetId: subnet.id,
        routeTableId: table.id,
      });
      return table;
    });

    if (mode !== "none") {
      const internetGateway = new InternetGateway(this, "internet-gateway", {
        vpcId: vpc.id,
        tags: { Name: name },
      });
      // The public route table is the only one with a route to the internet gateway.
      const publicRouteTable = new RouteTable(this, "public-route-table", {
        vpcId: vpc.id,
        tags: { Name: `${name}-public` },
      });
      new Route(this, "public-default-route", {
        routeTableId: publicRouteTable.id,
        destinationCidrBlock: ANY_IPV4,
        gatewayId: internetGateway.id,
      });
      const publicSubnets = zones.map((zone, i) => {
        const subnet = new Subnet(this, `public-subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: subnetCidr(zones.length + i),
          availabilityZone: zone,
          // NAT gateways get Elastic IPs; nothing else in a public subnet gets a public IP.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${i}`, tier: "public" },
        });
        new RouteTableAssociation(this, `public-route-table-association-${i}`, {
          subnetId: subnet.id,
          routeTableId: publicRouteTable.id,
        });
        return subnet;
      });
      const natCount = mode === "single" ? 1 : zones.length;
      const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
        const eip = new Eip(this, `nat-eip-${i}`, {
          domain: "vpc",
          tags: { Name: `${name}-nat-${i}` },
        });
        return new NatGateway(this, `nat-gateway-${i}`, {
          subnetId: subnet.id,
          allocationId: eip.allocationId,
          tags: { Name: `${name}-nat-${i}` },
          dependsOn: [internetGateway],
        });
      });
      privateRouteTables.forEach((table, i) => {
        new Route(this, `private-default-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: ANY_IPV4,
          natGatewayId: natGateways[mode === "single" ? 0 : i].id,
        });
      });
    }

    return {
      vpcId: vpc.id,
      privateSubnetIds: privateSubnets.map((s) => s.id),
      privateRouteTableIds: privateRouteTables.map((t) => t.id),
    };
  }

  /** Zone names: listed ones as they are, or the first N the account may use in the region. */
  private zoneNames(zones: number | string[]): string[] {
    if (Array.isArray(zones)) return zones;
    const available = new DataAwsAvailabilityZones(this, "zones", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    return Array.from({ length: zones }, (_, i) => Fn.element(available.names, i));
  }

  /** The i-th subnet block: computed here when the VPC block is known, by Terraform otherwise. */
  private subnetCidrs(cidr: string, newBits: number): (index: number) => string {
    if (Token.isUnresolved(cidr)) {
      return (index) => Fn.cidrsubnet(cidr, newBits, index);
    }
    const parsed = parsePrivateVpcBlock(cidr);
    if ("problem" in parsed) throw new Error(`${this.node.path}: cidr "${cidr}" ${parsed.problem}`);
    return (index) => carveSubnet(parsed.block, parsed.block.prefix + newBits, index);
  }

  private createWorkloadSecurityGroup(name: string): SecurityGroup {
    const group = new SecurityGroup(this, "workload-security-group", {
      name: `${name}-ml-workloads`,
      description: "SageMaker Studio apps, jobs and endpoints, and the MLflow server",
      vpcId: this.vpcId,
      tags: { Name: `${name}-ml-workloads` },
    });
    new VpcSecurityGroupIngressRule(this, "workload-ingress-self", {
      securityGroupId: group.id,
      description: "Traffic between ML workloads (Studio apps, distributed training)",
      ipProtocol: "-1",
      referencedSecurityGroupId: group.id,
    });
    new VpcSecurityGroupEgressRule(this, "workload-egress-self", {
      securityGroupId: group.id,
      description: "Traffic between ML workloads (Studio apps, distributed training)",
      ipProtocol: "-1",
      referencedSecurityGroupId: group.id,
    });
    new VpcSecurityGroupEgressRule(this, "workload-egress-endpoints", {
      securityGroupId: group.id,
      description: "HTTPS to the interface VPC endpoints",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "workload-egress-s3", {
      securityGroupId: group.id,
      description: "HTTPS to S3 through the gateway endpoint",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListId: this.s3GatewayEndpoint.prefixListId,
    });
    if (this.internetEgress) {
      new VpcSecurityGroupEgressRule(this, "workload-egress-internet-https", {
        securityGroupId: group.id,
        description: "HTTPS to the internet through NAT (vpc.natGateways is on)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: ANY_IPV4,
      });
    }
    return group;
  }
}
