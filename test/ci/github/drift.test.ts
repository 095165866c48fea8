import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMENT_MAX_CHARS, type GithubApi } from "../../../ci/github/api";
import {
  driftBody,
  driftState,
  readAccountPlans,
  syncDriftIssues,
  type AccountPlan,
} from "../../../ci/github/drift";

const clean = (stack: string) => ({
  stack,
  report: `${stack}: 0 to create, 0 to update, 0 to replace, 0 to delete\nreviewed plan sha256:abc`,
});
const changed = (stack: string) => ({
  stack,
  report: `${stack}: 0 to create, 1 to update, 0 to replace, 0 to delete\n  update  aws_s3_bucket_policy.data`,
});
const failed = (stack: string) => ({ stack, report: `${stack}: terraform plan FAILED\nError: x` });

describe("an account's drift", () => {
  test("clean, drifted when any stack would change, failed when a plan did not finish or is missing", () => {
    expect(driftState({ account: "dev", stacks: [clean("dev-bootstrap"), clean("dev")] })).toBe(
      "clean",
    );
    expect(driftState({ account: "dev", stacks: [clean("dev-bootstrap"), changed("dev")] })).toBe(
      "drifted",
    );
    expect(driftState({ account: "dev", stacks: [changed("dev-bootstrap"), failed("dev")] })).toBe(
      "failed",
    );
    expect(driftState({ account: "dev", stacks: [] })).toBe("failed");
  });

  test("the issue says what changed per stack and where the run is", () => {
    const body = driftBody({ account: "prod", stacks: [changed("prod")] }, "https://run/1");
    expect(body).toContain(
      "The deployed account `prod` differs from the code on the default branch",
    );
    expect(body).toContain("#### `prod`\n\n```\nprod: 0 to create, 1 to update");
    expect(body).toContain("Run: https://run/1.");
    expect(driftBody({ account: "prod", stacks: [failed("prod")] }, "u")).toContain(
      "did not finish, so its drift is unknown",
    );
  });

  test("a drifted account of many large stacks: the body stays within GitHub's 65,536 characters", () => {
    const big = (stack: string) => ({
      stack,
      report: `${stack}: 0 to create, 900 to update, 0 to replace, 0 to delete\n${"  update x\n".repeat(5_000)}`,
    });
    const stacks = ["a", "b", "c", "d"].map(big);
    const body = driftBody({ account: "prod", stacks }, "https://run/1");
    expect(body.length).toBe(COMMENT_MAX_CHARS);
    expect(body).toMatch(/cut at GitHub's comment limit: the whole text is in the job log\)$/);
    // One stack of that size fits whole, with the run's link.
    expect(driftBody({ account: "prod", stacks: [big("a")] }, "https://run/1")).toContain(
      "Run: https://run/1.",
    );
  });

  test("reads the downloaded plan artifacts, an account without one as having no plan", () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-"));
    try {
      for (const stack of ["dev-bootstrap", "dev"]) {
        mkdirSync(join(dir, "plan-dev", stack), { recursive: true });
        writeFileSync(join(dir, "plan-dev", stack, "plan-summary.txt"), clean(stack).report);
      }
      const plans = readAccountPlans(dir, ["dev", "prod"]);
      expect(plans.map((p) => [p.account, p.stacks.map((s) => s.stack), driftState(p)])).toEqual([
        ["dev", ["dev", "dev-bootstrap"], "clean"],
        ["prod", [], "failed"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("one issue per drifted account", () => {
  function github(open: { number: number; title: string; user: { login: string } }[]) {
    const calls: string[] = [];
    const api: GithubApi = async (path, init) => {
      calls.push(`${init?.method ?? "GET"} ${path}${init ? ` ${init.body}` : ""}`);
      if (!init) return path.includes("page=1") ? open : [];
      return { number: 42 };
    };
    return { calls, api };
  }
  const bot = { login: "github-actions[bot]" };
  const plans: AccountPlan[] = [
    { account: "dev", stacks: [changed("dev")] },
    { account: "staging", stacks: [clean("staging")] },
    { account: "prod", stacks: [clean("prod")] },
    { account: "lab", stacks: [failed("lab")] },
  ];

  test("opens for a new drift, updates an open one, closes a clean one, leaves other clean accounts alone", async () => {
    const { calls, api } = github([
      { number: 7, title: "Drift: account staging", user: bot },
      { number: 8, title: "Drift: account lab", user: bot },
      { number: 9, title: "Drift: account prod", user: { login: "mallory" } },
    ]);
    const actions = await syncDriftIssues(api, "o/r", plans, "https://run/5");
    expect(actions).toEqual([
      "dev: drifted, opened #42",
      "staging: clean, closed #7",
      "lab: failed, updated #8",
    ]);
    expect(calls[0]).toBe("GET /repos/o/r/issues?state=open&labels=drift&per_page=100&page=1");
    const writes = calls.slice(1).map((c) => c.split(" ").slice(0, 2).join(" "));
    expect(writes).toEqual([
      "POST /repos/o/r/issues",
      "POST /repos/o/r/issues/7/comments",
      "PATCH /repos/o/r/issues/7",
      "PATCH /repos/o/r/issues/8",
    ]);
    expect(JSON.parse(calls[1].slice(calls[1].indexOf("{")))).toMatchObject({
      title: "Drift: account dev",
      labels: ["drift"],
    });
    expect(calls[3]).toContain('"state":"closed"');
  });
});
