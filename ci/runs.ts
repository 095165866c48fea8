import { formatPlanCost, planCost, type CostPlanJson } from "../review/plan-cost";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  formatPlanSummary,
  summarizePlan,
  unintendedDataLoss,
  type PlanJson,
} from "../review/plan-summary";
import { failureOutput, runTerraform, type TerraformRun } from "./terraform";
import {
  parseReviewedPlan,
  planDifferences,
  reviewedPlan,
  type PlanJsonContent,
  type ReviewedPlan,
} from "./reviewed-plan";

/**
 * The plan and apply runs of one stack, as CI runs them (and as they are tested, outside any CI
 * system): terraform's output streamed to files, the plan's content saved as the reviewed plan,
 * and an apply that refuses anything but that content.
 */

export interface RunResult {
  readonly ok: boolean;
  /** What the run prints (and the PR comment carries). */
  readonly report: string;
}

/** The file the plan job leaves beside the plan (and in its artifact) for the apply job. */
export const REVIEWED_PLAN = "reviewed-plan.json";
/** Where a plan run leaves its summary, or its failure: what the pull request comment shows. */
export const PLAN_REPORT = "plan-summary.txt";
/** The reviewed file of intended data-bearing destructions, at the repository root. */
export const INTENDED_DATA_LOSS = "intended-data-loss.txt";

/** Which backend a synthesized stack keeps its state in, from its `cdk.tf.json`. */
export type BackendKind = "s3" | "cloud" | "local" | "other";

export function stackBackend(stackDir: string): BackendKind {
  const file = join(stackDir, "cdk.tf.json");
  if (!existsSync(file)) throw new Error(`${file} does not exist: run npm run synth first`);
  const terraform = (
    JSON.parse(readFileSync(file, "utf8")) as { terraform?: Record<string, unknown> }
  ).terraform;
  if (terraform?.cloud !== undefined) return "cloud";
  const backend = Object.keys((terraform?.backend as Record<string, unknown>) ?? {})[0];
  return backend === "s3" || backend === "local" ? backend : "other";
}

export interface RunOptions {
  /** The terraform binary. @default "terraform" */
  readonly bin?: string;
  /** `<stack>:<address>` entries declared intended. @default none */
  readonly intended?: ReadonlySet<string>;
  /** Environment for terraform (the state host's token). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The repository's committed dependency lock file (`.terraform.lock.hcl` at the root, made with
   * `terraform providers lock`): copied into the stack before init, which then installs only
   * packages whose checksums it lists (`-lockfile=readonly`), from the plugin cache or the
   * registry. @default none: init picks the newest provider the stack's constraint allows
   */
  readonly lockFile?: string;
}

/** init's arguments: with a committed lock file, copied in and read-only. */
function initArgs(stackDir: string, lockFile: string | undefined, more: string[] = []): string[] {
  const args = ["init", "-input=false", "-no-color", ...more];
  if (lockFile === undefined) return args;
  copyFileSync(lockFile, join(stackDir, ".terraform.lock.hcl"));
  return [...args, "-lockfile=readonly"];
}

/** How a pull request declares a data-bearing destruction intended: the file and its line. */
function declareInPullRequest(stack: string): (address: string) => string {
  return (address) =>
    `If intended, add the line "${stack}:${address}" to ${INTENDED_DATA_LOSS} at the repository root in this pull request; if not, keep its address (moved block) or restore it.`;
}

/**
 * Plans one stack as the CI plan role: init (an S3 backend assumes the plan role through a
 * backend config file; a `cloud` block takes none, Terraform refuses one), validate, plan with
 * the provider assuming the plan role, and save the text and JSON plans, the summary and the
 * reviewed plan (the plan's content) next to the stack. Fails on a terraform error or on
 * unintended destruction of data-bearing resources.
 */
export function planStack(
  stackDir: string,
  stack: string,
  planRoleArn: string,
  options: RunOptions = {},
): RunResult {
  const { bin = "terraform", intended = new Set<string>(), env, lockFile } = options;
  const backend = stackBackend(stackDir);
  const backendConfig: string[] = [];
  if (backend === "s3") {
    writeFileSync(
      join(stackDir, "plan.s3.tfbackend"),
      `assume_role = { role_arn = "${planRoleArn}" }\n`,
    );
    backendConfig.push("-backend-config=plan.s3.tfbackend");
  }
  const steps: [string, string[]][] = [
    ["init", initArgs(stackDir, lockFile, backendConfig)],
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
    const r = runTerraform(bin, args, stackDir, { env });
    if (r.status !== 0) return failed(`${stack}: terraform ${name} FAILED\n${failureOutput(r)}`);
  }
  const text = runTerraform(bin, ["show", "-no-color", "plan.tfplan"], stackDir, {
    stdoutFile: join(stackDir, "plan.txt"),
    env,
  });
  if (text.status !== 0) return failed(`${stack}: terraform show FAILED\n${failureOutput(text)}`);
  const json = showJson(bin, "plan.tfplan", join(stackDir, "plan.json"), stackDir, env);
  if ("failure" in json) return failed(`${stack}: terraform show -json FAILED\n${json.failure}`);
  const summary = summarizePlan(stack, json.plan as PlanJson);
  const reviewed = reviewedPlan(stack, json.plan);
  const report = [
    formatPlanSummary(summary, intendedFor(stack, intended), declareInPullRequest(stack)),
    formatPlanCost(planCost(json.plan as CostPlanJson)),
    `reviewed plan sha256:${reviewed.digest}`,
  ].join("\n");
  writeFileSync(join(stackDir, PLAN_REPORT), `${report}\n`);
  writeFileSync(join(stackDir, REVIEWED_PLAN), `${JSON.stringify(reviewed, null, 1)}\n`);
  return { ok: unintendedDataLoss([summary], intended).length === 0, report };
}

