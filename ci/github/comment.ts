import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
