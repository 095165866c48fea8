/**
 * The GitHub workflows' steps, runnable anywhere:
 *
 *   node dist/scripts/ci.js stacks              JSON matrix of the stacks CI plans and applies
 *   node dist/scripts/ci.js matrices            the workflows' matrices, one job per account (its
 *                                               stacks in apply order), as shard-N=<json> lines
 *   node dist/scripts/ci.js check-workflows     exit 1 when apply.yml does not run for ci.github.branch
 *   node dist/scripts/ci.js plan <stack>        init/validate/plan as the plan role; writes plan.txt,
 *                                               plan.json, plan-summary.txt, reviewed-plan.json;
 *                                               exit 1 on undeclared data loss
 *   node dist/scripts/ci.js comment <stack>     posts the summary on the pull request (GITHUB_TOKEN,
 *                                               GITHUB_REPOSITORY, GITHUB_EVENT_PATH); prints it otherwise
 *   node dist/scripts/ci.js wait-turn           (apply) waits until earlier apply runs of the branch
 *                                               completed (GITHUB_RUN_ID): merges apply in order
 *   node dist/scripts/ci.js reviewed-run <account>
 *                                               (on a merge commit) the pull request's plan run, as
 *                                               `run-id=<id>`, once its plan-<account> artifact is
 *                                               known to be there and unexpired
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
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadPlatformConfig, placeholderProblems } from "../accounts/config/loader";
import type { PlatformConfig } from "../accounts/config/schema/platform";
import { findReviewedRun, githubApi, postComment, waitTurn } from "../ci/github/api";
import { planComment } from "../ci/github/comment";
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

async function main([command, name, ...options]: string[]): Promise<number> {
  const { config, source } = loadPlatformConfig(process.env);
  const placeholders = placeholderProblems(config, source);
  process.stderr.write(`ci: platform config from ${source}\n`);
  const stacks = ciStacks(config);
  if (command === "stacks") {
    for (const problem of placeholders) process.stderr.write(`ci: no stacks: ${problem}\n`);
    const include = placeholders.length > 0 ? [] : stacks;
    process.stdout.write(`${JSON.stringify({ include })}\n`);
    return 0;
  }
  if (command === "matrices") {
    for (const problem of placeholders) process.stderr.write(`ci: no accounts: ${problem}\n`);
    const matrices = ciMatrices(placeholders.length > 0 ? [] : ciAccounts(config));
    matrices.forEach((m, i) => process.stdout.write(`shard-${i}=${JSON.stringify(m)}\n`));
    return 0;
  }
  if (command === "check-workflows") {
    const problems = applyWorkflowProblems(config, readFileSync(APPLY_WORKFLOW, "utf8"));
    for (const problem of problems) process.stderr.write(`ci check-workflows: ${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  }
  if (command === "wait-turn") {
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
  if (command === "reviewed-run") {
    if (name === undefined) throw new Error("usage: ci.js reviewed-run <account>");
    const found = await findReviewedRun(
      githubApi(),
      required("GITHUB_REPOSITORY"),
      required("GITHUB_SHA"),
      { artifact: `plan-${name}` },
    );
    if ("problem" in found) {
      process.stderr.write(`ci reviewed-run: NOT APPLIED: ${found.problem}\n`);
      return 1;
    }
    process.stderr.write(`ci: reviewed in pull request #${found.pullRequest}\n`);
    process.stdout.write(`run-id=${found.runId}\n`);
    return 0;
  }
  if (placeholders.length > 0 && (command === "plan" || command === "apply")) {
    for (const problem of placeholders) process.stderr.write(`ci ${command}: ${problem}\n`);
    return 1;
  }
  const entry = stacks.find((s) => s.stack === name);
  if (entry === undefined || !["plan", "comment", "apply"].includes(command)) {
    process.stderr.write(
      `usage: ci.js stacks | matrices | check-workflows | wait-turn | reviewed-run <account> | plan|comment <stack> | apply <stack> [--reviewed <file>]; stacks: ${stacks.map((s) => s.stack).join(", ") || "(no ci in config)"}\n`,
    );
    return 2;
  }
  const dir = join(process.env.CDKTF_OUTDIR || "cdktf.out", "stacks", entry.stack);
  if (command === "comment") {
    const body = planComment(entry.stack, dir, entry.account);
    const repository = process.env.GITHUB_REPOSITORY;
    const eventPath = process.env.GITHUB_EVENT_PATH;
    const number = eventPath
      ? (JSON.parse(readFileSync(eventPath, "utf8")).pull_request?.number as number | undefined)
      : undefined;
    if (!process.env.GITHUB_TOKEN || !repository || number === undefined) {
      process.stdout.write(
        `${body}\n(no GITHUB_TOKEN, GITHUB_REPOSITORY or pull request event: printed, not posted)\n`,
      );
      return 0;
    }
    await postComment(githubApi(), repository, number, body);
    return 0;
  }
  const runOptions = {
    intended: readIntendedDataLoss(INTENDED_DATA_LOSS),
    env: stateHostToken(config),
  };
  const at = options.indexOf("--reviewed");
  if (at >= 0 && (options[at + 1] === undefined || options[at + 1].startsWith("--"))) {
    throw new Error("--reviewed needs the reviewed plan file: --reviewed <reviewed-plan.json>");
  }
  const result =
    command === "plan"
      ? planStack(dir, entry.stack, entry.planRoleArn, runOptions)
      : applyStack(
          dir,
          entry.stack,
          readReviewedPlan(at >= 0 ? options[at + 1] : undefined),
          runOptions,
        );
  process.stdout.write(`${result.report}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`ci: ${error.message}\n`);
    process.exitCode = 2;
  },
);
