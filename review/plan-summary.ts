import { DATA_BEARING_RESOURCE_TYPES } from "./address-stability";

/**
 * Summaries of Terraform plans in the JSON format `terraform show -json <planfile>` writes
 * (https://developer.hashicorp.com/terraform/internals/json-format): per stack, what is created,
 * updated, replaced and deleted, and which data-bearing resources would be destroyed.
 */

export interface PlanJson {
  format_version?: string;
  resource_changes?: {
    address: string;
    mode?: "managed" | "data";
    type: string;
    change: { actions: string[] };
    action_reason?: string;
  }[];
}

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly reason?: string;
}

export interface StackPlanSummary {
  readonly stack: string;
  readonly changes: PlannedChange[];
  /** Data-bearing resources that would be destroyed (deleted or replaced). */
  readonly dataLoss: PlannedChange[];
}

/** The kind of change Terraform's action list stands for; undefined for no-op and reads. */
export function changeKind(actions: string[]): ChangeKind | undefined {
  const key = actions.join(",");
  if (key === "create") return "create";
  if (key === "update") return "update";
  if (key === "delete") return "delete";
  if (key === "delete,create" || key === "create,delete") return "replace";
  return undefined;
}

export function summarizePlan(stack: string, plan: PlanJson): StackPlanSummary {
  if (plan.format_version === undefined || !Array.isArray(plan.resource_changes ?? [])) {
    throw new Error(
      `${stack}: not a Terraform JSON plan (no format_version); use terraform show -json <planfile>`,
    );
  }
  const changes: PlannedChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const kind = changeKind(rc.change.actions);
    if (kind === undefined) continue;
    changes.push({ address: rc.address, type: rc.type, kind, reason: rc.action_reason });
  }
  const dataLoss = changes.filter(
    (c) =>
      (c.kind === "delete" || c.kind === "replace") && DATA_BEARING_RESOURCE_TYPES.includes(c.type),
  );
  return { stack, changes, dataLoss };
}

const ORDER: ChangeKind[] = ["create", "update", "replace", "delete"];

/** How to declare a destruction intended, from the command line (`npm run plan-summary`). */
function declareOnCommandLine(address: string): string {
  return `If intended, rerun with --intended ${address}; if not, keep its address (moved block) or restore it.`;
}

/**
 * The text a reviewer reads (and the CI comment posts); `declare` says how to declare a
 * destruction intended where the summary is read (a flag here, a file's line in CI).
 */
export function formatPlanSummary(
  summary: StackPlanSummary,
  intended: ReadonlySet<string> = new Set(),
  declare: (address: string) => string = declareOnCommandLine,
): string {
  const count = (k: ChangeKind) => summary.changes.filter((c) => c.kind === k).length;
  const lines = [`${summary.stack}: ${ORDER.map((k) => `${count(k)} to ${k}`).join(", ")}`];
  for (const kind of ORDER) {
    for (const c of summary.changes.filter((x) => x.kind === kind)) {
      lines.push(`  ${kind.padEnd(7)} ${c.address}${c.reason ? ` (${c.reason})` : ""}`);
    }
  }
  for (const c of summary.dataLoss) {
    lines.push(
      intended.has(c.address)
        ? `  DATA LOSS (intended) ${c.kind} of ${c.address}`
        : `  DATA LOSS ${c.kind} of ${c.address}: a data-bearing resource would be destroyed. ${declare(c.address)}`,
    );
  }
  return lines.join("\n");
}

/** Data-bearing destructions nobody declared intended: any fails the review. */
export function unintendedDataLoss(
  summaries: StackPlanSummary[],
  intended: ReadonlySet<string>,
): PlannedChange[] {
  return summaries.flatMap((s) =>
    s.dataLoss.filter((c) => !intended.has(c.address) && !intended.has(`${s.stack}:${c.address}`)),
  );
}
