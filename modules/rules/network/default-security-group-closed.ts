import { linked, list } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcDefaultSecurityGroupClosed: ResourceRule = {
  kind: "resource",
  id: "VPC.DefaultSecurityGroupClosed",
  level: "error",
  summary: "The default security group of every VPC has no rules",
  explanation:
    "Anything launched without a group lands in the default one; managing it with aws_default_security_group and explicitly empty ingress and egress makes that a dead end instead of an open door (an omitted list leaves AWS's default rules in place).",
  resourceTypes: ["aws_vpc", "aws_default_security_group"],
  check(resource, ctx) {
    if (resource.type === "aws_default_security_group") {
      // An omitted ingress or egress leaves those rules unmanaged: AWS's defaults (all traffic
      // from the group itself, all egress) stay. Only an explicit empty list removes them.
      const unmanaged = (["ingress", "egress"] as const).filter(
        (side) => resource.config[side] === undefined,
      );
      if (unmanaged.length > 0) {
        return `leaves its ${unmanaged.join(" and ")} rules unmanaged (set ${unmanaged.map((s) => `${s} = []`).join(" and ")}); AWS's default rules stay`;
      }
      return list(resource.config.ingress).length + list(resource.config.egress).length > 0
        ? "has rules"
        : undefined;
    }
    return linked(ctx, "aws_default_security_group", resource, "vpc_id").length > 0
      ? undefined
      : "does not manage its default security group (to strip its rules)";
  },
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_default_security_group.d.ingress = [{ protocol: "-1", self: true }]),
        ),
        findings: ["aws_default_security_group.d: has rules"],
      },
      {
        stack: vpcStack((j) => delete j.resource.aws_default_security_group.d.ingress),
        findings: [
          "aws_default_security_group.d: leaves its ingress rules unmanaged (set ingress = []); AWS's default rules stay",
        ],
      },
      {
        stack: vpcStack((j) => delete j.resource.aws_default_security_group.d.egress),
        findings: [
          "aws_default_security_group.d: leaves its egress rules unmanaged (set egress = []); AWS's default rules stay",
        ],
      },
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_default_security_group.d.egress = [
              { protocol: "-1", cidr_blocks: ["10.0.0.0/8"] },
            ]),
        ),
        findings: ["aws_default_security_group.d: has rules"],
      },
      {
        stack: vpcStack((j) => delete j.resource.aws_default_security_group),
        findings: ["aws_vpc.v: does not manage its default security group (to strip its rules)"],
      },
    ],
  },
};
