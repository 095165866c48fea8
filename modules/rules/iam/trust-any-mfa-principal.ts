import { parsePolicy, principalsOf } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withTrust } from "./examples";

/** Condition keys that narrow an account principal to named identities. */
const NARROWING_KEYS = ["aws:PrincipalArn", "aws:userid", "aws:username", "aws:PrincipalTag"];

function conditionKeys(condition: unknown): string[] {
  if (condition === null || typeof condition !== "object") return [];
  return Object.values(condition as Record<string, Record<string, unknown>>).flatMap((c) =>
    c !== null && typeof c === "object" ? Object.keys(c) : [],
  );
}

export const iamTrustAnyMfaPrincipal: ResourceRule = {
  kind: "resource",
  id: "IAM.TrustAnyMfaPrincipal",
  level: "warning",
  summary: "A role that any principal of an account may assume with MFA is named at synthesis",
  explanation:
    "A trust of the account principal narrowed only by aws:MultiFactorAuthPresent (the persona identity `account-with-mfa`, the default) admits every user and role of that account that may call sts:AssumeRole and has MFA: the model approver included. Name the people instead (sagemaker.identity: iam-identity-center, saml or roles), or know who holds sts:AssumeRole in that account.",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    for (const s of parsePolicy(role.config.assume_role_policy)?.Statement ?? []) {
      if (s.Effect !== "Allow") continue;
      if (!principalsOf(s).some((p) => /:root$|^\d{12}$/.test(p))) continue;
      const keys = conditionKeys(s.Condition);
      const mfa = keys.includes("aws:MultiFactorAuthPresent");
      const narrowed = keys.some((k) =>
        NARROWING_KEYS.some((n) => k === n || k.startsWith(`${n}/`)),
      );
      if (mfa && !narrowed) {
        return `${s.Sid ? `trust statement ${s.Sid}` : "a trust statement"} admits any principal of the account with MFA (sagemaker.identity account-with-mfa): a weaker identity than named people`;
      }
    }
    return undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withTrust({
          Sid: "AnyoneWithMfa",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: "sts:AssumeRole",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        }),
        findings: [
          "aws_iam_role.r: trust statement AnyoneWithMfa admits any principal of the account with MFA (sagemaker.identity account-with-mfa): a weaker identity than named people",
        ],
      },
    ],
  },
};
