import { createHash } from "node:crypto";

/**
 * What a reviewer approves when they approve a pull request's plan: the plan's content, not its
 * outline. Every planned change (address, actions, reason, values before and after, which values
 * are unknown until apply, the paths that force replacement) and every changed output. The apply
 * job plans afresh and applies only when its plan has exactly this content: a changed value on an
 * address the review already listed (a Studio user's role, a policy's condition) is a difference
 * like any other, and the refusal names the address, the path and both values.
 *
 * Values Terraform marks sensitive are kept as digests, so the file (a workflow artifact) holds
 * no secret and still tells a changed secret from an unchanged one.
 */

/** Plan JSON as `terraform show -json <planfile>` writes it (the parts the review keeps). */
export interface PlanJsonContent {
  readonly format_version?: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly change: PlanChangeJson & { readonly replace_paths?: unknown };
    readonly action_reason?: string;
  }[];
  readonly output_changes?: Readonly<Record<string, PlanChangeJson>>;
}

interface PlanChangeJson {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

export interface ReviewedChange {
  readonly address: string;
  readonly actions: readonly string[];
  readonly reason?: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  readonly replacePaths?: unknown;
}

/** The file's format; an older file (addresses and kinds only) is refused, never trusted. */
export const REVIEWED_PLAN_FORMAT = 2;

export interface ReviewedPlan {
  readonly format: typeof REVIEWED_PLAN_FORMAT;
  readonly stack: string;
  /** sha256 of the content: what the comment shows and the apply names. */
  readonly digest: string;
  readonly changes: readonly ReviewedChange[];
  readonly outputs: Readonly<Record<string, Omit<ReviewedChange, "address" | "reason">>>;
}

const NO_CHANGE = new Set(["no-op"]);

/** Replaces every value the mask marks sensitive with a digest of it. */
export function maskSensitive(value: unknown, mask: unknown): unknown {
  if (mask === true)
    return `(sensitive sha256:${sha256(canonicalJson(value ?? null)).slice(0, 16)})`;
  if (mask === null || typeof mask !== "object" || value === null || typeof value !== "object")
    return value;
  if (Array.isArray(value)) {
    const m = Array.isArray(mask) ? mask : [];
    return value.map((v, i) => maskSensitive(v, m[i]));
  }
  const m = mask as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskSensitive(v, m[k])]),
  );
}

function content(change: PlanChangeJson) {
  return {
    actions: [...change.actions],
    before: maskSensitive(change.before ?? null, change.before_sensitive),
    after: maskSensitive(change.after ?? null, change.after_sensitive),
    afterUnknown: change.after_unknown ?? null,
  };
}

/** The reviewed content of a plan: every change that is not a no-op, and every changed output. */
export function reviewedPlan(stack: string, plan: PlanJsonContent): ReviewedPlan {
  if (plan.format_version === undefined) {
    throw new Error(
      `${stack}: not a Terraform JSON plan (no format_version); use terraform show -json <planfile>`,
    );
  }
  const changes: ReviewedChange[] = (plan.resource_changes ?? [])
    .filter((rc) => !NO_CHANGE.has(rc.change.actions.join(",")))
    .map((rc) => ({
      address: rc.address,
      ...content(rc.change),
      ...(rc.action_reason === undefined ? {} : { reason: rc.action_reason }),
      ...(rc.change.replace_paths === undefined ? {} : { replacePaths: rc.change.replace_paths }),
    }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const outputs = Object.fromEntries(
    Object.entries(plan.output_changes ?? {})
      .filter(([, c]) => !NO_CHANGE.has(c.actions.join(",")))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, c]) => [name, content(c)]),
  );
  const digest = sha256(canonicalJson({ stack, changes, outputs }));
  return { format: REVIEWED_PLAN_FORMAT, stack, digest, changes, outputs };
}

/** JSON with object keys sorted, so equal content has one text (and one digest). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A value for one line of a refusal: JSON, control characters escaped, long values cut. */
function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value) ?? "null";
  return text.length > 160 ? `${text.slice(0, 150)}... (${text.length} chars)` : text;
}

