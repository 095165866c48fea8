/**
 * The GitHub workflows' steps, runnable anywhere:
 *
 *   node dist/scripts/ci.js stacks              JSON matrix of the stacks CI plans and applies
 *   node dist/scripts/ci.js plan <stack>        init/validate/plan as the plan role; writes plan.txt,
 *                                               plan.json, plan-summary.txt; exit 1 on data loss
 *   node dist/scripts/ci.js comment <stack>     posts the summary on the pull request (GITHUB_TOKEN,
 *                                               GITHUB_REPOSITORY, GITHUB_EVENT_PATH); prints it otherwise
 *   node dist/scripts/ci.js apply <stack>       init/apply as the deploy role
 *
 * Run after `npm run synth`; the config is found the same way (PLATFORM_CONFIG, else
 * platform.yaml at the repository root, else the example). The example, or a config that still
 * holds its placeholder account ids, is never planned or applied: `stacks` then lists none (so
 * the workflows skip their jobs) and `plan`/`apply` refuse, saying where the config goes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyStack, ciStacks, planComment, planStack } from "../review/ci-runs";
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

async function main([command, stack]: string[]): Promise<number> {
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
  if (placeholders.length > 0 && (command === "plan" || command === "apply")) {
    for (const problem of placeholders) process.stderr.write(`ci ${command}: ${problem}\n`);
    return 1;
  }
  const entry = stacks.find((s) => s.stack === stack);
  if (entry === undefined || !["plan", "comment", "apply"].includes(command)) {
    process.stderr.write(
      `usage: ci.js stacks | plan|comment|apply <stack>; stacks: ${stacks.map((s) => s.stack).join(", ") || "(no ci in config)"}\n`,
    );
    return 2;
  }
  const dir = join(process.env.CDKTF_OUTDIR || "cdktf.out", "stacks", entry.stack);
  if (command === "comment") {
    await postComment(planComment(entry.stack, dir));
    return 0;
  }
  const result =
    command === "plan"
      ? planStack(dir, entry.stack, entry.planRoleArn)
      : applyStack(dir, entry.stack);
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
