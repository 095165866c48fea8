import { list } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack } from "./examples";

const FORBIDDEN = /:iam::aws:policy\/(AdministratorAccess|IAMFullAccess)$/;

export const iamNoAdminPolicies: ResourceRule = {
  kind: "resource",
  id: "IAM.NoAdminPolicies",
  level: "error",
  summary: "Nothing attaches AdministratorAccess or IAMFullAccess",
  explanation: "These AWS managed policies give everything, or the power to grant everything.",
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role",
    "aws_iam_role_policy_attachments_exclusive",
  ],
  check(r) {
    const arns = [
      r.config.policy_arn,
      ...list(r.config.managed_policy_arns),
      ...list(r.config.policy_arns),
    ].map(String);
    const bad = arns.filter((a) => FORBIDDEN.test(a));
    return bad.length ? `attaches ${bad.join(", ")}` : undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: roleStack(
          (j) =>
            (j.resource.aws_iam_role_policy_attachment.a.policy_arn =
              "arn:aws:iam::aws:policy/AdministratorAccess"),
        ),
        findings: [
          "aws_iam_role_policy_attachment.a: attaches arn:aws:iam::aws:policy/AdministratorAccess",
        ],
      },
      {
        stack: roleStack(
          (j) =>
            (j.resource.aws_iam_role.r.managed_policy_arns = [
              "arn:aws:iam::aws:policy/IAMFullAccess",
            ]),
        ),
        findings: ["aws_iam_role.r: attaches arn:aws:iam::aws:policy/IAMFullAccess"],
      },
    ],
  },
};
