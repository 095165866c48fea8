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
    nonCompliant: [
      {
        stack: vpcStack(
          (j) => (j.resource.aws_vpc_security_group_ingress_rule.i.cidr_ipv4 = "0.0.0.0/0"),
        ),
        findings: ["aws_vpc_security_group_ingress_rule.i: admits traffic from anywhere"],
      },
      {
        stack: vpcStack((j) => {
          delete j.resource.aws_vpc_security_group_ingress_rule.i.cidr_ipv4;
          j.resource.aws_vpc_security_group_ingress_rule.i.cidr_ipv6 = "::/0";
        }),
        findings: ["aws_vpc_security_group_ingress_rule.i: admits traffic from anywhere"],
      },
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_security_group.g.ingress = [
              {
                description: "web",
                protocol: "tcp",
                from_port: 443,
                to_port: 443,
                cidr_blocks: ["0.0.0.0/0"],
              },
            ]),
        ),
        findings: ["aws_security_group.g: admits traffic from anywhere"],
      },
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_security_group_rule = {
              r: {
                type: "ingress",
                security_group_id: "${aws_security_group.g.id}",
                description: "web",
                protocol: "tcp",
                from_port: 443,
                to_port: 443,
                ipv6_cidr_blocks: ["::/0"],
              },
            }),
        ),
        findings: ["aws_security_group_rule.r: admits traffic from anywhere"],
      },
    ],
  },
};
