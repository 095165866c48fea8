import type { ResourceRule } from "../types";
import { instanceStack } from "./examples";

export const ec2NoKeyPair: ResourceRule = {
  kind: "resource",
  id: "EC2.NoKeyPair",
  level: "error",
  summary: "Instances have no SSH key pair",
  explanation:
    "Session Manager replaces SSH: no key to leak, no port to open, every session logged.",
  resourceTypes: ["aws_instance", "aws_launch_template"],
  check: (r) => (r.config.key_name ? `uses the key pair ${r.config.key_name}` : undefined),
  examples: {
    compliant: instanceStack(),
    nonCompliant: [
      {
        stack: instanceStack((j) => (j.resource.aws_instance.i.key_name = "ops")),
        findings: ["aws_instance.i: uses the key pair ops"],
      },
    ],
  },
};
