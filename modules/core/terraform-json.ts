/* eslint-disable @typescript-eslint/no-explicit-any -- a resource's arguments in Terraform JSON have no static type */
/**
 * Synthesized Terraform JSON (a stack's `cdk.tf.json`): the one typed view that the rule pack, the
 * synthesis (diagrams), the review, CI and the tests read, with the helpers they share.
 */

/** A suppression: one rule, one construct (or stack), a written reason. */
export interface Suppression {
  readonly id: string;
  readonly reason: string;
}

/** One stack's Terraform JSON. */
export interface StackJson {
  /** cdktf's metadata, and the platform's suppressions (`"//".suppressions`). */
  "//"?: { suppressions?: Suppression[]; [key: string]: unknown };
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
  /** Type → name → arguments. */
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
  moved?: { from: string; to: string }[];
}

/** The resources of one type in a stack: name → arguments (none: `{}`). */
export function resourcesOf(stack: StackJson, type: string): Record<string, any> {
  return stack.resource?.[type] ?? {};
}

/** A JSON value that may be one item or a list of them, as a list (none: `[]`). */
export function listOf<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** A reference to a resource's attribute, as synthesized: `${type.name.attribute}`. */
export interface TerraformReference {
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

/** The whole-string reference `${type.name.attribute...}` a value is, if it is one. */
export function referenceOf(value: unknown): TerraformReference | undefined {
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([^}]+)\}$/.exec(String(value));
  return match ? { type: match[1], name: match[2], attribute: match[3] } : undefined;
}
