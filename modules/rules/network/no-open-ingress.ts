import { isAnywhere } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";
import { rulesOf, SECURITY_GROUP_RULE_TYPES } from "./sg-rules";

export const sgNoOpenIngress: ResourceRule = {
  kind: "resource",
  id: "SG.NoOpenIngress",
  level: "error",
  summary: "No security group admits traffic from 0.0.0.0/0 or ::/0",
  explanation:
    "The platform has no public endpoints: admit other security groups or the VPC block, never the internet.",
  resourceTypes: SECURITY_GROUP_RULE_TYPES,
  check: (resource) =>
    rulesOf(resource).some((r) => r.direction === "ingress" && r.cidrs.some(isAnywhere))
      ? "admits traffic from anywhere"
      : undefined,
  examples: {
    compliant: vpcStack(),
    nonCompliant: vpcStack(
      (j) => (j.resource.aws_vpc_security_group_ingress_rule.i.cidr_ipv4 = "0.0.0.0/0"),
    ),
  },
};
