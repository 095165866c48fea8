import { identityPolicies, IDENTITY_POLICY_TYPES, list } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withStatement } from "./examples";

export const iamNoWildcardAction: ResourceRule = {
  kind: "resource",
  id: "IAM.NoWildcardAction",
  level: "error",
  summary: 'No policy allows every action ("*")',
  explanation:
    'Action "*" is administrator access whatever the resource. List the actions the principal needs.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  check: (r) =>
    identityPolicies(r).some((d) =>
      d.Statement.some((s) => s.Effect === "Allow" && list(s.Action).includes("*")),
    )
      ? 'allows Action "*"'
      : undefined,
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withStatement({
          Sid: "All",
          Effect: "Allow",
          Action: "*",
          Resource: "arn:aws:s3:::b",
        }),
        findings: ['aws_iam_policy.p: allows Action "*"'],
      },
      {
        // An inline role policy (aws_iam_role_policy) is read too.
        stack: roleStack((j) => {
          j.resource.aws_iam_role_policy = {
            inline: {
              role: "${aws_iam_role.r.name}",
              policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }],
              }),
            },
          };
        }),
        findings: ['aws_iam_role_policy.inline: allows Action "*"'],
      },
    ],
  },
};
