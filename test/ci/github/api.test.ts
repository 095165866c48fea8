import {
  commentMarker,
  COMMENT_MAX_CHARS,
  findReviewedRun,
  githubApi,
  postComment,
  waitTurn,
  type GithubApi,
} from "../../../ci/github/api";

const api =
  (answers: Record<string, unknown>): GithubApi =>
  async (path: string) => {
    if (!(path in answers)) throw new Error(`unexpected ${path}`);
    return answers[path];
  };

describe("the reviewed plan of a merge commit", () => {
  const pulls = "/repos/o/r/commits/m1/pulls";
  const runs =
    "/repos/o/r/actions/workflows/plan.yml/runs?head_sha=abc&event=pull_request&status=success&per_page=1";
  const artifacts = "/repos/o/r/actions/runs/42/artifacts?name=plan-dev";
  const merged = [
    { number: 3, merged_at: null, head: { sha: "zzz" } },
    { number: 7, merged_at: "2026-11-30T10:00:00Z", head: { sha: "abc" } },
  ];

  test("the merged pull request's last successful plan run, its artifact present", async () => {
    expect(
      await findReviewedRun(
        api({
          [pulls]: merged,
          [runs]: { workflow_runs: [{ id: 42 }] },
          [artifacts]: { artifacts: [{ name: "plan-dev", expired: false }] },
        }),
        "o/r",
        "m1",
        { artifact: "plan-dev" },
      ),
    ).toEqual({ pullRequest: 7, runId: 42 });
  });

  test("an expired artifact is named, with what to do", async () => {
    expect(
      await findReviewedRun(
        api({
          [pulls]: merged,
          [runs]: { workflow_runs: [{ id: 42 }] },
          [artifacts]: {
            artifacts: [{ name: "plan-dev", expired: true, expires_at: "2026-12-01T00:00:00Z" }],
          },
        }),
        "o/r",
        "m1",
        { artifact: "plan-dev" },
      ),
    ).toEqual({
      problem:
        "the reviewed plan (artifact plan-dev of plan run 42, pull request #7) expired on 2026-12-01T00:00:00Z under the repository's artifact retention: re-run that plan run (it plans against today's state and must show the same changes), then this apply",
    });
  });

  test("a missing artifact, a direct push and a pull request without a successful plan are named", async () => {
    expect(
      await findReviewedRun(
        api({
          [pulls]: merged,
          [runs]: { workflow_runs: [{ id: 42 }] },
          [artifacts]: { artifacts: [] },
        }),
        "o/r",
        "m1",
        { artifact: "plan-dev" },
      ),
    ).toEqual({
      problem:
        "the plan run 42 of pull request #7 has no artifact plan-dev (the account was not planned there): re-run its plan, then this apply",
    });
    expect(await findReviewedRun(api({ [pulls]: [] }), "o/r", "m1")).toEqual({
      problem:
        "m1 did not come from a merged pull request: changes reach this branch through a pull request whose plan job ran",
    });
    expect(
      await findReviewedRun(api({ [pulls]: merged, [runs]: { workflow_runs: [] } }), "o/r", "m1"),
    ).toEqual({
      problem:
        "pull request #7 has no successful plan.yml run for its last commit abc: re-run its plan, then this apply",
    });
  });
});

describe("the apply queue: merges apply one at a time, in order, none dropped", () => {
  /**
   * Three quick merges: apply runs #11, #12 and #13 start at once. A GitHub whose runs complete
   * when the simulated runner finishes them; each run waits its turn, then "applies".
   */
  test("three quick merges all apply, in merge order", async () => {
    const status = new Map([
      [11, "in_progress"],
      [12, "in_progress"],
      [13, "in_progress"],
    ]);
    const created = {
      11: "2026-12-06T10:00:00Z",
      12: "2026-12-06T10:00:05Z",
      13: "2026-12-06T10:00:09Z",
    };
    const applied: number[] = [];
    const github: GithubApi = async (path) => {
      const one = /^\/repos\/o\/r\/actions\/runs\/(\d+)$/.exec(path);
      if (one) {
        const n = Number(one[1]);
        return {
          id: n,
          run_number: n,
          workflow_id: 9,
          head_branch: "main",
          created_at: created[n as 11],
        };
      }
      const list =
        /^\/repos\/o\/r\/actions\/workflows\/9\/runs\?branch=main&event=push&created=(.+)&per_page=100$/.exec(
          path,
        );
      if (!list) throw new Error(`unexpected ${path}`);
      const until = decodeURIComponent(list[1]).slice(2);
      return {
        workflow_runs: [...status]
          .filter(([n]) => created[n as 11] <= until)
          .map(([n, s]) => ({ id: n, run_number: n, status: s })),
      };
    };
    let clock = 0;
    const run = async (n: number) => {
      await waitTurn(github, "o/r", n, {
        pollMs: 10,
        sleep: async (ms) => {
          clock += ms;
          await new Promise((r) => setImmediate(r));
        },
        now: () => clock,
      });
      applied.push(n);
      await new Promise((r) => setImmediate(r));
      status.set(n, "completed");
    };
    await Promise.all([run(13), run(12), run(11)]);
    expect(applied).toEqual([11, 12, 13]);
  });

  test("ignores later runs and completed ones; says whom it waited for", async () => {
    let polls = 0;
    const github: GithubApi = async (path) => {
      if (path === "/repos/o/r/actions/runs/500")
        return { id: 500, run_number: 5, workflow_id: 9, head_branch: "release", created_at: "t" };
      polls++;
      return {
        workflow_runs: [
          { run_number: 6, status: "queued" },
          { run_number: 3, status: "completed" },
          { run_number: 4, status: polls < 3 ? "waiting" : "completed" },
        ],
      };
    };
    const lines: string[] = [];
    const waited = await waitTurn(github, "o/r", 500, {
      sleep: async () => undefined,
      log: (l) => lines.push(l),
    });
    expect(waited).toEqual([4]);
    expect(polls).toBe(3);
    expect(lines).toEqual([
      "waiting for earlier apply runs #4 of release",
      "waiting for earlier apply runs #4 of release",
    ]);
  });

  test("gives up after its time limit, naming the runs it waited for", async () => {
    let clock = 0;
    const github: GithubApi = async (path) =>
      path.endsWith("/runs/500")
        ? { id: 500, run_number: 5, workflow_id: 9, head_branch: "main", created_at: "t" }
        : { workflow_runs: [{ run_number: 2, status: "waiting" }] };
    await expect(
      waitTurn(github, "o/r", 500, {
        pollMs: 60_000,
        timeoutMs: 120_000,
        sleep: async (ms) => void (clock += ms),
        now: () => clock,
      }),
    ).rejects.toThrow(
      "apply run #5 still waits for earlier apply runs #2 after 2 minutes: finish or cancel them",
    );
  });
});

