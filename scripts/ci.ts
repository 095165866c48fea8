/**
 * The GitHub workflows' steps, runnable anywhere:
 *
 *   node dist/scripts/ci.js stacks              JSON matrix of the stacks CI plans and applies
 *   node dist/scripts/ci.js scope --base <ref>  which stacks the change from <ref> to the working
 *                                               tree plans, and why (synthesizes the base unless
 *                                               shared files changed); writes cdktf.out/plan-scope.json
 *   node dist/scripts/ci.js matrices [--scope <plan-scope.json>] [--base <ref>]
 *                                               the workflows' matrices, one job per account (its
 *                                               stacks in apply order), as shard-N=<json> lines; with
 *                                               --scope only its planned stacks; with --base too
 *                                               (apply) exit 1 when the push changes a stack the
 *                                               scope did not plan
 *   node dist/scripts/ci.js comment-scope [<plan-scope.json>]
 *                                               posts (or updates) the scope comment on the pull request
 *   node dist/scripts/ci.js check-workflows     exit 1 when apply.yml does not run for ci.github.branch
 *   node dist/scripts/ci.js drift <dir>         (drift.yml) the scheduled plans downloaded into <dir>
 *                                               (plan-<account>/<stack>/plan-summary.txt): opens,
 *                                               updates or closes one issue per drifted account
 *                                               (GITHUB_TOKEN); prints each account's state otherwise
 *   node dist/scripts/ci.js plan <stack>        init/validate/plan as the plan role; writes plan.txt,
 *                                               plan.json, plan-summary.txt, reviewed-plan.json;
 *                                               exit 1 on undeclared data loss
 *   node dist/scripts/ci.js comment <stack>     posts the summary on the pull request, or updates the
 *                                               stack's earlier one (GITHUB_TOKEN, GITHUB_REPOSITORY,
 *                                               GITHUB_EVENT_PATH); prints it otherwise
 *   node dist/scripts/ci.js wait-turn           (apply) waits until earlier apply runs of the branch
 *                                               completed (GITHUB_RUN_ID): merges apply in order
 *   node dist/scripts/ci.js reviewed-run <account> | --artifact <name>
 *                                               (on a merge commit) the pull request's plan run, as
 *                                               `run-id=<id>`, once its plan-<account> (or the named)
 *                                               artifact is known to be there and unexpired
 *   node dist/scripts/ci.js apply <stack> [--reviewed <reviewed-plan.json>]
 *                                               plans as the deploy role, refuses a plan whose content
 *                                               differs from the reviewed one or loses data undeclared,
 *                                               applies
 *
 * Data-bearing destructions are declared intended in intended-data-loss.txt at the repository
 * root (`<stack>:<address>` per line), which the pull request changes for review. With state in
 * HCP Terraform / Terraform Enterprise, the token in TF_API_TOKEN is handed to terraform as the
 * configured host's TF_TOKEN_<host>.
 *
 * Run after `npm run synth`; the config is found the same way (PLATFORM_CONFIG, else
 * platform.yaml at the repository root, else the example). The example, or a config that still
 * holds its placeholder account ids, is never planned or applied: `stacks` then lists none (so
 * the workflows skip their jobs) and `plan`/`apply` refuse, saying where the config goes.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadPlatformConfig, placeholderProblems } from "../accounts/config/loader";
import type { PlatformConfig } from "../accounts/config/schema/platform";
import { commentOnPullRequest, findReviewedRun, githubApi, waitTurn } from "../ci/github/api";
import { planComment, scopeComment } from "../ci/github/comment";
import { driftState, readAccountPlans, syncDriftIssues } from "../ci/github/drift";
import {
  parsePlanScope,
  PLAN_SCOPE_FILE,
  scopedAccounts,
  unreviewedStacks,
  type PlanScope,
} from "../ci/plan-scope";
import { scopeFromGit } from "../ci/scope-from-git";
import { ciMatrices } from "../ci/github/matrices";
import { APPLY_WORKFLOW, applyWorkflowProblems } from "../ci/github/workflows";
import {
  applyStack,
  INTENDED_DATA_LOSS,
  planStack,
  readIntendedDataLoss,
  readReviewedPlan,
} from "../ci/runs";
import { ciAccounts, ciStacks, terraformTokenVariable } from "../ci/stacks";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** The state host's token for terraform, from TF_API_TOKEN (HCP Terraform / TFE only). */
function stateHostToken(config: PlatformConfig): Record<string, string> {
  const hcp = config.state.hcpTerraform;
  const token = process.env.TF_API_TOKEN;
  if (hcp === undefined || !token) return {};
  return { [terraformTokenVariable(hcp.hostname)]: token };
}

/** The value after `--flag`, undefined without the flag; throws when the flag has no value. */
function option(args: readonly string[], flag: string, what: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs ${what}`);
  return value;
}

const outdir = () => process.env.CDKTF_OUTDIR || "cdktf.out";
const repositoryRoot = resolve(__dirname, "..", "..");

function readScope(file: string): PlanScope {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "not found (was the plan-scope artifact downloaded?)" : (error as Error).message}`,
    );
  }
  return parsePlanScope(json, file);
}

