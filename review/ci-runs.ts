import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PlatformConfig } from "../accounts/config/schema/platform";
import { bootstrapStateIsRemote } from "../accounts/config/schema/state";
import { namingInput } from "../accounts/naming";
import { AccountNames } from "../accounts/naming";
import {
  formatPlanSummary,
  summarizePlan,
  unintendedDataLoss,
  type StackPlanSummary,
} from "./plan-summary";

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

/** The stacks CI plans and applies: account stacks, and bootstrap stacks once their state is remote (S3 or HCP Terraform). */
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
    if (bootstrapStateIsRemote(config.state))
      stacks.unshift({ stack: `${account}-bootstrap`, ...entry });
    return stacks;
  });
}

/** One CI job: an account's stacks in apply order (bootstrap first), all run with its roles. */
export interface CiAccount {
  readonly account: string;
  /** Space-separated, for a shell loop in the job: `dev-bootstrap dev`. */
  readonly stacks: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  readonly environment: string;
}

/** GitHub Actions runs at most 256 jobs from one matrix. */
export const MATRIX_MAX_JOBS = 256;
/** The plan and apply workflows each have this many matrix jobs (shard-0 ... shard-3). */
export const CI_SHARDS = 4;

/** The accounts CI plans and applies, one job each: both of an account's stacks share its roles. */
export function ciAccounts(config: PlatformConfig): CiAccount[] {
  const byAccount = new Map<string, CiStack[]>();
  for (const stack of ciStacks(config)) {
    byAccount.set(stack.account, [...(byAccount.get(stack.account) ?? []), stack]);
  }
  return [...byAccount.values()].map((stacks) => {
    const { account, region, planRoleArn, applyRoleArn, environment } = stacks[0];
    const ids = stacks.map((s) => s.stack).join(" ");
    return { account, stacks: ids, region, planRoleArn, applyRoleArn, environment };
  });
}

/**
 * The GitHub Actions matrices of the plan and apply workflows: `CI_SHARDS` matrices of at most
 * `MATRIX_MAX_JOBS` accounts each, filled in config order (so a small platform uses shard-0
 * only and the other jobs are skipped). Throws, naming the limit, for more accounts than fit.
 */
export function ciMatrices(accounts: CiAccount[]): { include: CiAccount[] }[] {
  if (accounts.length > CI_SHARDS * MATRIX_MAX_JOBS) {
    throw new Error(
      `${accounts.length} accounts with CI: the workflows run at most ${CI_SHARDS} matrices of ${MATRIX_MAX_JOBS} jobs (${CI_SHARDS * MATRIX_MAX_JOBS} accounts); add shard jobs to .github/workflows/plan.yml and apply.yml and raise CI_SHARDS`,
    );
  }
  return Array.from({ length: CI_SHARDS }, (_, i) => ({
    include: accounts.slice(i * MATRIX_MAX_JOBS, (i + 1) * MATRIX_MAX_JOBS),
  }));
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
  intended: ReadonlySet<string> = new Set(),
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
  const report = formatPlanSummary(summary, intendedFor(stack, intended));
  writeFileSync(join(stackDir, PLAN_REPORT), `${report}\n`);
  writeFileSync(
    join(stackDir, REVIEWED_PLAN),
    `${JSON.stringify(fingerprint(summary), null, 2)}\n`,
  );
  return { ok: unintendedDataLoss([summary], intended).length === 0, report };
}

/** What a reviewer approved: every change of the plan, by address and kind. */
export interface ReviewedPlan {
  readonly stack: string;
  readonly changes: readonly { readonly address: string; readonly kind: string }[];
}

/** The file the plan job leaves beside the plan (and in its artifact) for the apply job. */
export const REVIEWED_PLAN = "reviewed-plan.json";

function fingerprint(summary: StackPlanSummary): ReviewedPlan {
  return {
    stack: summary.stack,
    changes: summary.changes
      .map((c) => ({ address: c.address, kind: c.kind }))
      .sort((a, b) => a.address.localeCompare(b.address)),
  };
}

