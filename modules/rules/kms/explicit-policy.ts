import type { ResourceRule } from "../types";
import { keyStack } from "./examples";

export const kmsExplicitPolicy: ResourceRule = {
  kind: "resource",
  id: "KMS.ExplicitPolicy",
  level: "error",
  summary: "Keys have an explicit key policy",
  explanation:
    "Without a policy KMS applies its default, which delegates the key to every IAM principal of the account that an IAM policy allows. Write the policy: administrators, and the principals and services that use the key.",
  resourceTypes: ["aws_kms_key"],
  check: (key) =>
    typeof key.config.policy === "string" && key.config.policy.length > 0
      ? undefined
      : "has no explicit key policy",
  examples: {
    compliant: keyStack(),
    nonCompliant: [
      {
        stack: keyStack((k) => delete k.policy),
        findings: ["aws_kms_key.k: has no explicit key policy"],
      },
      {
        stack: keyStack((k) => (k.policy = "")),
        findings: ["aws_kms_key.k: has no explicit key policy"],
      },
    ],
  },
};
