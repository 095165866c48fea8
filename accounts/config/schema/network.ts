import { z } from "zod";
import type { Ipv4Block } from "../../../modules/network/cidr";
import {
  INTERFACE_ENDPOINT_IDS,
  type InterfaceEndpointId,
} from "../../../modules/network/vpc-endpoint-catalogue";
import { logRetentionDaysSchema } from "./common";
import { MAX_ZONES, MIN_ZONES } from "../../../modules/network/secure-vpc";
import { intBetween, strictObject } from "../zod";

const azNameSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/, {
  error: "must be an availability zone name such as eu-west-1a",
});

const existingVpcSchema = strictObject({
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0abc12345def67890" })
    .describe("Id of the VPC to use."),
  privateSubnetIds: z
    .array(
      z
        .string()
        .regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0abc1234" }),
    )
    .min(2)
    .max(4)
    .describe("Its private subnets, one per availability zone (2 to 4)."),
  privateRouteTableIds: z
    .array(
      z
        .string()
        .regex(/^rtb-[0-9a-f]{8,17}$/, { error: "must be a route table id such as rtb-0abc1234" }),
    )
    .min(1)
    .max(4)
    .describe("The route tables of those subnets; the S3 gateway endpoint is attached to each."),
});

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/**
 * A private (RFC 1918) IPv4 block of a size AWS allows for a VPC (/16 to /28), as a pattern: what
 * the JSON Schema says of `vpc.cidr`. The loader parses the block (modules/network/cidr.ts) and
 * also refuses host bits, which no pattern says.
 */
export const PRIVATE_CIDR_PATTERN =
  `^(10\\.${OCTET}\\.${OCTET}|172\\.(1[6-9]|2[0-9]|3[01])\\.${OCTET}|192\\.168\\.${OCTET})` +
  `\\.${OCTET}\\/(1[6-9]|2[0-8])$`;

export const vpcSchema = strictObject({
  cidr: z
    .string()
    .describe(
      "Private IPv4 block of the VPC (RFC 1918, /16 to /28); for an existing VPC, its block.",
    ),
  availabilityZones: z
    .union(
      [
        intBetween(MIN_ZONES, MAX_ZONES),
        z
          .array(azNameSchema)
          .min(MIN_ZONES)
          .max(MAX_ZONES)
          .refine((list) => new Set(list).size === list.length, {
            error: "must not repeat a zone",
          }),
      ],
      {
        error: `must be a number of zones from ${MIN_ZONES} to ${MAX_ZONES}, or a list of ${MIN_ZONES} to ${MAX_ZONES} zone names such as [eu-west-1a, eu-west-1b]`,
      },
    )
    .optional()
    .describe(
      "Either how many availability zones to use (the first N the region offers to the account) or their names. SageMaker endpoints and Studio need at least two. Default 2.",
    ),
  subnetPrefixLength: intBetween(16, 28)
    .optional()
    .describe("Prefix length of each subnet. Defaults to the VPC prefix + 3 (room for 8 subnets)."),
  natGateways: z
    .enum(["none", "one-per-az", "single"], { error: 'must be "none", "one-per-az" or "single"' })
    .default("none")
    .describe(
      "Internet egress. `none` (default): no internet gateway, no NAT; AWS is reached through endpoints only. `one-per-az`: public subnets and a NAT gateway in each zone. `single`: one NAT gateway for all zones (cheaper, one zone's outage cuts egress everywhere).",
    ),
  existing: existingVpcSchema
    .optional()
    .describe(
      "Use an existing VPC instead of creating one: the platform adds endpoints, security groups and flow logs.",
    ),
  interfaceEndpoints: z
    .array(
      z.enum(INTERFACE_ENDPOINT_IDS as [InterfaceEndpointId, ...InterfaceEndpointId[]], {
        error: `must be one of ${INTERFACE_ENDPOINT_IDS.join(", ")}`,
      }),
    )
    .refine((list) => new Set(list).size === list.length, { error: "must not repeat an endpoint" })
    .optional()
    .describe(
      'Interface endpoints to create. Default: what the account\'s type needs (docs/architecture.md, "Interface endpoints").',
    ),
  sharedEndpoints: z
    .partialRecord(
      z.enum(INTERFACE_ENDPOINT_IDS as [InterfaceEndpointId, ...InterfaceEndpointId[]], {
        error: `must be one of ${INTERFACE_ENDPOINT_IDS.join(", ")}`,
      }),
      z.string().regex(/^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/, {
        error: "must be a VPC endpoint id such as vpce-0a1b2c3d4e5f60718",
      }),
    )
    .default({})
    .describe(
      'Interface endpoints a shared services VPC already provides to this VPC (centralised endpoints, reached through Transit Gateway or peering, their private hosted zones associated with this VPC: docs/architecture.md, "Shared endpoints"), by service with the endpoint\'s id. The platform does not create these; policies that name an endpoint (managed MLflow) name the shared one. Default: none.',
    ),
  flowLogRetentionDays: logRetentionDaysSchema
    .default(365)
    .describe("Days flow logs are kept. Default 365."),
  manageDefaultSecurityGroup: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .describe(
      "Remove every rule from the VPC's default security group. Only an existing VPC (`existing`) may turn it off, for workloads that still use its default group; a VPC the platform creates always has it emptied.",
    ),
});

/** An account's `vpc` section, validated. */
export type VpcConfig = z.output<typeof vpcSchema>;

export const DEFAULT_AVAILABILITY_ZONES = 2;

/** How many availability zones a new VPC spans. */
export function zoneCount(vpc: VpcConfig): number {
  const zones = vpc.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
  return typeof zones === "number" ? zones : zones.length;
}

/** Subnets a new VPC must hold: a private subnet per zone, and a public one per zone with NAT. */
export function requiredSubnets(vpc: VpcConfig): number {
  return zoneCount(vpc) * (vpc.natGateways === "none" ? 1 : 2);
}

export function subnetPrefixLength(vpc: VpcConfig, block: Ipv4Block): number {
  return vpc.subnetPrefixLength ?? Math.min(block.prefix + 3, 28);
}
