import { readFileSync } from "node:fs";

/**
 * What the workflows ask GitHub's REST API: the pull request a merge came from and its plan run
 * (with the reviewed plan's artifact, which expires), the pull request comment, and the apply
 * queue. Every function takes the API as a function, so the tests answer for GitHub.
 */

export type GithubApi = (path: string, init?: { method: string; body: string }) => Promise<unknown>;

/** GitHub's REST API with the workflow's token. */
export function githubApi(token: string | undefined = process.env.GITHUB_TOKEN): GithubApi {
  return async (path, init) => {
    if (!token) throw new Error("GITHUB_TOKEN is not set");
    const url = `https://api.github.com${path}`;
    const method = init?.method ?? "GET";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        body: init?.body,
        headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json" },
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason (DNS, refused, TLS) is its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new Error(`${method} ${url} failed before GitHub answered: ${why}`);
    }
    if (!response.ok)
      throw new Error(`GitHub answered ${response.status} for ${path}: ${await response.text()}`);
    return response.json();
  };
}

export interface ReviewedRun {
  readonly pullRequest: number;
  readonly runId: number;
}

/**
 * The pull request a merge commit came from, and the plan workflow run of its last commit. With
 * `artifact`, also checks that the run still holds that artifact (the account's reviewed plans):
 * artifacts expire after the repository's retention, and then the apply says so instead of
 * failing at the download.
 */
export async function findReviewedRun(
  api: GithubApi,
  repository: string,
  sha: string,
  options: { workflow?: string; artifact?: string } = {},
): Promise<ReviewedRun | { problem: string }> {
  const workflow = options.workflow ?? "plan.yml";
  const pulls = (await api(`/repos/${repository}/commits/${sha}/pulls`)) as {
    number: number;
    merged_at: string | null;
    head: { sha: string };
  }[];
  const pull = pulls.find((p) => p.merged_at !== null);
  if (pull === undefined)
    return {
      problem: `${sha} did not come from a merged pull request: changes reach this branch through a pull request whose plan job ran`,
    };
  const runs = (await api(
    `/repos/${repository}/actions/workflows/${workflow}/runs?head_sha=${pull.head.sha}&event=pull_request&status=success&per_page=1`,
  )) as { workflow_runs: { id: number }[] };
  const run = runs.workflow_runs[0];
  if (run === undefined)
    return {
      problem: `pull request #${pull.number} has no successful ${workflow} run for its last commit ${pull.head.sha}: re-run its plan, then this apply`,
    };
  if (options.artifact !== undefined) {
    const listed = (await api(
      `/repos/${repository}/actions/runs/${run.id}/artifacts?name=${encodeURIComponent(options.artifact)}`,
    )) as { artifacts: { name: string; expired: boolean; expires_at?: string }[] };
    const artifact = listed.artifacts.find((a) => a.name === options.artifact);
    if (artifact === undefined)
      return {
        problem: `the plan run ${run.id} of pull request #${pull.number} has no artifact ${options.artifact} (the account was not planned there): re-run its plan, then this apply`,
      };
    if (artifact.expired)
      return {
        problem: `the reviewed plan (artifact ${options.artifact} of plan run ${run.id}, pull request #${pull.number}) expired${artifact.expires_at ? ` on ${artifact.expires_at}` : ""} under the repository's artifact retention: re-run that plan run (it plans against today's state and must show the same changes), then this apply`,
      };
  }
  return { pullRequest: pull.number, runId: run.id };
}

/** GitHub refuses a comment body over 65,536 characters (HTTP 422). */
export const COMMENT_MAX_CHARS = 65_536;
const CUT_NOTE = "\n... (cut at GitHub's comment limit: the whole text is in the job log)";

/** A comment body within GitHub's limit: the head kept, the cut said. */
export function withinCommentLimit(body: string): string {
  return body.length <= COMMENT_MAX_CHARS
    ? body
    : `${body.slice(0, COMMENT_MAX_CHARS - CUT_NOTE.length)}${CUT_NOTE}`;
}

/**
 * The hidden first line that marks a comment as the one for `key` (a stack's plan, the plan
 * scope), so a new push updates it instead of adding another.
 */
export function commentMarker(key: string): string {
  return `<!-- mlops-platform:${key} -->`;
}

/**
 * Posts the comment for `key` on the pull request, or updates the one posted for it before: a
 * pull request pushed to ten times shows each stack's latest plan once, not ten times. Returns
 * whether it updated. Only a comment of `author` (the workflow token's bot) is updated: a
 * comment anybody else wrote with the same marker is not taken for the plan's.
 */
