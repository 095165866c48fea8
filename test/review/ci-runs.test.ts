import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyStack, ciStacks, planComment, planStack } from "../../review/ci-runs";
import { exampleInput, FIXTURES, parse } from "../helpers";

const PLANS = join(FIXTURES, "plans");
let work: string;
let fake: string;
let log: string;

/** A terraform that records its arguments and answers `show` from a fixture plan. */
function fakeTerraform(failOn?: string): void {
  writeFileSync(
    fake,
    [
      "#!/bin/bash",
      `echo "$*" >> "${log}"`,
      failOn ? `[ "$1" = "${failOn}" ] && { echo "boom from ${failOn}" >&2; exit 1; }` : "",
      'if [ "$1" = "show" ] && [ "$2" = "-json" ]; then cat plan-fixture.json; fi',
      'if [ "$1" = "show" ] && [ "$2" = "-no-color" ]; then echo "Plan: text"; fi',
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(fake, 0o755);
}

function stackDir(fixture: string): string {
  const dir = join(work, "stacks", "staging");
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(PLANS, `${fixture}.json`), join(dir, "plan-fixture.json"));
  return dir;
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "ci-runs-"));
  fake = join(work, "terraform");
  log = join(work, "terraform.log");
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("CI stacks", () => {
  test("every account stack, with its plan and apply roles and GitHub environment", () => {
    expect(ciStacks(parse(exampleInput()))).toEqual([
      {
        stack: "dev",
        account: "dev",
        region: "eu-west-1",
        planRoleArn: "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
        applyRoleArn: "arn:aws:iam::111111111111:role/mlops-dev-ci-apply",
        environment: "dev",
      },
      expect.objectContaining({ stack: "staging", environment: "staging" }),
      expect.objectContaining({
        stack: "prod",
        environment: "production",
        planRoleArn: "arn:aws:iam::333333333333:role/mlops-prod-ci-plan",
      }),
    ]);
  });

  test("bootstrap stacks too, once their state lives in S3", () => {
    const stacks = ciStacks(parse({ ...exampleInput(), state: { bootstrapBackend: "s3" } })).map(
      (s) => s.stack,
    );
    expect(stacks).toEqual([
      "dev-bootstrap",
      "dev",
      "staging-bootstrap",
      "staging",
      "prod-bootstrap",
      "prod",
    ]);
  });

  test("none without ci in config", () => {
    const input = exampleInput() as any;
    delete input.ci;
    expect(ciStacks(parse(input))).toEqual([]);
  });
});

describe("plan run", () => {
  const role = "arn:aws:iam::222222222222:role/mlops-staging-ci-plan";

  test("inits with the backend assuming the plan role, validates, plans as it, saves text, JSON and summary", () => {
    fakeTerraform();
    const dir = stackDir("updates");
    const result = planStack(dir, "staging", role, fake);
    expect(result.ok).toBe(true);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
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
    expect(readFileSync(join(dir, "plan-summary.txt"), "utf8")).toContain(
      "staging: 0 to create, 2 to update, 0 to replace, 0 to delete",
    );
  });

  test("fails on the destruction of a data-bearing resource", () => {
    fakeTerraform();
    const result = planStack(stackDir("data-bearing-delete"), "staging", role, fake);
    expect(result.ok).toBe(false);
    expect(result.report).toContain("DATA LOSS delete of aws_s3_bucket.models-bucket_8567780F");
  });

  test("stops at the first failing terraform step and reports it", () => {
    fakeTerraform("validate");
    const result = planStack(stackDir("creates"), "staging", role, fake);
    expect(result).toEqual({
      ok: false,
      report: "staging: terraform validate FAILED\nboom from validate\n",
    });
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(2);
  });

  test("a failed plan is commented with its error", () => {
    fakeTerraform("plan");
    const dir = stackDir("creates");
    expect(planStack(dir, "staging", role, fake).ok).toBe(false);
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

  test("the comment carries the summary", () => {
    fakeTerraform();
    const dir = stackDir("creates");
    planStack(dir, "staging", role, fake);
    expect(planComment("staging", dir)).toBe(
      [
        "### Terraform plan: `staging`",
        "",
        "```",
        "staging: 2 to create, 0 to update, 0 to replace, 0 to delete",
        "  create  aws_vpc.network_vpc_4E8F0223",
        "  create  aws_subnet.network_private-subnet-0_0C797916",
        "```",
        "",
        "Full plan: the `plan-staging` artifact.",
      ].join("\n"),
    );
  });
});

describe("apply run", () => {
  test("inits with the stack's own backend (deploy role) and applies", () => {
    fakeTerraform();
    expect(applyStack(stackDir("creates"), "staging", fake)).toEqual({
      ok: true,
      report: "staging: applied",
    });
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "init -input=false -no-color",
      "apply -input=false -no-color -auto-approve -lock-timeout=5m",
    ]);
  });

  test("reports a failing apply", () => {
    fakeTerraform("apply");
    expect(applyStack(stackDir("creates"), "staging", fake).ok).toBe(false);
  });

  test("a missing terraform binary is a clear error", () => {
    expect(() => applyStack(stackDir("creates"), "staging", join(work, "no-terraform"))).toThrow(
      /could not run/,
    );
  });
});
