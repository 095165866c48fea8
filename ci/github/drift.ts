import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PLAN_REPORT } from "../runs";
import { withinCommentLimit, type GithubApi } from "./api";

/**
 * Drift detection: the scheduled workflow (drift.yml) plans every account with its read-only
 * plan role; this turns the plan summaries into one issue per drifted account, opened or updated
 * with the summary, and closed when the account plans clean again. An account whose plan failed
 * gets an issue too (its drift is unknown, which is not "clean").
 */

export const DRIFT_LABEL = "drift";

export interface StackPlan {
  readonly stack: string;
  /** The plan job's plan-summary.txt: its first line counts the changes; a failure says FAILED. */
  readonly report: string;
}

export interface AccountPlan {
  readonly account: string;
  readonly stacks: readonly StackPlan[];
}

export type DriftState = "clean" | "drifted" | "failed";

const COUNTS = /^\S+: (\d+) to create, (\d+) to update, (\d+) to replace, (\d+) to delete/;

/** Whether an account drifted: any stack with a change, or a plan that did not finish. */
export function driftState(plan: AccountPlan): DriftState {
  if (plan.stacks.length === 0) return "failed";
  let drifted = false;
  for (const { report } of plan.stacks) {
    const counts = COUNTS.exec(report.trim());
    if (counts === null) return "failed";
    if (counts.slice(1).some((n) => Number(n) > 0)) drifted = true;
  }
  return drifted ? "drifted" : "clean";
}

export const driftTitle = (account: string) => `Drift: account ${account}`;

/** The issue body: what the plan found, per stack, and where the run is. */
export function driftBody(plan: AccountPlan, runUrl: string): string {
  const state = driftState(plan);
  const lead =
    state === "failed"
      ? `The scheduled plan of account \`${plan.account}\` did not finish, so its drift is unknown.`
      : `The deployed account \`${plan.account}\` differs from the code on the default branch: a change was made outside Terraform, or a merge was not applied.`;
  const stacks = plan.stacks.map((s) =>
    [`#### \`${s.stack}\``, "", "```", s.report.trim().slice(0, 20_000), "```"].join("\n"),
  );
  // An issue body has the same 65,536-character limit as a comment (HTTP 422 past it).
  return withinCommentLimit(
    [
      lead,
      "",
      ...stacks,
      "",
      `Run: ${runUrl}. Apply the code again (re-run the last apply) or change the code to match, then this issue closes on the next clean scheduled plan.`,
    ].join("\n"),
  );
}

/** The plan summaries downloaded from the plan jobs: `<dir>/plan-<account>/<stack>/plan-summary.txt`. */
export function readAccountPlans(dir: string, accounts: readonly string[]): AccountPlan[] {
  return accounts.map((account) => {
    const artifact = join(dir, `plan-${account}`);
    const stacks = existsSync(artifact)
      ? readdirSync(artifact)
          .filter((stack) => existsSync(join(artifact, stack, PLAN_REPORT)))
          .sort()
          .map((stack) => ({
            stack,
            report: readFileSync(join(artifact, stack, PLAN_REPORT), "utf8"),
          }))
      : [];
    return { account, stacks };
  });
}

interface Issue {
  readonly number: number;
  readonly title: string;
  readonly body?: string;
  readonly user?: { login?: string };
}

/**
 * Opens, updates or closes one issue per account to match the plans. Only open issues with the
 * drift label written by the workflow's bot are touched. Returns a line per action.
 */
export async function syncDriftIssues(
  api: GithubApi,
  repository: string,
  plans: readonly AccountPlan[],
  runUrl: string,
  author = "github-actions[bot]",
): Promise<string[]> {
  const open: Issue[] = [];
  for (let page = 1; page <= 10; page++) {
    const listed = (await api(
      `/repos/${repository}/issues?state=open&labels=${DRIFT_LABEL}&per_page=100&page=${page}`,
    )) as Issue[];
    open.push(...listed.filter((i) => i.user?.login === author));
    if (listed.length < 100) break;
  }
  const actions: string[] = [];
  for (const plan of plans) {
    const title = driftTitle(plan.account);
    const existing = open.find((i) => i.title === title);
    const state = driftState(plan);
    if (state === "clean") {
      if (existing === undefined) continue;
      await api(`/repos/${repository}/issues/${existing.number}/comments`, {
        method: "POST",
        body: JSON.stringify({ body: `The scheduled plan is clean again: ${runUrl}` }),
      });
      await api(`/repos/${repository}/issues/${existing.number}`, {
        method: "PATCH",
        body: JSON.stringify({ state: "closed", state_reason: "completed" }),
      });
      actions.push(`${plan.account}: clean, closed #${existing.number}`);
      continue;
    }
    const body = driftBody(plan, runUrl);
    if (existing === undefined) {
      const created = (await api(`/repos/${repository}/issues`, {
        method: "POST",
        body: JSON.stringify({ title, body, labels: [DRIFT_LABEL] }),
      })) as { number: number };
      actions.push(`${plan.account}: ${state}, opened #${created.number}`);
    } else {
      await api(`/repos/${repository}/issues/${existing.number}`, {
        method: "PATCH",
        body: JSON.stringify({ body }),
      });
      actions.push(`${plan.account}: ${state}, updated #${existing.number}`);
    }
  }
  return actions;
}
