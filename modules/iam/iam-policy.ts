import { Fn, Lazy, Token } from "../core/cdktf";
import { AWS_LIMITS } from "../core/limits";

/**
 * IAM policy documents as typed data. Policies are rendered to JSON by the construct that owns
 * them, so tests can parse and inspect every statement, and Terraform sees plain JSON with
 * references interpolated into it.
 */

export type OneOrMany<T> = T | T[];

export type PolicyPrincipal =
  | "*"
  | {
      AWS?: OneOrMany<string>;
      Service?: OneOrMany<string>;
      Federated?: OneOrMany<string>;
    };

export type ConditionValue = OneOrMany<string> | boolean;

/** Condition operator → condition key → value(s). */
export type PolicyConditions = Record<string, Record<string, ConditionValue>>;

export interface PolicyStatement {
  /** Statement id; every statement the platform writes has one, so reviews can name it. */
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: PolicyPrincipal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: PolicyConditions;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * An IAM policy variable (`${aws:PrincipalTag/team}`), escaped so Terraform writes it into the
 * policy as it is instead of reading it as an interpolation.
 */
export function iamPolicyVariable(key: string): string {
  return `$\${${key}}`;
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * A statement that is in the policy only when a Terraform condition holds: how a module exported
 * for Terraform teams (see modules/terraform-export) expresses an optional input, such as a
 * VPC endpoint id that may be null.
 */
export interface PolicyEntry {
  readonly statement: PolicyStatement;
  /** A boolean Terraform expression (`Op.neq(variable, Token.nullValue())`). @default always */
  readonly when?: unknown;
}

/** Whether a value holds a list or number that Terraform only knows at plan time. */
function holdsUnresolvedCollection(value: unknown): boolean {
  if (typeof value === "number") return Token.isUnresolved(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) {
    return Token.isUnresolved(value) || value.some((v) => holdsUnresolvedCollection(v));
  }
  if (Token.isUnresolved(value)) return true;
  return Object.values(value).some((v) => holdsUnresolvedCollection(v));
}

/**
 * Renders a policy document; Sids must be unique within it. Plain JSON (references interpolated
 * into strings) whenever it can be; through Terraform's `jsonencode()` when a statement holds a
 * list known only at plan time (`var.administrator_arns`) or exists only under a condition.
 */
export function renderPolicy(statements: readonly (PolicyStatement | PolicyEntry)[]): string {
  const entries = statements.map((s) => ("statement" in s ? s : { statement: s }));
  const seen = new Set<string>();
  for (const { statement } of entries) {
    if (seen.has(statement.Sid)) {
      throw new Error(`policy has two statements with Sid "${statement.Sid}"`);
    }
    seen.add(statement.Sid);
  }
  const plain = entries.map((e) => e.statement);
  const conditional = entries.some((e) => e.when !== undefined);
  if (!conditional && !holdsUnresolvedCollection(plain)) {
    return JSON.stringify(policyDocument(plain));
  }
  if (!conditional) return Fn.jsonencode(policyDocument(plain));
  // concat([always...], cond ? [statement] : [], ...): statements keep their order.
  const parts: unknown[] = [];
  let always: PolicyStatement[] | undefined;
  for (const e of entries) {
    if (e.when === undefined) {
      if (always === undefined) parts.push((always = []));
      always.push(e.statement);
    } else {
      always = undefined;
      parts.push(Fn.conditional(e.when, [e.statement], []));
    }
  }
  return Fn.jsonencode({ Version: "2012-10-17", Statement: Fn.concat(parts) });
}

function asList<T>(value: OneOrMany<T> | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a statement names every principal (`"*"` or `{AWS: "*"}`). */
export function hasWildcardPrincipal(statement: PolicyStatement): boolean {
  const p = statement.Principal;
  if (p === undefined) return false;
  if (p === "*") return true;
  return asList(p.AWS).includes("*");
}

/**
 * Throws when an Allow statement grants to every principal without a condition: the one shape
 * of resource policy that makes a resource public.
 */
export function assertNoUnconditionedWildcard(statement: PolicyStatement, owner: string): void {
  if (
    statement.Effect === "Allow" &&
    hasWildcardPrincipal(statement) &&
    Object.keys(statement.Condition ?? {}).length === 0
  ) {
    throw new Error(
      `${owner}: statement "${statement.Sid}" allows every principal ("*") without a condition; name the principals or add a condition`,
    );
  }
}

/**
 * The size AWS will count for a rendered policy: whitespace excluded, each Terraform reference
 * counted as the longest ARN it can stand for.
 */
export function estimatedPolicySize(rendered: string): number {
  return rendered.replace(/\$\{[^}]*\}/g, "x".repeat(100)).replace(/\s/g, "").length;
}

/** Resource policy size quotas: S3 bucket policies 20 KB, KMS key policies 32 KB. */
export const BUCKET_POLICY_MAX_CHARS = AWS_LIMITS.s3.bucketPolicyChars;
export const KEY_POLICY_MAX_CHARS = AWS_LIMITS.kms.keyPolicyChars;

/**
 * The statements of a resource policy (key policy, bucket policy, ...) that grows while the
 * construct tree is built and renders when Terraform JSON is written. Refuses a statement that
 * allows every principal without a condition.
 */
export class ResourcePolicy {
  private readonly list: PolicyEntry[] = [];

  /** @param owner construct path named in errors */
  constructor(private readonly owner: string) {}

  /**
   * A synthesis error when the rendered policy exceeds `maxChars` (the service's quota), naming
   * the policy and its size; undefined when it fits.
   */
  sizeProblem(maxChars: number, what: string): string | undefined {
    const size = estimatedPolicySize(renderPolicy(this.list));
    return size > maxChars
      ? `${this.owner}: the ${what} is about ${size} characters; AWS allows ${maxChars}: grant fewer principals, or by pattern or account`
      : undefined;
  }

  add(...statements: PolicyStatement[]): void {
    for (const statement of statements) {
      assertNoUnconditionedWildcard(statement, this.owner);
      this.list.push({ statement });
    }
  }

  /** Adds a statement that Terraform includes only when `condition` (a boolean expression) holds. */
  addWhen(condition: unknown, statement: PolicyStatement): void {
    assertNoUnconditionedWildcard(statement, this.owner);
    this.list.push({ statement, when: condition });
  }

  /** A string token that renders the policy JSON at synthesis, after every statement is in. */
  toJsonToken(): string {
    return Lazy.stringValue({ produce: () => renderPolicy(this.list) });
  }
}
