import {
  type Ipv4Block,
  blocksOverlap,
  parsePrivateVpcBlock,
  subnetCapacity,
} from "../../../modules/network/cidr";
import { accountInterfaceEndpoints, otherInterfacesPerSubnet } from "../derived";
import { requiredSubnets, subnetPrefixLength, type VpcConfig } from "../schema/network";
import type { AccountConfig, ConfigIssues, PlatformConfig } from "../schema/platform";

function checkExistingVpc(vpc: VpcConfig, path: (string | number)[], ctx: ConfigIssues): void {
  const why = "an existing VPC keeps its own subnets and gateways; remove it or vpc.existing";
  if (vpc.natGateways !== "none") {
    ctx.addIssue({
      code: "custom",
      path: [...path, "natGateways"],
      input: vpc.natGateways,
      message: `cannot be used with vpc.existing: ${why}`,
    });
  }
  for (const field of ["availabilityZones", "subnetPrefixLength"] as const) {
    if (vpc[field] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, field],
        message: `cannot be used with vpc.existing: ${why}`,
      });
    }
  }
  const existing = vpc.existing!;
  for (const field of ["privateSubnetIds", "privateRouteTableIds"] as const) {
    if (new Set(existing[field]).size !== existing[field].length) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "existing", field],
        message: "must not repeat an id",
      });
    }
  }
}

function checkNewVpcSize(
  vpc: VpcConfig,
  block: Ipv4Block,
  path: (string | number)[],
  ctx: ConfigIssues,
): boolean {
  const subnetPrefix = subnetPrefixLength(vpc, block);
  const needed = requiredSubnets(vpc);
  const what =
    vpc.natGateways === "none"
      ? `${needed} subnets`
      : `${needed} subnets (private and public, for NAT)`;
  if (subnetPrefix < block.prefix) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "subnetPrefixLength"],
      input: subnetPrefix,
      message: `must be at least the VPC prefix length /${block.prefix}`,
    });
    return false;
  } else if (subnetCapacity(block, subnetPrefix) < needed) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "cidr"],
      input: vpc.cidr,
      message: `is too small for ${what} of /${subnetPrefix} (room for ${subnetCapacity(block, subnetPrefix)}); use a larger block or a longer subnetPrefixLength`,
    });
    return false;
  }
  return true;
}

/**
 * Every interface endpoint takes an address in each private subnet, and AWS reserves five per
 * subnet: small subnets with many endpoints fail at apply (endpoint creation runs out of
 * addresses). Checked for VPCs the platform creates; an existing VPC's subnet sizes are not in
 * the config.
 */
function checkSubnetRoom(
  account: AccountConfig,
  block: Ipv4Block,
  path: (string | number)[],
  ctx: ConfigIssues,
): void {
  const prefix = subnetPrefixLength(account.vpc, block);
  if (prefix < block.prefix) return; // reported by checkNewVpcSize
  const usable = 2 ** (32 - prefix) - 5;
  const endpoints = accountInterfaceEndpoints(account).length;
  const others = otherInterfacesPerSubnet(account);
  if (usable < endpoints + others) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "subnetPrefixLength"],
      input: prefix,
      message: `gives private subnets of /${prefix} with ${usable} usable addresses, but each holds ${endpoints} interface endpoints and up to ${others} other network interfaces (${endpoints + others}); use a shorter subnetPrefixLength, a larger cidr, or fewer interfaceEndpoints`,
    });
  }
}

export function checkNetworks(config: PlatformConfig, ctx: ConfigIssues): void {
  const blocks: { name: string; block: Ipv4Block }[] = [];
  for (const [name, account] of Object.entries(config.accounts)) {
    const path = ["accounts", name, "vpc"];
    const parsed = parsePrivateVpcBlock(account.vpc.cidr);
    if ("problem" in parsed) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "cidr"],
        input: account.vpc.cidr,
        message: parsed.problem,
      });
      continue;
    }
    const block = parsed.block;
    if (account.vpc.existing !== undefined) {
      checkExistingVpc(account.vpc, path, ctx);
    } else {
      // One line per cause: a block too small for its subnets says so, not also that they are full.
      if (checkNewVpcSize(account.vpc, block, path, ctx))
        checkSubnetRoom(account, block, path, ctx);
      if (!account.vpc.manageDefaultSecurityGroup) {
        // The rule pack would refuse the new VPC's open default group at synthesis anyway.
        ctx.addIssue({
          code: "custom",
          path: [...path, "manageDefaultSecurityGroup"],
          input: false,
          message:
            "must be true for a VPC the platform creates (its default group is always emptied); false is only for vpc.existing, whose workloads may still use their default group",
        });
      }
    }
    for (const endpoint of account.vpc.interfaceEndpoints ?? []) {
      if (account.vpc.sharedEndpoints[endpoint] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "sharedEndpoints", endpoint],
          input: account.vpc.sharedEndpoints[endpoint],
          message: `is also listed in vpc.interfaceEndpoints: the VPC either creates ${endpoint} or uses a shared one; remove it from one of them`,
        });
      }
    }
    if (Array.isArray(account.vpc.availabilityZones)) {
      account.vpc.availabilityZones.forEach((zone, i) => {
        if (!new RegExp(`^${config.region}[a-z]$`).test(zone)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "availabilityZones", i],
            input: zone,
            message: `must be a zone of the platform region ${config.region}, such as ${config.region}a`,
          });
        }
      });
    }
    for (const other of blocks) {
      if (blocksOverlap(other.block, block)) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "cidr"],
          input: account.vpc.cidr,
          message: `overlaps accounts.${other.name}.vpc.cidr ${other.block.cidr}; VPC blocks must not overlap so the accounts can be connected later`,
        });
      }
    }
    blocks.push({ name, block });
  }
}
