import type { ResourceRule } from "../types";
import { roleStack } from "./examples";

export const iamNoUsersOrKeys: ResourceRule = {
  kind: "resource",
  id: "IAM.NoUsersOrKeys",
  level: "error",
  summary: "No IAM users or access keys",
  explanation:
    "Long-lived keys leak. People federate into roles; machines use instance profiles, IRSA or OIDC (CI).",
  resourceTypes: [
    "aws_iam_user",
    "aws_iam_access_key",
    "aws_iam_user_login_profile",
    "aws_iam_service_specific_credential",
  ],
  check: (r) => `creates ${r.type.replace("aws_iam_", "an IAM ").replace(/_/g, " ")}`,
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: roleStack((j) => (j.resource.aws_iam_user = { ci: { name: "ci" } })),
        findings: ["aws_iam_user.ci: creates an IAM user"],
      },
    ],
  },
};
