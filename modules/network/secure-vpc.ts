import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsVpcEndpointService } from "@cdktf/provider-aws/lib/data-aws-vpc-endpoint-service";
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
import { sid, type AwsEnvironment } from "../core/aws-environment";
import { carveSubnet, parsePrivateVpcBlock } from "./cidr";
import { Fn, Op, Token } from "../core/cdktf";
import { renderPolicy, type PolicyEntry } from "../iam/iam-policy";
import type { KeyReference } from "../kms/kms-key";
import { attributeOf, attributesOf, both, existsWhen, when, type Presence } from "../core/presence";
import { s3EndpointPolicyStatements, type S3EndpointAccess } from "./s3-endpoint-policy";
import {
  awsOwnedBucketsFor,
  INTERFACE_ENDPOINT_CATALOGUE,
  interfaceServiceName,
  serviceNamePrefix,
  type InterfaceEndpointId,
} from "./vpc-endpoint-catalogue";
import { VpcFlowLogs } from "./vpc-flow-logs";

export type NatGatewayMode = "none" | "one-per-az" | "single";

/** The most zones a VPC spans; a zone count Terraform knows only at plan time may be up to it. */
export const MAX_ZONES = 4;
export const MIN_ZONES = 2;

/**
 * A VPC the module creates. Each value may also be a Terraform variable (an exported module's
 * input): the construct then leaves its checks to the variable's validation and lets Terraform
 * compute subnets, and which zone, NAT and endpoint resources exist (`count`).
 */
export interface NewVpcNetwork {
  /** Private IPv4 block (RFC 1918). */
  readonly cidr: string;
  /** How many zones (the first N available to the account, 2 to 4), or their names. */
  readonly availabilityZones: number | string[];
  /**
   * What to call the zone count in the plan-time error when the region has fewer zones than
   * asked for (the config field that sets it).
   * @default "availabilityZones"
   */
  readonly availabilityZonesSource?: string;
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
  /**
   * Interface endpoints to create in every private subnet. A list variable makes one counted
   * endpoint per catalogue entry, present when the list contains it.
   */
  readonly interfaceEndpoints: readonly InterfaceEndpointId[];
  /**
   * What each interface endpoint is for (the features that need it), as its `needed-by` tag,
   * which the diagram and the cost estimate read.
   * @default no such tag
   */
  readonly endpointNeeds?: Readonly<Record<string, readonly string[]>>;
  /**
   * Interface endpoints another VPC provides (centralised endpoints): not created here, but the
   * AWS-owned buckets their services need stay reachable through the S3 gateway endpoint.
   * @default none
   */
  readonly sharedInterfaceEndpoints?: readonly InterfaceEndpointId[];
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
  /**
   * What to call the endpoint list in the plan-time error when a service is not offered in one of
   * the VPC's zones (the config field that sets it).
   * @default "interfaceEndpoints"
   */
  readonly interfaceEndpointsSource?: string;
}

const ANY_IPV4 = "0.0.0.0/0";

/** Whether NAT (and so an internet route) exists: known, or planned from a variable. */
function natPresence(mode: NatGatewayMode): Presence {
  return Token.isUnresolved(mode) ? when(Op.neq(mode, "none")) : mode !== "none";
}

/**
 * The interface endpoints to create and whether each exists: the listed ones, or, for a list
 * variable, every catalogue entry, present when the list contains it.
 */
function endpointPresence(ids: readonly InterfaceEndpointId[]): [InterfaceEndpointId, Presence][] {
  if (!Token.isUnresolved(ids)) return ids.map((id) => [id, true]);
  return (Object.keys(INTERFACE_ENDPOINT_CATALOGUE) as InterfaceEndpointId[]).map((id) => [
    id,
    when(Fn.contains(ids as string[], id)),
  ]);
}

