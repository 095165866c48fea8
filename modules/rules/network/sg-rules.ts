import { list } from "../helpers";
import type { ResourceView } from "../types";

export interface NormalizedRule {
  readonly direction: "ingress" | "egress";
  readonly cidrs: string[];
  /** "-1" for all traffic. */
  readonly protocol: string;
  readonly description?: string;
}

export const SECURITY_GROUP_RULE_TYPES = [
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
];

function protocolOf(value: unknown): string {
  const p = String(value ?? "-1").toLowerCase();
  return p === "all" ? "-1" : p;
}

/** The rules one resource declares, in one shape whatever resource type declares them. */
export function rulesOf(resource: ResourceView): NormalizedRule[] {
  const c = resource.config;
  switch (resource.type) {
    case "aws_security_group":
      return (["ingress", "egress"] as const).flatMap((direction) =>
        list(c[direction]).map((r: any) => ({
          direction,
          cidrs: [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks)] as string[],
          protocol: protocolOf(r.protocol),
          description: r.description,
        })),
      );
    case "aws_security_group_rule":
      return [
        {
          direction: c.type === "egress" ? "egress" : "ingress",
          cidrs: [...list(c.cidr_blocks), ...list(c.ipv6_cidr_blocks)],
          protocol: protocolOf(c.protocol),
          description: c.description,
        },
      ];
    case "aws_vpc_security_group_ingress_rule":
    case "aws_vpc_security_group_egress_rule":
      return [
        {
          direction: resource.type.endsWith("ingress_rule") ? "ingress" : "egress",
          cidrs: [c.cidr_ipv4, c.cidr_ipv6].filter((x) => x !== undefined),
          protocol: protocolOf(c.ip_protocol),
          description: c.description,
        },
      ];
    default:
      return [];
  }
}
