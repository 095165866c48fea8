import { identityPolicies, IDENTITY_POLICY_TYPES, list } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withStatement } from "./examples";

export const iamNoServiceWideActionOnAll: ResourceRule = {
  kind: "resource",
  id: "IAM.NoServiceWideActionOnAll",
  level: "error",
  summary:
    "No policy allows a whole service (s3:*, iam:*, kms:*, sagemaker:*, ...) on every resource",
  explanation:
    "A service-wide action on Resource \"*\" is that service's administrator (iam:* is everyone's). Name the actions, and scope the resources.",
  resourceTypes: IDENTITY_POLICY_TYPES,
  check(r) {
    for (const d of identityPolicies(r)) {
      for (const s of d.Statement) {
        if (s.Effect !== "Allow" || !list(s.Resource).includes("*")) continue;
        const wide = list(s.Action).filter((a) => /^[a-z0-9-]+:\*$/i.test(a));
        if (wide.length) return `allows ${wide.join(", ")} on every resource`;
      }
    }
    return undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withStatement({ Sid: "S3", Effect: "Allow", Action: "s3:*", Resource: "*" }),
        findings: ["aws_iam_policy.p: allows s3:* on every resource"],
      },
    ],
  },
};