describe("one comment per stack, updated on each push", () => {
  /** An API that holds comments, records the calls and answers pages of 100. */
  function comments(existing: { id: number; body: string; user: { login: string } }[]) {
    const calls: string[] = [];
    const fake: GithubApi = async (path, init) => {
      calls.push(`${init?.method ?? "GET"} ${path}${init ? ` ${init.body}` : ""}`);
      const page = Number(/[?&]page=(\d+)/.exec(path)?.[1] ?? 1);
      return init ? {} : existing.slice((page - 1) * 100, page * 100);
    };
    return { calls, fake };
  }
  const bot = { login: "github-actions[bot]" };
  const list = (page: number) => `GET /repos/o/r/issues/5/comments?per_page=100&page=${page}`;

  test("the first push creates the comment with its marker", async () => {
    const { calls, fake } = comments([{ id: 1, body: "LGTM", user: { login: "alice" } }]);
    expect(await postComment(fake, "o/r", 5, "plan of dev", "plan:dev")).toBe("created");
    expect(calls).toEqual([
      list(1),
      `POST /repos/o/r/issues/5/comments ${JSON.stringify({ body: `${commentMarker("plan:dev")}\nplan of dev` })}`,
    ]);
  });

  test("a later push updates the bot's comment for that key, found on a later page", async () => {
    const filler = Array.from({ length: 100 }, (_, i) => ({
      id: 100 + i,
      body: `${commentMarker("plan:prod")}\nold prod`,
      user: bot,
    }));
    const { calls, fake } = comments([
      ...filler,
      { id: 7, body: `${commentMarker("plan:dev")}\nold dev`, user: bot },
    ]);
    expect(await postComment(fake, "o/r", 5, "new dev", "plan:dev")).toBe("updated");
    expect(calls).toEqual([
      list(1),
      list(2),
      `PATCH /repos/o/r/issues/comments/7 ${JSON.stringify({ body: `${commentMarker("plan:dev")}\nnew dev` })}`,
    ]);
  });

  test("somebody else's comment with the same marker is not taken for the plan's", async () => {
    const { calls, fake } = comments([
      { id: 9, body: `${commentMarker("plan:dev")}\nforged`, user: { login: "mallory" } },
    ]);
    expect(await postComment(fake, "o/r", 5, "dev", "plan:dev")).toBe("created");
    expect(calls.at(-1)).toMatch(/^POST /);
  });
});

test("a comment over GitHub's 65,536 characters is cut to fit, saying so; one at the limit is kept", async () => {
  const posted: string[] = [];
  const fake: GithubApi = async (_path, init) => {
    if (init) posted.push(JSON.parse(init.body).body);
    return [];
  };
  const marker = `${commentMarker("access")}\n`;
  await postComment(fake, "o/r", 5, "x".repeat(COMMENT_MAX_CHARS - marker.length), "access");
  await postComment(fake, "o/r", 5, "x".repeat(200_000), "access");
  expect(posted.map((b) => b.length)).toEqual([COMMENT_MAX_CHARS, COMMENT_MAX_CHARS]);
  expect(posted[0].endsWith("x")).toBe(true);
  expect(
    posted[1].endsWith("(cut at GitHub's comment limit: the whole text is in the job log)"),
  ).toBe(true);
  expect(posted[1].startsWith(marker)).toBe(true);
});

describe("GitHub's REST API", () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  test("a request that never reaches GitHub names the method, the URL and the reason", async () => {
    global.fetch = (async () => {
      throw Object.assign(new TypeError("fetch failed"), {
        cause: Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), {
          code: "ENOTFOUND",
        }),
      });
    }) as typeof fetch;
    await expect(githubApi("t")("/repos/o/r/issues/7/comments")).rejects.toThrow(
      "GET https://api.github.com/repos/o/r/issues/7/comments failed before GitHub answered: ENOTFOUND",
    );
  });

  test("an answer that is not OK names the status, the path and GitHub's words", async () => {
    global.fetch = (async () =>
      new Response('{"message":"Not Found"}', { status: 404 })) as typeof fetch;
    await expect(
      githubApi("t")("/repos/o/r/issues/7/comments", { method: "POST", body: "{}" }),
    ).rejects.toThrow(
      'GitHub answered 404 for /repos/o/r/issues/7/comments: {"message":"Not Found"}',
    );
  });

  test("without a token nothing is sent", async () => {
    let called = false;
    global.fetch = (async () => {
      called = true;
      return new Response("{}");
    }) as typeof fetch;
    await expect(githubApi("")("/x")).rejects.toThrow("GITHUB_TOKEN is not set");
    expect(called).toBe(false);
  });
});