export async function postComment(
  api: GithubApi,
  repository: string,
  pullRequest: number,
  body: string,
  key?: string,
  author = "github-actions[bot]",
): Promise<"created" | "updated"> {
  const marked = withinCommentLimit(key === undefined ? body : `${commentMarker(key)}\n${body}`);
  if (key !== undefined) {
    for (let page = 1; page <= 30; page++) {
      const comments = (await api(
        `/repos/${repository}/issues/${pullRequest}/comments?per_page=100&page=${page}`,
      )) as { id: number; body?: string; user?: { login?: string } }[];
      const mine = comments.find(
        (c) => c.user?.login === author && c.body?.startsWith(commentMarker(key)),
      );
      if (mine !== undefined) {
        await api(`/repos/${repository}/issues/comments/${mine.id}`, {
          method: "PATCH",
          body: JSON.stringify({ body: marked }),
        });
        return "updated";
      }
      if (comments.length < 100) break;
    }
  }
  await api(`/repos/${repository}/issues/${pullRequest}/comments`, {
    method: "POST",
    body: JSON.stringify({ body: marked }),
  });
  return "created";
}

interface WorkflowRun {
  readonly id: number;
  readonly run_number: number;
  readonly workflow_id: number;
  readonly head_branch: string;
  readonly created_at: string;
  readonly status: string;
}

export interface WaitOptions {
  /** Between two looks at the queue. @default 30 s */
  readonly pollMs?: number;
  /** Gives up after this long (a job's own limit is 6 hours). @default 5 hours */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/**
 * The apply queue: waits until every earlier run of this workflow on the same branch has
 * completed, so merges apply one at a time and in order, and none is dropped. (A workflow
 * `concurrency` group keeps one pending run and cancels the one before it: after three quick
 * merges the middle one would never apply.) Returns the run numbers it waited for.
 */
export async function waitTurn(
  api: GithubApi,
  repository: string,
  runId: number,
  options: WaitOptions = {},
): Promise<number[]> {
  const {
    pollMs = 30_000,
    timeoutMs = 5 * 3600_000,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    now = Date.now,
    log = () => undefined,
  } = options;
  const me = (await api(`/repos/${repository}/actions/runs/${runId}`)) as WorkflowRun;
  const started = now();
  const waitedFor = new Set<number>();
  for (;;) {
    const listed = (await api(
      `/repos/${repository}/actions/workflows/${me.workflow_id}/runs?branch=${encodeURIComponent(me.head_branch)}&event=push&created=${encodeURIComponent(`<=${me.created_at}`)}&per_page=100`,
    )) as { workflow_runs: WorkflowRun[] };
    const ahead = listed.workflow_runs
      .filter((r) => r.run_number < me.run_number && r.status !== "completed")
      .map((r) => r.run_number)
      .sort((a, b) => a - b);
    if (ahead.length === 0) return [...waitedFor].sort((a, b) => a - b);
    for (const n of ahead) waitedFor.add(n);
    if (now() - started >= timeoutMs) {
      throw new Error(
        `apply run #${me.run_number} still waits for earlier apply runs ${ahead.map((n) => `#${n}`).join(", ")} after ${Math.round(timeoutMs / 60_000)} minutes: finish or cancel them (a cancelled run's merge is then applied by a later one only if its review shows those changes), then re-run this one`,
      );
    }
    log(
      `waiting for earlier apply runs ${ahead.map((n) => `#${n}`).join(", ")} of ${me.head_branch}`,
    );
    await sleep(pollMs);
  }
}

/**
 * Posts (or updates) the comment for `key` on the pull request of the workflow's event
 * (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH); without them, prints it and says so.
 */
export async function commentOnPullRequest(
  body: string,
  key: string,
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  const repository = env.GITHUB_REPOSITORY;
  const number = env.GITHUB_EVENT_PATH
    ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")).pull_request?.number as
        | number
        | undefined)
    : undefined;
  if (!env.GITHUB_TOKEN || !repository || number === undefined) {
    out(
      `${body}\n(no GITHUB_TOKEN, GITHUB_REPOSITORY or pull request event: printed, not posted)\n`,
    );
    return;
  }
  const done = await postComment(githubApi(env.GITHUB_TOKEN), repository, number, body, key);
  process.stderr.write(`comment ${key} ${done}\n`);
}
