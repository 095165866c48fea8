import { hasCondition, parsePolicy, principalsOf } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withTrust } from "./examples";

export const iamTrustNoWildcard: ResourceRule = {
  kind: "resource",
  id: "IAM.TrustNoWildcard",
  level: "error",
  summary: "Trust policies name who may assume the role; an account principal needs a condition",
  explanation:
    'A "*" principal lets anyone in any account assume the role. A bare account principal (arn:...:root) lets every identity of that account with sts:AssumeRole in: narrow it with aws:PrincipalArn, MFA, or another condition.',
  resourceTypes: ["aws_iam_role"],
  check(role) {
    for (const s of parsePolicy(role.config.assume_role_policy)?.Statement ?? []) {
      if (s.Effect !== "Allow") continue;
      const which = s.Sid ? `trust statement ${s.Sid}` : "a trust statement";
      const principals = principalsOf(s);
      if (principals.includes("*")) return `${which} names every principal ("*")`;
      if (principals.some((p) => /:root$|^\d{12}$/.test(p)) && !hasCondition(s)) {
        return `${which} names a whole account without a condition`;
      }
    }
    return undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withTrust({
          Sid: "Account",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: "sts:AssumeRole",
        }),
        findings: [
          "aws_iam_role.r: trust statement Account names a whole account without a condition",
        ],
      },
      {
        stack: withTrust({
          Sid: "Any",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
        }),
        findings: ['aws_iam_role.r: trust statement Any names every principal ("*")'],
      },
      {
        stack: withTrust({
          Sid: "Account",
          Effect: "Allow",
          Principal: { AWS: "111111111111" },
          Action: "sts:AssumeRole",
        }),
        findings: [
          "aws_iam_role.r: trust statement Account names a whole account without a condition",
        ],
      },
    ],
  },
};