/** How the plan about to be applied differs from the reviewed one; empty when it is the same. */
export function planDifferences(reviewed: ReviewedPlan, now: ReviewedPlan): string[] {
  const before = new Map(reviewed.changes.map((c) => [c.address, c.kind]));
  const after = new Map(now.changes.map((c) => [c.address, c.kind]));
  const lines: string[] = [];
  for (const [address, kind] of after) {
    if (!before.has(address)) lines.push(`  + ${kind} ${address}: not in the reviewed plan`);
    else if (before.get(address) !== kind)
      lines.push(`  ~ ${address}: reviewed as ${before.get(address)}, now ${kind}`);
  }
  for (const [address, kind] of before) {
    if (!after.has(address)) lines.push(`  - ${kind} ${address}: reviewed, no longer planned`);
  }
  return lines;
}

/**
 * Data-bearing destructions declared intended, one `<stack>:<address>` per line (`#` comments),
 * in a file the pull request itself changes, so the declaration is reviewed with the plan.
 */
export function readIntendedDataLoss(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter((line) => line.length > 0),
  );
}

/** The intended addresses of one stack (`<stack>:<address>` entries, without the stack). */
function intendedFor(stack: string, intended: ReadonlySet<string>): Set<string> {
  return new Set(
    [...intended].filter((i) => i.startsWith(`${stack}:`)).map((i) => i.slice(stack.length + 1)),
  );
}

/**
 * Applies one stack as the deploy role (assumed from the CI apply role's credentials), and only
 * what was reviewed: plans afresh into a saved plan, refuses when it destroys a data-bearing
 * resource nobody declared intended or when it differs from the reviewed plan (or there is no
 * reviewed plan: the change did not come through a pull request whose plan job ran), and then
 * applies exactly that saved plan.
 */
export function applyStack(
  stackDir: string,
  stack: string,
  reviewed: ReviewedPlan | undefined,
  intended: ReadonlySet<string> = new Set(),
  bin = "terraform",
): RunResult {
  const steps: [string, string[]][] = [
    ["init", ["init", "-input=false", "-no-color"]],
    ["plan", ["plan", "-input=false", "-no-color", "-lock-timeout=5m", "-out=apply.tfplan"]],
  ];
  for (const [name, args] of steps) {
    const r = terraform(bin, args, stackDir);
    if (r.status !== 0)
      return { ok: false, report: `${stack}: terraform ${name} FAILED\n${r.stdout}${r.stderr}` };
  }
  const json = terraform(bin, ["show", "-json", "apply.tfplan"], stackDir);
  if (json.status !== 0)
    return { ok: false, report: `${stack}: terraform show FAILED\n${json.stderr}` };
  const summary = summarizePlan(stack, JSON.parse(json.stdout));
  const loss = unintendedDataLoss([summary], intended);
  if (loss.length > 0) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: it would destroy data nobody declared intended:\n${loss.map((c) => `  ${c.kind} ${c.address}`).join("\n")}`,
    };
  }
  if (reviewed === undefined) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: no reviewed plan (changes reach this branch through a pull request whose plan job ran)`,
    };
  }
  const differences = planDifferences(reviewed, fingerprint(summary));
  if (differences.length > 0) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: the plan differs from the reviewed one (re-run the pull request's plan):\n${differences.join("\n")}`,
    };
  }
  const apply = terraform(
    bin,
    ["apply", "-input=false", "-no-color", "-lock-timeout=5m", "apply.tfplan"],
    stackDir,
  );
  if (apply.status !== 0)
    return {
      ok: false,
      report: `${stack}: terraform apply FAILED\n${apply.stdout}${apply.stderr}`,
    };
  return {
    ok: true,
    report: `${stack}: applied the reviewed plan (${summary.changes.length} changes)`,
  };
}

/** The pull request a merge commit came from, and the plan workflow run of its last commit. */
export async function findReviewedRun(
  api: (path: string) => Promise<unknown>,
  repository: string,
  sha: string,
  workflow = "plan.yml",
): Promise<{ pullRequest: number; runId: number } | undefined> {
  const pulls = (await api(`/repos/${repository}/commits/${sha}/pulls`)) as {
    number: number;
    merged_at: string | null;
    head: { sha: string };
  }[];
  const pull = pulls.find((p) => p.merged_at !== null);
  if (pull === undefined) return undefined;
  const runs = (await api(
    `/repos/${repository}/actions/workflows/${workflow}/runs?head_sha=${pull.head.sha}&event=pull_request&status=success&per_page=1`,
  )) as { workflow_runs: { id: number }[] };
  const run = runs.workflow_runs[0];
  return run === undefined ? undefined : { pullRequest: pull.number, runId: run.id };
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