/** What every command starts from: the config, where it came from, and the stacks CI runs. */
interface Context {
  readonly config: PlatformConfig;
  readonly source: string;
  /** Placeholder values (account ids, repository) that keep CI from running any stack. */
  readonly placeholders: readonly string[];
  readonly stacks: ReturnType<typeof ciStacks>;
}

/** `stacks`: the stacks CI plans and applies, as a JSON matrix. */
function stacksCommand(ctx: Context): number {
  const { placeholders, stacks } = ctx;
  for (const problem of placeholders) process.stderr.write(`ci: no stacks: ${problem}\n`);
  const include = placeholders.length > 0 ? [] : stacks;
  process.stdout.write(`${JSON.stringify({ include })}\n`);
  return 0;
}

/** `scope --base <ref>`: the stacks a change plans, and why; writes the plan-scope file. */
function scopeCommand(ctx: Context, args: string[]): number {
  const { source, placeholders, stacks } = ctx;
  const baseRef = option(args, "--base", "the base commit: --base <ref>");
  if (baseRef === undefined) throw new Error("usage: ci.js scope --base <ref>");
  const scope = scopeFromGit({
    root: repositoryRoot,
    baseRef,
    outdir: outdir(),
    configSource: source,
    ciStacks: placeholders.length > 0 ? [] : stacks.map((s) => s.stack),
    log: (line) => process.stderr.write(`ci scope: ${line}\n`),
  });
  const file = join(outdir(), PLAN_SCOPE_FILE);
  writeFileSync(file, `${JSON.stringify(scope, null, 1)}\n`);
  process.stdout.write(`${scopeComment(scope)}\n`);
  process.stderr.write(
    `ci scope: ${scope.planned.length} of ${stacks.length} stacks planned; ${file}\n`,
  );
  return 0;
}

/** `comment-scope [<file>]`: the scope as the pull request's comment. */
async function commentScopeCommand(_ctx: Context, [file]: string[]): Promise<number> {
  await commentOnPullRequest(
    scopeComment(readScope(file ?? join(outdir(), PLAN_SCOPE_FILE))),
    "plan-scope",
  );
  return 0;
}

/** `matrices [--scope <file> [--base <ref>]]`: the plan/apply matrices, of the reviewed scope when given; refuses a push that changes a stack its pull request did not plan. */
function matricesCommand(ctx: Context, args: string[]): number {
  const { config, source, placeholders, stacks } = ctx;
  for (const problem of placeholders) process.stderr.write(`ci: no accounts: ${problem}\n`);
  let accounts = placeholders.length > 0 ? [] : ciAccounts(config);
  const scopeFile = option(args, "--scope", "the plan scope file: --scope <plan-scope.json>");
  const baseRef = option(args, "--base", "the commit before the push: --base <ref>");
  if (scopeFile !== undefined) {
    const reviewed = readScope(scopeFile);
    if (baseRef !== undefined) {
      const now = scopeFromGit({
        root: repositoryRoot,
        baseRef,
        outdir: outdir(),
        configSource: source,
        ciStacks: stacks.map((s) => s.stack),
        log: (line) => process.stderr.write(`ci matrices: ${line}\n`),
      });
      const unreviewed = unreviewedStacks(reviewed, now);
      if (unreviewed.length > 0) {
        for (const stack of unreviewed) {
          const why = now.planned.find((p) => p.stack === stack)!.because;
          process.stderr.write(
            `ci matrices: NOT APPLIED: this push changes ${stack} (${why}), which its pull request did not plan: re-run the pull request's plan on the current base, or open a pull request for it\n`,
          );
        }
        return 1;
      }
    }
    accounts = scopedAccounts(accounts, reviewed);
    process.stderr.write(
      `ci matrices: ${accounts.length} account(s) of the scope in ${scopeFile}\n`,
    );
  }
  const matrices = ciMatrices(accounts);
  matrices.forEach((m, i) => process.stdout.write(`shard-${i}=${JSON.stringify(m)}\n`));
  return 0;
}

/** `drift <dir>`: one issue per drifted account, closed when clean. */
async function driftCommand(ctx: Context, [dir]: string[]): Promise<number> {
  const { config } = ctx;
  if (dir === undefined) throw new Error("usage: ci.js drift <dir of downloaded plan artifacts>");
  const plans = readAccountPlans(
    dir,
    ciAccounts(config).map((a) => a.account),
  );
  const { GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_RUN_ID } = process.env;
  if (!GITHUB_TOKEN || !GITHUB_REPOSITORY) {
    for (const plan of plans) process.stdout.write(`${plan.account}: ${driftState(plan)}\n`);
    return 0;
  }
  const runUrl = `${GITHUB_SERVER_URL ?? "https://github.com"}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID ?? "?"}`;
  const actions = await syncDriftIssues(githubApi(), GITHUB_REPOSITORY, plans, runUrl);
  for (const line of actions) process.stderr.write(`ci drift: ${line}\n`);
  return 0;
}

