import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PlatformConfig } from "../accounts/config/schema/platform";
import { namingInput } from "../accounts/naming";
import { AccountNames } from "../accounts/naming";
import { formatPlanSummary, summarizePlan, unintendedDataLoss } from "./plan-summary";

/**
 * The logic of the GitHub workflows, as functions that run (and are tested) outside GitHub:
 * which stacks CI plans and applies, and the plan and apply runs of one stack.
 */

export interface CiStack {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** GitHub environment the apply job runs in. */
  readonly environment: string;
}

/** The stacks CI plans and applies: account stacks, and bootstrap stacks once their state is in S3. */
export function ciStacks(config: PlatformConfig): CiStack[] {
  const github = config.ci?.github;
  if (github === undefined) return [];
  return Object.keys(config.accounts).flatMap((account) => {
    const names = new AccountNames(namingInput(config, account));
    const entry = {
      account,
      region: config.region,
      planRoleArn: names.ciPlanRoleArn,
      applyRoleArn: names.roleArn(names.ciApplyRoleName),
      environment: github.environments[account] ?? account,
    };
    const stacks = [{ stack: account, ...entry }];
    if (config.state.bootstrapBackend === "s3")
      stacks.unshift({ stack: `${account}-bootstrap`, ...entry });
    return stacks;
  });
}

export interface RunResult {
  readonly ok: boolean;
  /** What the run prints (and the PR comment carries). */
  readonly report: string;
}

function terraform(
  bin: string,
  args: string[],
  cwd: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1" },
  });
  if (r.error) throw new Error(`${bin} could not run: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Plans one stack as the CI plan role: init with the backend assuming the plan role, validate,
 * plan with the provider assuming it, and save the text and JSON plans and their summary next to
 * the stack. Fails on a terraform error or on unintended destruction of data-bearing resources.
 */
export function planStack(
  stackDir: string,
  stack: string,
  planRoleArn: string,
  bin = "terraform",
): RunResult {
  writeFileSync(
    join(stackDir, "plan.s3.tfbackend"),
    `assume_role = { role_arn = "${planRoleArn}" }\n`,
  );
  const steps: [string, string[]][] = [
    ["init", ["init", "-input=false", "-no-color", "-backend-config=plan.s3.tfbackend"]],
    ["validate", ["validate", "-no-color"]],
    [
      "plan",
      [
        "plan",
        "-input=false",
        "-no-color",
        "-lock-timeout=5m",
        `-var=aws_role_arn=${planRoleArn}`,
        "-out=plan.tfplan",
      ],
    ],
  ];
  // A failed run still leaves its report where the comment step reads it.
  const failed = (report: string): RunResult => {
    writeFileSync(join(stackDir, PLAN_REPORT), `${report}\n`);
    return { ok: false, report };
  };
  for (const [name, args] of steps) {
    const r = terraform(bin, args, stackDir);
    if (r.status !== 0) return failed(`${stack}: terraform ${name} FAILED\n${r.stdout}${r.stderr}`);
  }
  const text = terraform(bin, ["show", "-no-color", "plan.tfplan"], stackDir);
  const json = terraform(bin, ["show", "-json", "plan.tfplan"], stackDir);
  if (text.status !== 0 || json.status !== 0)
    return failed(`${stack}: terraform show FAILED\n${text.stderr}${json.stderr}`);
  writeFileSync(join(stackDir, "plan.txt"), text.stdout);
  writeFileSync(join(stackDir, "plan.json"), json.stdout);
  const summary = summarizePlan(stack, JSON.parse(json.stdout));
  const report = formatPlanSummary(summary);
  writeFileSync(join(stackDir, PLAN_REPORT), `${report}\n`);
  return { ok: unintendedDataLoss([summary], new Set()).length === 0, report };
}

/** Applies one stack as the deploy role (assumed from the CI apply role's credentials). */
export function applyStack(stackDir: string, stack: string, bin = "terraform"): RunResult {
  for (const args of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-input=false", "-no-color", "-auto-approve", "-lock-timeout=5m"],
  ]) {
    const r = terraform(bin, args, stackDir);
    if (r.status !== 0)
      return { ok: false, report: `${stack}: terraform ${args[0]} failed\n${r.stdout}${r.stderr}` };
  }
  return { ok: true, report: `${stack}: applied` };
}

/** Where a plan run leaves its summary, or its failure: what the pull request comment shows. */
export const PLAN_REPORT = "plan-summary.txt";

/** GitHub refuses comments over 65,536 characters; the head of a long failure is what matters. */
const COMMENT_REPORT_MAX = 60_000;

/**
 * The pull request comment for one stack's plan: its summary, or why it failed (also when the
 * run stopped before writing anything).
 */
export function planComment(stack: string, stackDir: string): string {
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
    "Full plan: the `plan-" + stack + "` artifact.",
  ].join("\n");
}
