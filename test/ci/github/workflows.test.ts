import { readFileSync } from "node:fs";
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
    expect(apply.jobs.synth.permissions).toEqual({ contents: "read", actions: "read" });
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
