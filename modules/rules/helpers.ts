import { listOf } from "../core/terraform-json";
import type { PolicyDocument, PolicyStatement } from "../iam/iam-policy";
import type { ResourceView, RuleContext } from "./types";

/** Whether a Terraform value is a reference to the given resource (`${type.name.attr}`). */
export function refersTo(value: unknown, target: ResourceView): boolean {
  return typeof value === "string" && value.includes(`\${${target.type}.${target.name}.`);
}

/** The resources of a type whose `attribute` names the target, by reference or by literal. */
export function linked(
  ctx: RuleContext,
  type: string,
  target: ResourceView,
  attribute: string,
  literal?: unknown,
): ResourceView[] {
  return ctx.byType(type).filter((r) => {
    const value = r.config[attribute];
    return refersTo(value, target) || (literal !== undefined && value === literal);
  });
}

/** Resources of a bucket's configuration (versioning, policy, ...). */
export function bucketConfig(ctx: RuleContext, type: string, bucket: ResourceView): ResourceView[] {
  return linked(ctx, type, bucket, "bucket", bucket.config.bucket);
}

/** One item or a list of them, as a list: the shared `listOf`. */
export const list = listOf;

const parsed = new Map<string, PolicyDocument | undefined>();

/**
 * A policy document from its JSON text; undefined when it is a Terraform expression. Several
 * rules read the same policy, so documents are parsed once (treat them as read-only).
 */
export function parsePolicy(text: unknown): PolicyDocument | undefined {
  if (typeof text !== "string") return undefined;
  if (parsed.has(text)) return parsed.get(text);
  const doc = parseOnce(text);
  if (parsed.size > 10000) parsed.clear();
  parsed.set(text, doc);
  return doc;
}

function parseOnce(text: string): PolicyDocument | undefined {
  try {
    const doc = JSON.parse(text);
    return doc && Array.isArray(doc.Statement)
      ? doc
      : doc && doc.Statement
        ? { ...doc, Statement: [doc.Statement] }
        : undefined;
  } catch {
    return undefined;
  }
}

export function principalsOf(statement: PolicyStatement): string[] {
  const p = statement.Principal;
  if (p === undefined) return [];
  if (p === "*") return ["*"];
  return [...list(p.AWS), ...list(p.Service), ...list(p.Federated)];
}

export function hasCondition(statement: PolicyStatement): boolean {
  return Object.keys(statement.Condition ?? {}).length > 0;
}

/** Identity policies of a stack's IAM resources, with the resource they belong to. */
export function identityPolicies(resource: ResourceView): PolicyDocument[] {
  const c = resource.config;
  const texts: unknown[] = [];
  if (
    [
      "aws_iam_policy",
      "aws_iam_role_policy",
      "aws_iam_user_policy",
      "aws_iam_group_policy",
    ].includes(resource.type)
  ) {
    texts.push(c.policy);
  }
  if (resource.type === "aws_iam_role") {
    for (const inline of list(c.inline_policy)) texts.push((inline as { policy?: unknown }).policy);
  }
  return texts.map(parsePolicy).filter((d): d is PolicyDocument => d !== undefined);
}

export const IDENTITY_POLICY_TYPES = [
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
];

/** Whether a CIDR means "anywhere". */
export function isAnywhere(cidr: unknown): boolean {
  return cidr === "0.0.0.0/0" || cidr === "::/0";
}

export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}
