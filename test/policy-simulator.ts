/**
 * A small evaluator of IAM policy documents, for tests that ask who can do what rather than
 * which statements exist: Effect, Principal, Action, Resource and the condition operators the
 * platform writes, with IAM's rules for missing keys (a negated operator matches a missing key,
 * `...IfExists` matches it, `Null` tests presence) and AWS's cross-account rule (the resource
 * policy and the caller's identity policy must both allow; any explicit deny wins).
 */
import type { PolicyDocument, PolicyStatement } from "../modules/iam/iam-policy";

/** The request: its principal, action, resource and the condition keys it carries. */
export interface Request {
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys present in the request (`aws:SourceVpce`, `s3:prefix`, ...). */
  readonly context?: Record<string, string>;
}

const list = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];

/** IAM's wildcard match (`*` any run, `?` one character), case-sensitive as for ARNs. */
function like(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

const accountOf = (arn: string) => arn.split(":")[4];

function principalMatches(principal: PolicyStatement["Principal"], arn: string): boolean {
  if (principal === undefined) return true; // identity policy: the principal is the holder
  if (principal === "*") return true;
  const aws = list((principal as { AWS?: unknown }).AWS);
  return aws.some(
    (p) =>
      p === "*" || p === arn || p === `arn:aws:iam::${accountOf(arn)}:root` || p === accountOf(arn),
  );
}

function actionMatches(actions: unknown, action: string): boolean {
  return list(actions).some((a) => like(a.toLowerCase(), action.toLowerCase()));
}

type Test = (values: string[], actual: string) => boolean;
const OPERATORS: Record<string, { test: Test; negated?: boolean }> = {
  StringEquals: { test: (v, a) => v.includes(a) },
  StringNotEquals: { test: (v, a) => !v.includes(a), negated: true },
  StringLike: { test: (v, a) => v.some((p) => like(p, a)) },
  StringNotLike: { test: (v, a) => !v.some((p) => like(p, a)), negated: true },
  ArnEquals: { test: (v, a) => v.includes(a) },
  ArnNotEquals: { test: (v, a) => !v.includes(a), negated: true },
  ArnLike: { test: (v, a) => v.some((p) => like(p, a)) },
  ArnNotLike: { test: (v, a) => !v.some((p) => like(p, a)), negated: true },
  Bool: { test: (v, a) => v.includes(a) },
  NumericLessThan: { test: (v, a) => v.some((x) => Number(a) < Number(x)) },
};

function conditionsHold(
  condition: PolicyStatement["Condition"],
  context: Record<string, string>,
): boolean {
  for (const [operatorName, keys] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(keys as Record<string, unknown>)) {
      const actual = context[key];
      if (operatorName === "Null") {
        if ((actual === undefined) !== (String(expected) === "true")) return false;
        continue;
      }
      const [qualifier, baseName] = operatorName.includes(":")
        ? operatorName.split(":")
        : [undefined, operatorName];
      const ifExists = baseName.endsWith("IfExists");
      const operator = OPERATORS[baseName.replace(/IfExists$/, "")];
      if (operator === undefined) throw new Error(`simulator: unknown operator ${operatorName}`);
      if (actual === undefined) {
        // A missing multivalued key: ForAnyValue never matches, ForAllValues always does.
        if (qualifier === "ForAnyValue") return false;
        if (qualifier === "ForAllValues" || ifExists || operator.negated) continue;
        return false;
      }
      if (!operator.test(list(expected).map(String), actual)) return false;
    }
  }
  return true;
}

function matching(
  policy: PolicyDocument | undefined,
  request: Request,
  context: Record<string, string>,
) {
  return (policy?.Statement ?? []).filter(
    (s) =>
      principalMatches(s.Principal, request.principalArn) &&
      actionMatches(s.Action, request.action) &&
      list(s.Resource).some((r) => like(r, request.resource)) &&
      conditionsHold(s.Condition, context),
  );
}

export type Decision = "allowed" | "explicit deny" | "implicit deny";

/**
 * Whether `request` succeeds against a resource policy (owned by `resourceAccount`) and the
 * caller's identity policies. Same account: either policy may allow. Another account: both must.
 */
export function decide(
  request: Request,
  policies: { resource?: PolicyDocument; identity?: PolicyDocument[]; resourceAccount: string },
): Decision {
  const context: Record<string, string> = {
    "aws:PrincipalArn": request.principalArn,
    "aws:PrincipalAccount": accountOf(request.principalArn),
    ...request.context,
  };
  const fromResource = matching(policies.resource, request, context);
  const fromIdentity = (policies.identity ?? []).flatMap((p) => matching(p, request, context));
  if ([...fromResource, ...fromIdentity].some((s) => s.Effect === "Deny")) return "explicit deny";
  const resourceAllows = fromResource.some((s) => s.Effect === "Allow");
  const identityAllows = fromIdentity.some((s) => s.Effect === "Allow");
  const sameAccount = accountOf(request.principalArn) === policies.resourceAccount;
  const allowed = sameAccount ? resourceAllows || identityAllows : resourceAllows && identityAllows;
  return allowed ? "allowed" : "implicit deny";
}
