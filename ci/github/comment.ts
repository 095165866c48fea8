import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlanScope, ScopedStack } from "../plan-scope";
import { PLAN_REPORT } from "../runs";

/** GitHub refuses comments over 65,536 characters; the head of a long failure is what matters. */
const COMMENT_REPORT_MAX = 60_000;

/**
 * The pull request comment for one stack's plan: its summary (with the reviewed plan's digest,
 * which the apply names), or why it failed (also when the run stopped before writing anything).
 * The plan job uploads one artifact per account (`plan-<account>`, all of its stacks).
 */
export function planComment(stack: string, stackDir: string, account = stack): string {
  const file = join(stackDir, PLAN_REPORT);
  const report = existsSync(file)
    ? readFileSync(file, "utf8").trim()
    : `${stack}: the plan job stopped before terraform ran (see the job log)`;
  const summary =
    report.length > COMMENT_REPORT_MAX
      ? `${report.slice(0, COMMENT_REPORT_MAX)}\n... (cut: the whole report is in the job log)`
      : report;
  return [
    `### Terraform plan: \`${stack}\``,
    "",
    "```",
    summary,
    "```",
    "",
    "Full plan: the `plan-" + account + "` artifact.",
  ].join("\n");
}

/** At most this many stacks are listed per section of the scope comment (200 targets: 402 stacks). */
const SCOPE_LIST_MAX = 50;

function scopeList(title: string, stacks: readonly ScopedStack[]): string[] {
  if (stacks.length === 0) return [];
  const shown = stacks.slice(0, SCOPE_LIST_MAX).map((s) => `- \`${s.stack}\`: ${s.because}`);
  const more = stacks.length - shown.length;
  return [
    `**${title}** (${stacks.length})`,
    "",
    ...shown,
    ...(more > 0 ? [`- ... and ${more} more (the \`plan-scope\` artifact lists all)`] : []),
    "",
  ];
}

/**
 * The pull request comment on what the change plans: the stacks planned and why, the stacks
 * skipped and why, changed stacks CI does not plan, and stacks the change removes. The apply
 * after the merge applies exactly the planned set.
 */
export function scopeComment(scope: PlanScope): string {
  const total = scope.planned.length + scope.skipped.length;
  const compared =
    scope.base && scope.head
      ? ` (synthesis of \`${scope.base.slice(0, 12)}\` against \`${scope.head.slice(0, 12)}\`)`
      : "";
  const lead = scope.all
    ? `Every stack is planned: ${total} of ${total}.`
    : `${scope.planned.length} of ${total} stacks planned${compared}; the merge applies exactly these.`;
  return [
    "### Terraform plan scope",
    "",
    lead,
    "",
    ...(scope.all && scope.planned.length > 0
      ? [`Why: ${scope.planned[0].because}`, ""]
      : scopeList("Planned", scope.planned)),
    ...scopeList("Skipped", scope.skipped),
    ...scopeList("Changed, not planned by CI", scope.notInCi),
    ...(scope.removed.length > 0
      ? [
          `**Removed from the config** (${scope.removed.length}): ${scope.removed.map((s) => `\`${s}\``).join(", ")}. CI neither plans nor destroys their resources; run \`cdktf destroy <stack>\` from the base commit if that is intended (data-bearing resources are protected from destroy).`,
          "",
        ]
      : []),
  ]
    .join("\n")
    .trim();
}