/** `check-workflows`: apply.yml agrees with the config. */
function checkWorkflowsCommand(ctx: Context): number {
  const { config } = ctx;
  const problems = applyWorkflowProblems(config, readFileSync(APPLY_WORKFLOW, "utf8"));
  for (const problem of problems) process.stderr.write(`ci check-workflows: ${problem}\n`);
  return problems.length > 0 ? 1 : 0;
}

/** `wait-turn`: waits for every earlier apply run of the branch. */
async function waitTurnCommand(): Promise<number> {
  const waited = await waitTurn(
    githubApi(),
    required("GITHUB_REPOSITORY"),
    Number(required("GITHUB_RUN_ID")),
    { log: (line) => process.stderr.write(`ci wait-turn: ${line}\n`) },
  );
  process.stderr.write(
    `ci wait-turn: ${waited.length === 0 ? "no earlier apply run was in progress" : `earlier runs ${waited.map((n) => `#${n}`).join(", ")} completed`}\n`,
  );
  return 0;
}

/** `reviewed-run <account> | --artifact <name>`: the plan run that reviewed this merge, its artifact present. */
async function reviewedRunCommand(_ctx: Context, [name, ...options]: string[]): Promise<number> {
  const artifact = name === "--artifact" ? options[0] : name && `plan-${name}`;
  if (!artifact) throw new Error("usage: ci.js reviewed-run <account> | --artifact <name>");
  const found = await findReviewedRun(
    githubApi(),
    required("GITHUB_REPOSITORY"),
    required("GITHUB_SHA"),
    { artifact },
  );
  if ("problem" in found) {
    process.stderr.write(`ci reviewed-run: NOT APPLIED: ${found.problem}\n`);
    return 1;
  }
  process.stderr.write(`ci: reviewed in pull request #${found.pullRequest}\n`);
  process.stdout.write(`run-id=${found.runId}\n`);
  return 0;
}

/** `plan|comment <stack>`, `apply <stack> [--reviewed <file>]`: one stack's run. */
async function stackCommand(ctx: Context, [command, name, ...options]: string[]): Promise<number> {
  const { config, placeholders, stacks } = ctx;
  if (placeholders.length > 0 && (command === "plan" || command === "apply")) {
    for (const problem of placeholders) process.stderr.write(`ci ${command}: ${problem}\n`);
    return 1;
  }
  const entry = stacks.find((s) => s.stack === name);
  if (entry === undefined || !["plan", "comment", "apply"].includes(command)) {
    process.stderr.write(
      `usage: ci.js stacks | scope --base <ref> | drift <dir> | matrices [--scope <file> [--base <ref>]] | comment-scope [<file>] | check-workflows | wait-turn | reviewed-run <account> | plan|comment <stack> | apply <stack> [--reviewed <file>]; stacks: ${stacks.map((s) => s.stack).join(", ") || "(no ci in config)"}\n`,
    );
    return 2;
  }
  const dir = join(outdir(), "stacks", entry.stack);
  if (command === "comment") {
    await commentOnPullRequest(planComment(entry.stack, dir, entry.account), `plan:${entry.stack}`);
    return 0;
  }
  const lockFile = join(repositoryRoot, ".terraform.lock.hcl");
  const runOptions = {
    intended: readIntendedDataLoss(INTENDED_DATA_LOSS),
    env: stateHostToken(config),
    lockFile: existsSync(lockFile) ? lockFile : undefined,
  };
  const reviewedFile = option(
    options,
    "--reviewed",
    "the reviewed plan file: --reviewed <reviewed-plan.json>",
  );
  const result =
    command === "plan"
      ? planStack(dir, entry.stack, entry.planRoleArn, runOptions)
      : applyStack(dir, entry.stack, readReviewedPlan(reviewedFile), runOptions);
  process.stdout.write(`${result.report}\n`);
  return result.ok ? 0 : 1;
}

const COMMANDS: Record<string, (ctx: Context, args: string[]) => number | Promise<number>> = {
  stacks: (ctx) => stacksCommand(ctx),
  scope: scopeCommand,
  "comment-scope": commentScopeCommand,
  matrices: matricesCommand,
  drift: driftCommand,
  "check-workflows": (ctx) => checkWorkflowsCommand(ctx),
  "wait-turn": () => waitTurnCommand(),
  "reviewed-run": reviewedRunCommand,
};

async function main(args: string[]): Promise<number> {
  const { config, source } = loadPlatformConfig(process.env);
  const placeholders = placeholderProblems(config, source);
  process.stderr.write(`ci: platform config from ${source}\n`);
  const ctx: Context = { config, source, placeholders, stacks: ciStacks(config) };
  const command = COMMANDS[args[0]];
  return command === undefined ? stackCommand(ctx, args) : command(ctx, args.slice(1));
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`ci: ${error.message}\n`);
    process.exitCode = 2;
  },
);