function pathPart(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The leaf paths where two JSON values differ, each with both values. */
export function valueDifferences(
  reviewed: unknown,
  now: unknown,
  path = "",
): { path: string; reviewed: unknown; now: unknown }[] {
  if (canonicalJson(reviewed ?? null) === canonicalJson(now ?? null)) return [];
  const bothObjects =
    reviewed !== null &&
    now !== null &&
    typeof reviewed === "object" &&
    typeof now === "object" &&
    Array.isArray(reviewed) === Array.isArray(now);
  if (!bothObjects) return [{ path: path || "(whole value)", reviewed, now }];
  if (Array.isArray(reviewed) && Array.isArray(now)) {
    if (reviewed.length !== now.length) return [{ path: path || "(whole value)", reviewed, now }];
    return reviewed.flatMap((r, i) => valueDifferences(r, now[i], `${path}${pathPart(i)}`));
  }
  const a = reviewed as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => valueDifferences(a[k], b[k], `${path}${pathPart(k)}`));
}

/** Lines shown per changed address before the rest is counted. */
const LINES_PER_ADDRESS = 8;

function contentDifferences(
  label: string,
  reviewed: Omit<ReviewedChange, "address">,
  now: Omit<ReviewedChange, "address">,
): string[] {
  const fields = ["before", "after", "afterUnknown", "replacePaths", "reason"] as const;
  const found = fields.flatMap((field) =>
    valueDifferences(reviewed[field], now[field], field).map(
      (d) => `  ~ ${label}: ${d.path}: reviewed ${show(d.reviewed)}, now ${show(d.now)}`,
    ),
  );
  return found.length <= LINES_PER_ADDRESS
    ? found
    : [
        ...found.slice(0, LINES_PER_ADDRESS),
        `  ~ ${label}: ... and ${found.length - LINES_PER_ADDRESS} more differences`,
      ];
}

/**
 * How the plan about to be applied differs from the reviewed one, a line per difference (address,
 * action, path, both values); empty when the content is the same.
 */
export function planDifferences(reviewed: ReviewedPlan, now: ReviewedPlan): string[] {
  const lines: string[] = [];
  if (reviewed.stack !== now.stack)
    lines.push(`  stack: reviewed ${show(reviewed.stack)}, now ${show(now.stack)}`);
  const before = new Map(reviewed.changes.map((c) => [c.address, c]));
  const after = new Map(now.changes.map((c) => [c.address, c]));
  for (const [address, c] of after) {
    const r = before.get(address);
    const actions = c.actions.join(",");
    if (r === undefined) lines.push(`  + ${actions} ${address}: not in the reviewed plan`);
    else if (r.actions.join(",") !== actions)
      lines.push(`  ~ ${address}: reviewed as ${r.actions.join(",")}, now ${actions}`);
    else lines.push(...contentDifferences(address, r, c));
  }
  for (const [address, r] of before) {
    if (!after.has(address))
      lines.push(`  - ${r.actions.join(",")} ${address}: reviewed, no longer planned`);
  }
  const names = [...new Set([...Object.keys(reviewed.outputs), ...Object.keys(now.outputs)])];
  for (const name of names.sort()) {
    const r = reviewed.outputs[name];
    const c = now.outputs[name];
    const label = `output.${name}`;
    if (r === undefined)
      lines.push(`  + ${c.actions.join(",")} ${label}: not in the reviewed plan`);
    else if (c === undefined)
      lines.push(`  - ${r.actions.join(",")} ${label}: reviewed, no longer planned`);
    else if (r.actions.join(",") !== c.actions.join(","))
      lines.push(`  ~ ${label}: reviewed as ${r.actions.join(",")}, now ${c.actions.join(",")}`);
    else lines.push(...contentDifferences(label, r, c));
  }
  return lines;
}

/**
 * Reads a reviewed plan file's JSON, refusing what is not one of this format (an older file, or
 * something else): one line saying what to do.
 */
export function parseReviewedPlan(json: unknown, file: string): ReviewedPlan {
  const plan = json as Partial<ReviewedPlan> | null;
  if (plan === null || typeof plan !== "object" || plan.format !== REVIEWED_PLAN_FORMAT) {
    throw new Error(
      `${file} is not a reviewed plan of format ${REVIEWED_PLAN_FORMAT} (written by an older version of the plan job, or not by it): re-run the pull request's plan workflow`,
    );
  }
  if (!Array.isArray(plan.changes) || typeof plan.outputs !== "object" || plan.outputs === null)
    throw new Error(
      `${file} has no changes list or outputs map: re-run the pull request's plan workflow`,
    );
  return plan as ReviewedPlan;
}