/** What the internet path of a new VPC is built from. */
interface InternetPath {
  readonly name: string;
  readonly vpcId: string;
  readonly zones: string[];
  readonly mode: NatGatewayMode;
  readonly nat: Presence;
  /** The zone count when it is a plan-time value (a module variable); undefined when known. */
  readonly plannedCount: number | undefined;
  readonly zonePresence: (i: number) => Presence;
  readonly subnetCidr: (i: number) => string;
  readonly privateRouteTables: RouteTable[];
}

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
  private readonly internetRoute: Presence;
  private readonly cidr: string;
  /** The new VPC's zones (names or plan-time references); unknown for an existing VPC. */
  private zones?: string[];
  private zonesSource = "availabilityZones";

  constructor(scope: Construct, id: string, props: SecureVpcProps) {
    super(scope, id);
    if ("existing" in props.network) {
      const existing = props.network.existing;
      this.vpcId = existing.vpcId;
      this.cidr = existing.cidr;
      this.privateSubnetIds = existing.privateSubnetIds;
      this.privateRouteTableIds = existing.privateRouteTableIds;
      this.internetRoute = false;
    } else {
      const created = this.createVpc(props.name, props.network);
      this.vpcId = created.vpcId;
      this.cidr = props.network.cidr;
      this.privateSubnetIds = created.privateSubnetIds;
      this.privateRouteTableIds = created.privateRouteTableIds;
      this.internetRoute = natPresence(props.network.natGateways ?? "none");
    }
    this.internetEgress = this.internetRoute === true;

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

    const endpoints = endpointPresence(props.interfaceEndpoints);
    this.s3GatewayEndpoint = this.createS3GatewayEndpoint(props, endpoints);
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

    for (const [endpoint, presence] of endpoints) {
      this.interfaceEndpoints[endpoint] = this.createInterfaceEndpoint(props, endpoint, presence);
    }

    this.workloadSecurityGroup = this.createWorkloadSecurityGroup(props.name);
  }

  /**
   * The S3 gateway endpoint of the private route tables, with the policy that lets the VPC reach
   * the platform's buckets, the buckets it reads, and the AWS-owned buckets its interface
   * endpoints' services need; nothing else.
   */
  private createS3GatewayEndpoint(
    props: SecureVpcProps,
    endpoints: [InterfaceEndpointId, Presence][],
  ): VpcEndpoint {
    const env = props.environment;
    const statements: (PolicyEntry | ReturnType<typeof s3EndpointPolicyStatements>[number])[] =
      s3EndpointPolicyStatements({
        partition: env.partition,
        accountId: env.accountId,
        ownBuckets: props.s3Access.ownBuckets,
        readBuckets: props.s3Access.readBuckets,
        awsOwnedBuckets: Token.isUnresolved(props.interfaceEndpoints)
          ? []
          : awsOwnedBucketsFor(
              [...props.interfaceEndpoints, ...(props.sharedInterfaceEndpoints ?? [])],
              env.region,
            ),
      });
    if (Token.isUnresolved(props.interfaceEndpoints)) {
      // Which endpoints exist is known at plan time; so is which AWS-owned buckets they need.
      for (const [id, presence] of endpoints) {
        const buckets = awsOwnedBucketsFor([id], env.region);
        if (buckets.length === 0 || typeof presence === "boolean") continue;
        statements.push({
          when: presence.expression,
          statement: {
            Sid: sid("AwsOwnedBucketsFor", id),
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: buckets.map((b) => `arn:${env.partition}:s3:::${b.name}/*`),
          },
        });
      }
    }
    return new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpcId,
      serviceName: `${serviceNamePrefix(env.dnsSuffix)}.${env.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: this.privateRouteTableIds,
      policy: renderPolicy(statements),
      tags: { Name: `${props.name}-s3` },
    });
  }

  /** One interface endpoint in the private subnets, checked at plan against the zones it is offered in. */
  private createInterfaceEndpoint(
    props: SecureVpcProps,
    endpoint: InterfaceEndpointId,
    presence: Presence,
  ): VpcEndpoint {
    const env = props.environment;
    const serviceName = interfaceServiceName(endpoint, env.region, env.dnsSuffix);
    // The service looked up at plan: a region without it fails the plan (no such service),
    // and a zone of the VPC it is not offered in fails the endpoint's precondition, naming the
    // config fields, instead of CreateVpcEndpoint failing at apply.
    // (Endpoints chosen by a module variable are counted; their check is the caller's.)
    const service =
      presence === true
        ? new DataAwsVpcEndpointService(this, `endpoint-${endpoint}-service`, {
            serviceName,
            serviceType: "Interface",
          })
        : undefined;
    const offered = service?.availabilityZones ?? [];
    const missing =
      this.zones === undefined || service === undefined
        ? undefined
        : Fn.setsubtract(this.zones, offered);
    const vpcEndpoint = new VpcEndpoint(this, `endpoint-${endpoint}`, {
      vpcId: this.vpcId,
      serviceName,
      vpcEndpointType: "Interface",
      subnetIds: this.privateSubnetIds,
      securityGroupIds: [this.endpointSecurityGroup.id],
      privateDnsEnabled: true,
      tags: {
        Name: `${props.name}-${endpoint}`,
        ...(props.endpointNeeds?.[endpoint] === undefined
          ? {}
          : { "needed-by": props.endpointNeeds[endpoint].join(" ") }),
      },
      lifecycle:
        missing === undefined
          ? undefined
          : {
              precondition: [
                {
                  // (An empty zone list only comes from a stand-in provider; AWS fails the
                  // lookup of a service that does not exist.)
                  // (Op.lt, not Op.eq: cdktf renders a literal 0 operand as "undefined".)
                  condition: Op.or(Op.lt(Fn.lengthOf(offered), 1), Op.lt(Fn.lengthOf(missing), 1)),
                  errorMessage: `${props.interfaceEndpointsSource ?? "interfaceEndpoints"}: ${endpoint} (${serviceName}) is not offered in ${Fn.join(", ", Fn.tolist(missing))}, a zone of the VPC; choose ${this.zonesSource} the service offers (${Fn.join(", ", offered)}), or leave the endpoint out`,
                },
              ],
            },
    });
    return existsWhen(vpcEndpoint, presence);
  }

  private createVpc(
    name: string,
    network: NewVpcNetwork,
  ): { vpcId: string; privateSubnetIds: string[]; privateRouteTableIds: string[] } {
    const mode = network.natGateways ?? "none";
    const zones = this.zoneNames(network.availabilityZones, network.availabilityZonesSource);
    this.zones = zones;
    this.zonesSource = network.availabilityZonesSource ?? "availabilityZones";
    const count = network.availabilityZones;
    const plannedCount = typeof count === "number" && Token.isUnresolved(count);
    // Zones past the minimum exist when the planned count reaches them.
    const zonePresence = (i: number): Presence =>
      plannedCount && i >= MIN_ZONES ? when(Op.gt(count, i)) : true;
    const subnetCidr = this.subnetCidrs(network.cidr, network.subnetNewBits);

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: network.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });

    const privateSubnets = zones.map((zone, i) =>
      existsWhen(
        new Subnet(this, `private-subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: subnetCidr(i),
          availabilityZone: zone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${i}`, tier: "private" },
        }),
        zonePresence(i),
      ),
    );
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = existsWhen(
        new RouteTable(this, `private-route-table-${i}`, {
          vpcId: vpc.id,
          tags: { Name: `${name}-private-${i}` },
        }),
        zonePresence(i),
      );
      existsWhen(
        new RouteTableAssociation(this, `private-route-table-association-${i}`, {
          subnetId: attributeOf(subnet, "id"),
          routeTableId: attributeOf(table, "id"),
        }),
        zonePresence(i),
      );
      return table;
    });

    const nat = natPresence(mode);
    if (nat !== false) {
      this.createInternetPath({
        name,
        vpcId: vpc.id,
        zones,
        mode,
        nat,
        plannedCount: plannedCount ? count : undefined,
        zonePresence,
        subnetCidr,
        privateRouteTables,
      });
    }

    return {
      vpcId: vpc.id,
      privateSubnetIds: attributesOf(privateSubnets, "id"),
      privateRouteTableIds: attributesOf(privateRouteTables, "id"),
    };
  }

  /**
   * The way out for a VPC with NAT: an internet gateway, public subnets with the only route to
   * it, NAT gateways (one, or one per zone) and each private route table's default route.
   */
  private createInternetPath(path: InternetPath): void {
    const {
      name,
      vpcId,
      zones,
      mode,
      nat,
      plannedCount,
      zonePresence,
      subnetCidr,
      privateRouteTables,
    } = path;
    const internetGateway = existsWhen(
      new InternetGateway(this, "internet-gateway", { vpcId, tags: { Name: name } }),
      nat,
    );
    // The public route table is the only one with a route to the internet gateway.
    const publicRouteTable = existsWhen(
      new RouteTable(this, "public-route-table", {
        vpcId,
        tags: { Name: `${name}-public` },
      }),
      nat,
    );
    existsWhen(
      new Route(this, "public-default-route", {
        routeTableId: attributeOf(publicRouteTable, "id"),
        destinationCidrBlock: ANY_IPV4,
        gatewayId: attributeOf(internetGateway, "id"),
      }),
      nat,
    );
    const publicSubnetIndex = (i: number): number =>
      plannedCount === undefined
        ? zones.length + i
        : i === 0
          ? plannedCount
          : Token.asNumber(Op.add(plannedCount, i));
    const publicSubnets = zones.map((zone, i) => {
      const presence = both(nat, zonePresence(i));
      const subnet = existsWhen(
        new Subnet(this, `public-subnet-${i}`, {
          vpcId,
          // After the private subnets: index count + i.
          cidrBlock: subnetCidr(publicSubnetIndex(i)),
          availabilityZone: zone,
          // NAT gateways get Elastic IPs; nothing else in a public subnet gets a public IP.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${i}`, tier: "public" },
        }),
        presence,
      );
      existsWhen(
        new RouteTableAssociation(this, `public-route-table-association-${i}`, {
          subnetId: attributeOf(subnet, "id"),
          routeTableId: attributeOf(publicRouteTable, "id"),
        }),
        presence,
      );
      return subnet;
    });
    const plannedMode = Token.isUnresolved(mode);
    // A planned mode makes a NAT gateway per zone slot: the first for "single" and
    // "one-per-az", the others for "one-per-az" only.
    const natPresenceOf = (i: number): Presence =>
      plannedMode ? both(zonePresence(i), i === 0 ? nat : when(Op.eq(mode, "one-per-az"))) : true;
    const natCount = !plannedMode && mode === "single" ? 1 : zones.length;
    const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const eip = existsWhen(
        new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }),
        natPresenceOf(i),
      );
      return existsWhen(
        new NatGateway(this, `nat-gateway-${i}`, {
          subnetId: attributeOf(subnet, "id"),
          allocationId: attributeOf(eip, "allocation_id"),
          tags: { Name: `${name}-nat-${i}` },
          dependsOn: [internetGateway],
        }),
        natPresenceOf(i),
      );
    });
    privateRouteTables.forEach((table, i) => {
      // Route i uses NAT gateway 0 with "single", its own with "one-per-az".
      const natGatewayId =
        plannedMode && i > 0
          ? Token.asString(
              Fn.conditional(
                Op.eq(mode, "single"),
                attributeOf(natGateways[0], "id"),
                attributeOf(natGateways[i], "id"),
              ),
            )
          : attributeOf(natGateways[mode === "single" ? 0 : i], "id");
      existsWhen(
        new Route(this, `private-default-route-${i}`, {
          routeTableId: attributeOf(table, "id"),
          destinationCidrBlock: ANY_IPV4,
          natGatewayId,
        }),
        both(nat, zonePresence(i)),
      );
    });
  }

  /**
   * Zone names: listed ones as they are, or the first N the account may use in the region. A
   * region with fewer zones than N fails the plan with a message naming the setting: otherwise
   * `element()` wraps around, two subnets land in one zone, and every interface endpoint fails at
   * apply (DuplicateSubnetsInSameZone). Synthesis cannot know a region's zones; the plan can.
   */
  private zoneNames(zones: number | string[], source = "availabilityZones"): string[] {
    if (Array.isArray(zones)) return zones;
    const available = new DataAwsAvailabilityZones(this, "zones", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      lifecycle: Token.isUnresolved(zones)
        ? undefined
        : {
            postcondition: [
              {
                condition: `\${length(self.names) >= ${zones}}`,
                errorMessage: `${source} is ${zones}, but this region has only \${length(self.names)} availability zones the account may use without opting in; lower ${source}`,
              },
            ],
          },
    });
    const slots = Token.isUnresolved(zones) ? MAX_ZONES : zones;
    return Array.from({ length: slots }, (_, i) => Fn.element(available.names, i));
  }

  /** The i-th subnet block: computed here when the VPC block is known, by Terraform otherwise. */
  private subnetCidrs(cidr: string, newBits: number): (index: number) => string {
    if (Token.isUnresolved(cidr) || Token.isUnresolved(newBits)) {
      return (index) => Fn.cidrsubnet(cidr, newBits, index);
    }
    const parsed = parsePrivateVpcBlock(cidr);
    if ("problem" in parsed) throw new Error(`${this.node.path}: cidr "${cidr}" ${parsed.problem}`);
    return (index) =>
      Token.isUnresolved(index)
        ? Fn.cidrsubnet(cidr, newBits, index)
        : carveSubnet(parsed.block, parsed.block.prefix + newBits, index);
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
    if (this.internetRoute !== false) {
      const rule = new VpcSecurityGroupEgressRule(this, "workload-egress-internet-https", {
        securityGroupId: group.id,
        description: "HTTPS to the internet through NAT (vpc.natGateways is on)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: ANY_IPV4,
      });
      existsWhen(rule, this.internetRoute);
    }
    return group;
  }
}
