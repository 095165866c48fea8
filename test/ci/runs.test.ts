import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planComment } from "../../ci/github/comment";
import {
  applyStack,
  planStack,
  readIntendedDataLoss,
  readReviewedPlan,
  REVIEWED_PLAN,
  stackBackend,
} from "../../ci/runs";
import type { ReviewedPlan } from "../../ci/reviewed-plan";
import { FIXTURES } from "../helpers";

const PLANS = join(FIXTURES, "plans");
const role = "arn:aws:iam::222222222222:role/mlops-staging-ci-plan";
let work: string;
let fake: string;
let log: string;

/**
 * A terraform that records its arguments and environment token, answers `show -json` from the
 * stack's plan-fixture.json (or a generated plan of `bytes` size) and `show` with text.
 */
function fakeTerraform(failOn?: string): void {
  writeFileSync(
    fake,
    [
      "#!/bin/bash",
      `echo "$*" >> "${log}"`,
      `[ -n "$TF_TOKEN_app_terraform_io" ] && echo "token $TF_TOKEN_app_terraform_io" >> "${log}"`,
      failOn ? `[ "$1" = "${failOn}" ] && { echo "boom from ${failOn}" >&2; exit 1; }` : "",
      'if [ "$1" = "show" ] && [ "$2" = "-json" ]; then cat plan-fixture.json; fi',
      'if [ "$1" = "show" ] && [ "$2" = "-no-color" ]; then echo "Plan: text"; fi',
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(fake, 0o755);
}

const S3_BACKEND = { terraform: { backend: { s3: { bucket: "b", key: "k" } } } };

function stackDir(fixture: string, synthesized: object = S3_BACKEND, name = "staging"): string {
  const dir = join(work, "stacks", name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(PLANS, `${fixture}.json`), join(dir, "plan-fixture.json"));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(synthesized));
  return dir;
}

function calls(): string[] {
  return readFileSync(log, "utf8").trim().split("\n");
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "ci-runs-"));
  fake = join(work, "terraform");
  log = join(work, "terraform.log");
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("plan run", () => {
  test("inits with the backend assuming the plan role, validates, plans as it, saves text, JSON, summary and reviewed plan", () => {
    fakeTerraform();
    const dir = stackDir("updates");
    const result = planStack(dir, "staging", role, { bin: fake });
    expect(result.ok).toBe(true);
    expect(calls()).toEqual([
      "init -input=false -no-color -backend-config=plan.s3.tfbackend",
      "validate -no-color",
      `plan -input=false -no-color -lock-timeout=5m -var=aws_role_arn=${role} -out=plan.tfplan`,
      "show -no-color plan.tfplan",
      "show -json plan.tfplan",
    ]);
    expect(readFileSync(join(dir, "plan.s3.tfbackend"), "utf8")).toBe(
      `assume_role = { role_arn = "${role}" }\n`,
    );
    expect(readFileSync(join(dir, "plan.txt"), "utf8")).toBe("Plan: text\n");
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")).format_version).toBe("1.2");
    const reviewed = JSON.parse(readFileSync(join(dir, REVIEWED_PLAN), "utf8"));
    expect(readFileSync(join(dir, "plan-summary.txt"), "utf8")).toBe(
      [
        "staging: 0 to create, 2 to update, 0 to replace, 0 to delete",
        "  update  aws_cloudwatch_log_group.network_flow-logs_log-group_B0C6373D",
        "  update  aws_s3_bucket_policy.data-bucket_policy_1234ABCD",
        // The fixture's one key, unchanged (no region in the plan: us-east-1's prices).
        "cost before use: unchanged at $1.00 per month (list prices of 2026-12-06)",
        `reviewed plan sha256:${reviewed.digest}`,
        "",
      ].join("\n"),
    );
  });

  test("a stack with a cloud block (HCP Terraform) inits without -backend-config, with the host's token", () => {
    fakeTerraform();
    const dir = stackDir("updates", {
      terraform: { cloud: { organization: "acme", workspaces: { name: "mlops-staging" } } },
    });
    const env = { TF_TOKEN_app_terraform_io: "secret-token" };
    expect(planStack(dir, "staging", role, { bin: fake, env }).ok).toBe(true);
    expect(calls().slice(0, 2)).toEqual(["init -input=false -no-color", "token secret-token"]);
    expect(calls().filter((c) => c.includes("backend-config"))).toEqual([]);
    expect(existsSync(join(dir, "plan.s3.tfbackend"))).toBe(false);
  });

  test("a local backend (bootstrap state before migration) takes no backend config either", () => {
    fakeTerraform();
    const dir = stackDir("updates", { terraform: { backend: { local: { path: "x" } } } });
    planStack(dir, "staging", role, { bin: fake });
    expect(calls()[0]).toBe("init -input=false -no-color");
    expect(stackBackend(dir)).toBe("local");
  });

  test("a committed lock file is copied into the stack and init may not change it, for plan and apply", () => {
    fakeTerraform();
    const lockFile = join(work, "committed.lock.hcl");
    writeFileSync(lockFile, 'provider "registry.terraform.io/hashicorp/aws" {}\n');
    const dir = stackDir("updates");
    planStack(dir, "staging", role, { bin: fake, lockFile });
    expect(calls()[0]).toBe(
      "init -input=false -no-color -backend-config=plan.s3.tfbackend -lockfile=readonly",
    );
    expect(readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")).toBe(
      readFileSync(lockFile, "utf8"),
    );
    writeFileSync(log, "");
    applyStack(dir, "staging", undefined, { bin: fake, lockFile });
    expect(calls()[0]).toBe("init -input=false -no-color -lockfile=readonly");
  });

  test("a plan JSON over any spawn buffer (3 MiB) is streamed to its file and read from there", () => {
    fakeTerraform();
    const dir = stackDir("creates");
    const plan = JSON.parse(readFileSync(join(dir, "plan-fixture.json"), "utf8"));
    plan.resource_changes[0].change.after.tags = { big: "x".repeat(3 * 1024 * 1024) };
    writeFileSync(join(dir, "plan-fixture.json"), JSON.stringify(plan));
    const result = planStack(dir, "staging", role, { bin: fake });
    expect(result.ok).toBe(true);
    expect(readFileSync(join(dir, "plan.json")).length).toBeGreaterThan(3 * 1024 * 1024);
    expect(readFileSync(join(dir, REVIEWED_PLAN)).length).toBeGreaterThan(3 * 1024 * 1024);
  });

  test("fails on the destruction of a data-bearing resource, saying which file and line declare it", () => {
    fakeTerraform();
    const result = planStack(stackDir("data-bearing-delete"), "staging", role, { bin: fake });
    expect(result.ok).toBe(false);
    expect(result.report).toContain(
      '  DATA LOSS delete of aws_s3_bucket.models-bucket_8567780F: a data-bearing resource would be destroyed. If intended, add the line "staging:aws_s3_bucket.models-bucket_8567780F" to intended-data-loss.txt at the repository root in this pull request; if not, keep its address (moved block) or restore it.',
    );
  });

  test("stops at the first failing terraform step and reports it", () => {
    fakeTerraform("validate");
    const result = planStack(stackDir("creates"), "staging", role, { bin: fake });
    expect(result).toEqual({
      ok: false,
      report: "staging: terraform validate FAILED\nboom from validate\n",
    });
    expect(calls()).toHaveLength(2);
  });

  test("a failed plan is commented with its error", () => {
    fakeTerraform("plan");
    const dir = stackDir("creates");
    expect(planStack(dir, "staging", role, { bin: fake }).ok).toBe(false);
    expect(planComment("staging", dir)).toBe(
      [
        "### Terraform plan: `staging`",
        "",
        "```",
        "staging: terraform plan FAILED\nboom from plan",
        "```",
        "",
        "Full plan: the `plan-staging` artifact.",
      ].join("\n"),
    );
  });

  test("the comment names the account's artifact, which holds all of its stacks", () => {
    fakeTerraform();
    const dir = stackDir("creates");
    planStack(dir, "staging", role, { bin: fake });
    expect(planComment("staging-bootstrap", dir, "staging")).toMatch(
      /\n\nFull plan: the `plan-staging` artifact\.$/,
    );
  });

  test("a run that never reached terraform is commented too, and a huge report is cut", () => {
    const dir = stackDir("creates");
    expect(planComment("staging", dir)).toContain(
      "staging: the plan job stopped before terraform ran (see the job log)",
    );
    writeFileSync(join(dir, "plan-summary.txt"), "x".repeat(70_000));
    const comment = planComment("staging", dir);
    expect(comment.length).toBeLessThan(65_536);
    expect(comment).toContain("... (cut: the whole report is in the job log)");
  });
});

