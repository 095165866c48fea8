import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcNoDefaultVpc: ResourceRule = {
  kind: "resource",
  id: "VPC.NoDefaultVpc",
  level: "error",
  summary: "Nothing uses the default VPC",
  explanation:
    "The default VPC has public subnets and an internet gateway; the platform's workloads live in its private VPCs.",
  resourceTypes: ["aws_default_vpc", "aws_default_subnet"],
  check: () => "manages the default VPC or a default subnet",
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => (j.resource.aws_default_vpc = { d: {} })),
        findings: ["aws_default_vpc.d: manages the default VPC or a default subnet"],
      },
    ],
  },
};
