import { isAnywhere } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";
import { rulesOf, SECURITY_GROUP_RULE_TYPES } from "./sg-rules";

export const sgNoOpenAllTrafficEgress: ResourceRule = {
  kind: "resource",
  id: "SG.NoOpenAllTrafficEgress",
  level: "error",
  summary: "No security group sends all traffic to 0.0.0.0/0 or ::/0",
  explanation:
    "All-traffic egress to the internet is the exfiltration path. Allow what workloads need: the endpoints, S3's prefix list, and at most HTTPS through NAT.",
  resourceTypes: SECURITY_GROUP_RULE_TYPES,
  check: (resource) =>
    rulesOf(resource).some(
      (r) => r.direction === "egress" && r.protocol === "-1" && r.cidrs.some(isAnywhere),
    )
      ? "sends all traffic to anywhere"
      : undefined,
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_security_group.g.egress = [
              {
                description: "all",
                protocol: "-1",
                from_port: 0,
                to_port: 0,
                cidr_blocks: ["0.0.0.0/0"],
              },
            ]),
        ),
        findings: ["aws_security_group.g: sends all traffic to anywhere"],
      },
      {
        stack: vpcStack((j) => {
          j.resource.aws_vpc_security_group_egress_rule.e.ip_protocol = "-1";
          delete j.resource.aws_vpc_security_group_egress_rule.e.from_port;
          delete j.resource.aws_vpc_security_group_egress_rule.e.to_port;
        }),
        findings: ["aws_vpc_security_group_egress_rule.e: sends all traffic to anywhere"],
      },
      {
        stack: vpcStack(
          (j) =>
            (j.resource.aws_security_group_rule = {
              r: {
                type: "egress",
                security_group_id: "${aws_security_group.g.id}",
                description: "all",
                protocol: "-1",
                from_port: 0,
                to_port: 0,
                ipv6_cidr_blocks: ["::/0"],
              },
            }),
        ),
        findings: ["aws_security_group_rule.r: sends all traffic to anywhere"],
      },
    ],
  },
};
