/**
 * The GitHub workflows' steps, runnable anywhere:
 *
 *   node dist/scripts/ci.js stacks              JSON matrix of the stacks CI plans and applies
 *   node dist/scripts/ci.js matrices            the workflows' matrices, one job per account (its
 *                                               stacks in apply order), as shard-N=<json> lines
 *   node dist/scripts/ci.js plan <stack>        init/validate/plan as the plan role; writes plan.txt,
 *                                               plan.json, plan-summary.txt; exit 1 on data loss
 *   node dist/scripts/ci.js comment <stack>     posts the summary on the pull request (GITHUB_TOKEN,
 *                                               GITHUB_REPOSITORY, GITHUB_EVENT_PATH); prints it otherwise
 *   node dist/scripts/ci.js reviewed-run        (on a merge commit) the pull request's plan workflow
 *                                               run, as `run-id=<id>` for the artifact download
 *   node dist/scripts/ci.js apply <stack> [--reviewed <reviewed-plan.json>]
 *                                               plans as the deploy role, refuses a plan that differs
 *                                               from the reviewed one or loses data undeclared, applies
 *
 * Data-bearing destructions are declared intended in intended-data-loss.txt at the repository
 * root (`<stack>:<address>` per line), which the pull request changes for review.
 *
 * Run after `npm run synth`; the config is found the same way (PLATFORM_CONFIG, else
 * platform.yaml at the repository root, else the example). The example, or a config that still
 * holds its placeholder account ids, is never planned or applied: `stacks` then lists none (so
 * the workflows skip their jobs) and `plan`/`apply` refuse, saying where the config goes.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  applyStack,
  ciAccounts,
  ciMatrices,
  ciStacks,
  findReviewedRun,
  planComment,
  planStack,
  readIntendedDataLoss,
  type ReviewedPlan,
} from "../review/ci-runs";

const INTENDED_DATA_LOSS = "intended-data-loss.txt";

/** GitHub's REST API with the workflow's token. */
async function githubApi(path: string): Promise<unknown> {
  const token = process.env.GITHUB_TOKEN;
  if (!token) throw new Error("GITHUB_TOKEN is not set");
  const response = await fetch(`https://api.github.com${path}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json" },
  });
  if (!response.ok) throw new Error(`GitHub answered ${response.status} for ${path}`);
  return response.json();
}
import { loadPlatformConfig, placeholderProblems } from "../accounts/config/loader";

async function postComment(body: string): Promise<void> {
  const token = process.env.GITHUB_TOKEN;
  const repository = process.env.GITHUB_REPOSITORY;
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!token || !repository || !eventPath) {
    process.stdout.write(
      `${body}\n(no GITHUB_TOKEN/GITHUB_REPOSITORY/GITHUB_EVENT_PATH: printed, not posted)\n`,
    );
    return;
  }
  const number = JSON.parse(readFileSync(eventPath, "utf8")).pull_request?.number;
  if (number === undefined) throw new Error("the event has no pull_request number");
  const response = await fetch(
    `https://api.github.com/repos/${repository}/issues/${number}/comments`,
    {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json" },
      body: JSON.stringify({ body }),
    },
  );
  if (!response.ok) throw new Error(`GitHub answered ${response.status}: ${await response.text()}`);
}

async function main([command, stack, ...options]: string[]): Promise<number> {
  const { config, source } = loadPlatformConfig(process.env);
  const placeholders = placeholderProblems(config, source);
  process.stderr.write(`ci: platform config from ${source}\n`);
  const stacks = ciStacks(config);
  if (command === "reviewed-run") {
    const repository = process.env.GITHUB_REPOSITORY;
    const sha = process.env.GITHUB_SHA;
    if (!repository || !sha) throw new Error("GITHUB_REPOSITORY and GITHUB_SHA must be set");
    const found = await findReviewedRun(githubApi, repository, sha);
    if (found === undefined) {
      process.stderr.write(`ci: ${sha} did not come from a pull request with a successful plan\n`);
      return 1;
    }
    process.stderr.write(`ci: reviewed in pull request #${found.pullRequest}\n`);
    process.stdout.write(`run-id=${found.runId}\n`);
    return 0;
  }
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
  if (placeholders.length > 0 && (command === "plan" || command === "apply")) {
    for (const problem of placeholders) process.stderr.write(`ci ${command}: ${problem}\n`);
    return 1;
  }
  const entry = stacks.find((s) => s.stack === stack);
  if (entry === undefined || !["plan", "comment", "apply"].includes(command)) {
    process.stderr.write(
      `usage: ci.js stacks | matrices | reviewed-run | plan|comment <stack> | apply <stack> [--reviewed <file>]; stacks: ${stacks.map((s) => s.stack).join(", ") || "(no ci in config)"}\n`,
    );
    return 2;
  }
  const dir = join(process.env.CDKTF_OUTDIR || "cdktf.out", "stacks", entry.stack);
  if (command === "comment") {
    await postComment(planComment(entry.stack, dir));
    return 0;
  }
  const intended = readIntendedDataLoss(INTENDED_DATA_LOSS);
  const at = options.indexOf("--reviewed");
  const reviewedFile = at >= 0 ? options[at + 1] : undefined;
  const reviewed =
    reviewedFile !== undefined && existsSync(reviewedFile)
      ? (JSON.parse(readFileSync(reviewedFile, "utf8")) as ReviewedPlan)
      : undefined;
  const result =
    command === "plan"
      ? planStack(dir, entry.stack, entry.planRoleArn, "terraform", intended)
      : applyStack(dir, entry.stack, reviewed, intended);
  process.stdout.write(`${result.report}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  },
);
