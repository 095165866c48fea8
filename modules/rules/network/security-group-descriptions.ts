import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";
import { rulesOf, SECURITY_GROUP_RULE_TYPES } from "./sg-rules";

export const sgDescriptions: ResourceRule = {
  kind: "resource",
  id: "SG.Descriptions",
  level: "error",
  summary: "Every security group and rule says what it is for",
  explanation:
    'Reviewers read descriptions in plans and consoles; Terraform\'s default "Managed by Terraform" says nothing.',
  resourceTypes: SECURITY_GROUP_RULE_TYPES,
  check(resource) {
    if (resource.type === "aws_security_group") {
      const d = resource.config.description;
      if (typeof d !== "string" || d.trim() === "" || d === "Managed by Terraform")
        return "has no description";
    }
    return rulesOf(resource).some(
      (r) => typeof r.description !== "string" || r.description.trim() === "",
    )
      ? "has a rule without a description"
      : undefined;
  },
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => delete j.resource.aws_vpc_security_group_ingress_rule.i.description),
        findings: ["aws_vpc_security_group_ingress_rule.i: has a rule without a description"],
      },
      {
        stack: vpcStack(
          (j) => (j.resource.aws_security_group.g.description = "Managed by Terraform"),
        ),
        findings: ["aws_security_group.g: has no description"],
      },
      {
        stack: vpcStack((j) => delete j.resource.aws_vpc_security_group_egress_rule.e.description),
        findings: ["aws_vpc_security_group_egress_rule.e: has a rule without a description"],
      },
    ],
  },
};