/** `terraform show -json` of a saved plan, streamed into `file` and parsed from there. */
function showJson(
  bin: string,
  planFile: string,
  file: string,
  cwd: string,
  env?: Readonly<Record<string, string>>,
): { plan: PlanJsonContent } | { failure: string } {
  const r: TerraformRun = runTerraform(bin, ["show", "-json", planFile], cwd, {
    stdoutFile: file,
    env,
  });
  if (r.status !== 0) return { failure: failureOutput(r) };
  try {
    return { plan: JSON.parse(readFileSync(file, "utf8")) as PlanJsonContent };
  } catch (error) {
    return { failure: `${file} is not JSON: ${(error as Error).message}` };
  }
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
 * Reads the reviewed plan file the apply job downloaded; undefined when none was named. A file
 * named but absent is its own error: the artifact was not downloaded, which is not the same as
 * a change that never went through a pull request.
 */
export function readReviewedPlan(file: string | undefined): ReviewedPlan | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file)) {
    throw new Error(
      `${file} does not exist: the pull request's reviewed plan was not downloaded here (ci.js reviewed-run <account> finds its plan-<account> artifact and says why it cannot)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `${file} is not JSON (${(error as Error).message}): re-run the pull request's plan workflow`,
    );
  }
  return parseReviewedPlan(json, file);
}

/**
 * Applies one stack as the deploy role (assumed from the CI apply role's credentials), and only
 * what was reviewed: plans afresh into a saved plan, refuses when it destroys a data-bearing
 * resource nobody declared intended, when there is no reviewed plan, or when its content differs
 * from the reviewed plan's in anything (an address, an action, a value, an output), naming each
 * difference; then applies exactly that saved plan.
 */
export function applyStack(
  stackDir: string,
  stack: string,
  reviewed: ReviewedPlan | undefined,
  options: RunOptions = {},
): RunResult {
  const { bin = "terraform", intended = new Set<string>(), env, lockFile } = options;
  const steps: [string, string[]][] = [
    ["init", initArgs(stackDir, lockFile)],
    ["plan", ["plan", "-input=false", "-no-color", "-lock-timeout=5m", "-out=apply.tfplan"]],
  ];
  for (const [name, args] of steps) {
    const r = runTerraform(bin, args, stackDir, { env });
    if (r.status !== 0)
      return { ok: false, report: `${stack}: terraform ${name} FAILED\n${failureOutput(r)}` };
  }
  const json = showJson(bin, "apply.tfplan", join(stackDir, "apply-plan.json"), stackDir, env);
  if ("failure" in json)
    return { ok: false, report: `${stack}: terraform show -json FAILED\n${json.failure}` };
  const summary = summarizePlan(stack, json.plan as PlanJson);
  const loss = unintendedDataLoss([summary], intended);
  if (loss.length > 0) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: it would destroy data nobody declared intended (declare each as a "${stack}:<address>" line of ${INTENDED_DATA_LOSS} in a pull request):\n${loss.map((c) => `  ${c.kind} ${c.address}`).join("\n")}`,
    };
  }
  if (reviewed === undefined) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: no reviewed plan (changes reach this branch through a pull request whose plan job ran)`,
    };
  }
  const now = reviewedPlan(stack, json.plan);
  const differences = planDifferences(reviewed, now);
  if (differences.length > 0) {
    return {
      ok: false,
      report: `${stack}: NOT APPLIED: the plan differs from the reviewed one (sha256:${reviewed.digest.slice(0, 12)}); re-run the pull request's plan, or open a pull request whose plan shows these changes:\n${differences.join("\n")}`,
    };
  }
  const apply = runTerraform(
    bin,
    ["apply", "-input=false", "-no-color", "-lock-timeout=5m", "apply.tfplan"],
    stackDir,
    { env },
  );
  if (apply.status !== 0)
    return { ok: false, report: `${stack}: terraform apply FAILED\n${failureOutput(apply)}` };
  return {
    ok: true,
    report: `${stack}: applied the reviewed plan sha256:${reviewed.digest.slice(0, 12)} (${summary.changes.length} changes)`,
  };
}
