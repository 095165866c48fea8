import { Lazy } from "./cdktf";

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

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Renders a policy document; Sids must be unique within it. */
export function renderPolicy(statements: PolicyStatement[]): string {
  const seen = new Set<string>();
  for (const s of statements) {
    if (seen.has(s.Sid)) throw new Error(`policy has two statements with Sid "${s.Sid}"`);
    seen.add(s.Sid);
  }
  return JSON.stringify(policyDocument(statements));
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
 * The statements of a resource policy (key policy, bucket policy, ...) that grows while the
 * construct tree is built and renders when Terraform JSON is written. Refuses a statement that
 * allows every principal without a condition.
 */
export class ResourcePolicy {
  private readonly list: PolicyStatement[] = [];

  /** @param owner construct path named in errors */
  constructor(private readonly owner: string) {}

  add(...statements: PolicyStatement[]): void {
    for (const statement of statements) {
      assertNoUnconditionedWildcard(statement, this.owner);
      this.list.push(statement);
    }
  }

  /** A string token that renders the policy JSON at synthesis, after every statement is in. */
  toJsonToken(): string {
    return Lazy.stringValue({ produce: () => renderPolicy(this.list) });
  }
}