describe("apply run", () => {
  /** The reviewed plan a plan job leaves, for a fixture plan (or a changed copy of one). */
  function reviewedOf(fixture: string, change?: (plan: any) => void): ReviewedPlan {
    fakeTerraform();
    const dir = stackDir(fixture, S3_BACKEND, `reviewed-${fixture}`);
    if (change) {
      const plan = JSON.parse(readFileSync(join(dir, "plan-fixture.json"), "utf8"));
      change(plan);
      writeFileSync(join(dir, "plan-fixture.json"), JSON.stringify(plan));
    }
    planStack(dir, "staging", role, { bin: fake });
    writeFileSync(log, "");
    return readReviewedPlan(join(dir, REVIEWED_PLAN))!;
  }

  test("applies exactly the saved plan when its content is the reviewed one", () => {
    const reviewed = reviewedOf("creates");
    fakeTerraform();
    expect(applyStack(stackDir("creates"), "staging", reviewed, { bin: fake })).toEqual({
      ok: true,
      report: `staging: applied the reviewed plan sha256:${reviewed.digest.slice(0, 12)} (2 changes)`,
    });
    expect(calls()).toEqual([
      "init -input=false -no-color",
      "plan -input=false -no-color -lock-timeout=5m -out=apply.tfplan",
      "show -json apply.tfplan",
      "apply -input=false -no-color -lock-timeout=5m apply.tfplan",
    ]);
  });

  test("refuses without a reviewed plan, and applies nothing", () => {
    fakeTerraform();
    expect(applyStack(stackDir("creates"), "staging", undefined, { bin: fake })).toEqual({
      ok: false,
      report:
        "staging: NOT APPLIED: no reviewed plan (changes reach this branch through a pull request whose plan job ran)",
    });
    expect(readFileSync(log, "utf8")).not.toMatch(/^apply /m);
  });

  test("refuses a plan with other addresses, naming each difference", () => {
    const reviewed = reviewedOf("updates");
    fakeTerraform();
    const result = applyStack(stackDir("creates"), "staging", reviewed, { bin: fake });
    expect(result.ok).toBe(false);
    expect(result.report.split("\n")[0]).toBe(
      `staging: NOT APPLIED: the plan differs from the reviewed one (sha256:${reviewed.digest.slice(0, 12)}); re-run the pull request's plan, or open a pull request whose plan shows these changes:`,
    );
    expect(result.report).toContain(
      "  + create aws_vpc.network_vpc_4E8F0223: not in the reviewed plan",
    );
    expect(result.report).toContain(
      "  - update aws_s3_bucket_policy.data-bucket_policy_1234ABCD: reviewed, no longer planned",
    );
    expect(readFileSync(log, "utf8")).not.toMatch(/^apply /m);
  });

  test("refuses a value-only change on a reviewed address, naming the address, path and values", () => {
    const reviewed = reviewedOf("updates");
    const dir = stackDir("updates");
    const plan = JSON.parse(readFileSync(join(dir, "plan-fixture.json"), "utf8"));
    plan.resource_changes[1].change.after.policy = '{"Version":"2012-10-17","Statement":[]}';
    writeFileSync(join(dir, "plan-fixture.json"), JSON.stringify(plan));
    fakeTerraform();
    const result = applyStack(dir, "staging", reviewed, { bin: fake });
    expect(result.ok).toBe(false);
    expect(result.report.split("\n").slice(1)).toEqual([
      '  ~ aws_s3_bucket_policy.data-bucket_policy_1234ABCD: after.policy: reviewed "{\\"Version\\":\\"2012-10-17\\"}", now "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}"',
    ]);
    expect(readFileSync(log, "utf8")).not.toMatch(/^apply /m);
  });

  test("refuses an older reviewed plan format instead of trusting it", () => {
    const file = join(work, "old.json");
    writeFileSync(file, JSON.stringify({ stack: "staging", changes: [] }));
    expect(() => readReviewedPlan(file)).toThrow(
      `${file} is not a reviewed plan of format 2 (written by an older version of the plan job, or not by it): re-run the pull request's plan workflow`,
    );
    expect(readReviewedPlan(undefined)).toBeUndefined();
    // Named but absent: the artifact was not downloaded, which the apply says as such.
    expect(() => readReviewedPlan(join(work, "none.json"))).toThrow(
      `${join(work, "none.json")} does not exist: the pull request's reviewed plan was not downloaded here (ci.js reviewed-run <account> finds its plan-<account> artifact and says why it cannot)`,
    );
  });

  test("refuses undeclared data loss even when reviewed, naming the file; applies it once declared intended", () => {
    const reviewed = reviewedOf("data-bearing-delete");
    fakeTerraform();
    const refused = applyStack(stackDir("data-bearing-delete"), "staging", reviewed, {
      bin: fake,
    });
    expect(refused.ok).toBe(false);
    expect(refused.report.split("\n")).toEqual([
      'staging: NOT APPLIED: it would destroy data nobody declared intended (declare each as a "staging:<address>" line of intended-data-loss.txt in a pull request):',
      "  delete aws_s3_bucket.models-bucket_8567780F",
      "  replace aws_kms_key.data-key_5D719C34",
    ]);
    const declare = (addresses: string[]) => new Set(addresses.map((a) => `staging:${a}`));
    // Declaring one of the two is not enough.
    expect(
      applyStack(stackDir("data-bearing-delete"), "staging", reviewed, {
        bin: fake,
        intended: declare(["aws_s3_bucket.models-bucket_8567780F"]),
      }).ok,
    ).toBe(false);
    expect(
      applyStack(stackDir("data-bearing-delete"), "staging", reviewed, {
        bin: fake,
        intended: declare([
          "aws_s3_bucket.models-bucket_8567780F",
          "aws_kms_key.data-key_5D719C34",
        ]),
      }).ok,
    ).toBe(true);
  });

  test("reports a failing apply with what terraform printed", () => {
    const reviewed = reviewedOf("creates");
    fakeTerraform("apply");
    expect(applyStack(stackDir("creates"), "staging", reviewed, { bin: fake })).toEqual({
      ok: false,
      report: "staging: terraform apply FAILED\nboom from apply\n",
    });
  });

  test("a missing terraform binary is a clear error", () => {
    expect(() =>
      applyStack(stackDir("creates"), "staging", undefined, { bin: join(work, "no-terraform") }),
    ).toThrow(/no-terraform could not run/);
  });

  test("intended data loss is read from a reviewed file, comments ignored", () => {
    const file = join(work, "intended-data-loss.txt");
    writeFileSync(file, "# bucket renamed on purpose\nstaging:aws_s3_bucket.a  # see PR 12\n\n");
    expect([...readIntendedDataLoss(file)]).toEqual(["staging:aws_s3_bucket.a"]);
    expect([...readIntendedDataLoss(join(work, "none.txt"))]).toEqual([]);
  });
});
