import { identityPolicies, list, parsePolicy } from "../helpers";
import type { PolicyStatement } from "../../iam/iam-policy";
import type { ResourceRule, ResourceView } from "../types";
import { withStatement } from "./examples";

/** Where resource policies live, by resource type and attribute. */
const RESOURCE_POLICY_ATTRIBUTES: Record<string, string> = {
  aws_s3_bucket_policy: "policy",
  aws_kms_key: "policy",
  aws_sagemaker_model_package_group_policy: "resource_policy",
};

/** `arn:<partition>:iam::<account>:role/<path and name>` with a wildcard in the account or name. */
const ROLE_ARN = /^arn:[\w-]+:iam::([^:]*):role\/(.+)$/;

function wildcardRoleArns(values: unknown): string[] {
  return list(values as string | string[]).filter((v) => {
    if (typeof v !== "string" || v.includes("${")) return false;
    const m = ROLE_ARN.exec(v);
    return m !== null && /[*?]/.test(m[2]);
  });
}

/** Role ARN patterns an Allow statement grants to: by aws:PrincipalArn, or roles it may assume. */
function grantedPatterns(s: PolicyStatement): string[] {
  if (s.Effect !== "Allow") return [];
  const patterns: string[] = [];
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    if (!/^(ForAnyValue:)?(ArnLike|ArnEquals|StringLike)/.test(operator)) continue;
    patterns.push(...wildcardRoleArns((block as Record<string, unknown>)["aws:PrincipalArn"]));
  }
  if (list(s.Action).some((a) => /^sts:AssumeRole$/i.test(a))) {
    patterns.push(...wildcardRoleArns(s.Resource));
  }
  return patterns;
}

function policiesOf(r: ResourceView) {
  const attribute = RESOURCE_POLICY_ATTRIBUTES[r.type];
  if (attribute === undefined) return identityPolicies(r);
  const doc = parsePolicy(r.config[attribute]);
  return doc === undefined ? [] : [doc];
}

/**
 * Warns where a policy grants to roles by a name pattern rather than by exact ARN: whoever may
 * create a role under a matching name (and, since `*` spans `/`, path) gets what the platform's
 * role gets. The platform uses patterns only where exact ARNs would outgrow a policy quota.
 */
export const iamRoleNamePattern: ResourceRule = {
  kind: "resource",
  id: "IAM.RoleNamePattern",
  level: "warning",
  summary: "A policy that grants to roles by a name pattern says so at synthesis",
  explanation:
    "An aws:PrincipalArn pattern (or an sts:AssumeRole resource pattern) admits every role whose path and name match, including one someone else creates later: it is as tight as exact ARNs only where nobody but your administrators and the Terraform deploy role may create roles. The platform names roles by pattern only past its exact-ARN limits (more than 10 deployment targets of a data science account; Studio users with dedicated execution roles). Deny iam:CreateRole on those names to everyone else (an SCP or permissions boundary), or keep within the limits.",
  resourceTypes: [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_role",
    ...Object.keys(RESOURCE_POLICY_ATTRIBUTES),
  ],
  check(resource) {
    const found: string[] = [];
    for (const doc of policiesOf(resource)) {
      for (const s of doc.Statement) {
        for (const p of grantedPatterns(s)) {
          const line = `${s.Sid ? `statement ${s.Sid}` : "a statement"} grants to every role named ${p}`;
          if (!found.includes(line)) found.push(line);
        }
      }
    }
    if (found.length === 0) return undefined;
    return `${found.join("; ")}: any role created under such a name gets the same; deny iam:CreateRole on it to all but your administrators`;
  },
  examples: {
    compliant: withStatement({
      Sid: "AssumeExactly",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
    }),
    nonCompliant: [
      {
        stack: withStatement({
          Sid: "AssumeByPattern",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: "arn:aws:iam::*:role/mlops-*-model-deployment",
          Condition: { StringEquals: { "aws:ResourceAccount": ["222222222222"] } },
        }),
        findings: [
          "aws_iam_policy.p: statement AssumeByPattern grants to every role named arn:aws:iam::*:role/mlops-*-model-deployment: any role created under such a name gets the same; deny iam:CreateRole on it to all but your administrators",
        ],
      },
      {
        stack: withStatement({
          Sid: "ReadByPattern",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/u-*" } },
        }),
        findings: [
          "aws_iam_policy.p: statement ReadByPattern grants to every role named arn:aws:iam::111111111111:role/u-*: any role created under such a name gets the same; deny iam:CreateRole on it to all but your administrators",
        ],
      },
    ],
  },
};
