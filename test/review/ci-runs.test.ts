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
import {
  applyStack,
  CI_SHARDS,
  ciAccounts,
  ciMatrices,
  ciStacks,
  findReviewedRun,
  planComment,
  planStack,
  readIntendedDataLoss,
  REVIEWED_PLAN,
  type ReviewedPlan,
} from "../../review/ci-runs";
import { parse as parseYaml } from "yaml";
import { exampleInput, FIXTURES, parse, REPO_ROOT } from "../helpers";

const PLANS = join(FIXTURES, "plans");
const role = "arn:aws:iam::222222222222:role/mlops-staging-ci-plan";
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

  test("bootstrap stacks too with HCP Terraform state, remote from their first apply", () => {
    const input = exampleInput() as any;
    input.state = { hcpTerraform: { organization: "acme" } };
    expect(ciAccounts(parse(input)).map((a) => a.stacks)).toEqual([
      "dev-bootstrap dev",
      "staging-bootstrap staging",
      "prod-bootstrap prod",
    ]);
  });

  test("none without ci in config", () => {
    const input = exampleInput() as any;
    delete input.ci;
    expect(ciStacks(parse(input))).toEqual([]);
    expect(ciAccounts(parse(input))).toEqual([]);
  });
});

describe("the workflows' matrices: one job per account, sharded", () => {
  test("an account's job runs its stacks in apply order with its roles and environment", () => {
    const accounts = ciAccounts(parse({ ...exampleInput(), state: { bootstrapBackend: "s3" } }));
    expect(accounts).toEqual([
      {
        account: "dev",
        stacks: "dev-bootstrap dev",
        region: "eu-west-1",
        planRoleArn: "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
        applyRoleArn: "arn:aws:iam::111111111111:role/mlops-dev-ci-apply",
        environment: "dev",
      },
      expect.objectContaining({ account: "staging", stacks: "staging-bootstrap staging" }),
      expect.objectContaining({
        account: "prod",
        stacks: "prod-bootstrap prod",
        environment: "production",
      }),
    ]);
    expect(ciAccounts(parse(exampleInput())).map((a) => a.stacks)).toEqual([
      "dev",
      "staging",
      "prod",
    ]);
  });

  const fake = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...ciAccounts(parse(exampleInput()))[0],
      account: `a${i}`,
    }));

  test("256 accounts fill shard-0; the 257th starts shard-1; 1,024 fill all four", () => {
    expect(ciMatrices(fake(3)).map((m) => m.include.length)).toEqual([3, 0, 0, 0]);
    expect(ciMatrices(fake(256)).map((m) => m.include.length)).toEqual([256, 0, 0, 0]);
    const split = ciMatrices(fake(257));
    expect(split.map((m) => m.include.length)).toEqual([256, 1, 0, 0]);
    expect(split[1].include[0].account).toBe("a256");
    expect(ciMatrices(fake(1024)).map((m) => m.include.length)).toEqual([256, 256, 256, 256]);
  });

  test("more accounts than the shards hold are refused, naming the limit", () => {
    expect(() => ciMatrices(fake(1025))).toThrow(
      "1025 accounts with CI: the workflows run at most 4 matrices of 256 jobs (1024 accounts); add shard jobs to .github/workflows/plan.yml and apply.yml and raise CI_SHARDS",
    );
  });

  test.each(["plan", "apply"])("%s.yml has one job per shard, each fed its own matrix", (kind) => {
    const workflow = parseYaml(
      readFileSync(join(REPO_ROOT, ".github", "workflows", `${kind}.yml`), "utf8"),
    );
    const shards = Array.from({ length: CI_SHARDS }, (_, i) => i);
    expect(Object.keys(workflow.jobs)).toEqual(["synth", ...shards.map((i) => `${kind}-${i}`)]);
    for (const i of shards) {
      expect(workflow.jobs.synth.outputs[`shard-${i}`]).toBe(
        `\${{ steps.matrices.outputs.shard-${i} }}`,
      );
      expect(workflow.jobs[`${kind}-${i}`]).toMatchObject({
        needs: "synth",
        if: `\${{ needs.synth.outputs.shard-${i} != '{"include":[]}' }}`,
        uses: `./.github/workflows/${kind}-accounts.yml`,
        with: { matrix: `\${{ needs.synth.outputs.shard-${i} }}` },
      });
    }
    const called = parseYaml(
      readFileSync(join(REPO_ROOT, ".github", "workflows", `${kind}-accounts.yml`), "utf8"),
    );
    expect(called.jobs[kind].strategy.matrix).toBe("${{ fromJSON(inputs.matrix) }}");
    expect(called.jobs[kind].strategy["max-parallel"]).toBe(kind === "apply" ? 8 : undefined);
  });
});

describe("plan run", () => {
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
  /** The reviewed plan a plan job leaves, for a fixture plan. */
  function reviewedOf(fixture: string): ReviewedPlan {
    fakeTerraform();
    const dir = join(work, "reviewed", fixture);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(PLANS, `${fixture}.json`), join(dir, "plan-fixture.json"));
    planStack(dir, "staging", role, fake, new Set(["staging:aws_s3_bucket.data-bucket_7B4C5F6D"]));
    return JSON.parse(readFileSync(join(dir, REVIEWED_PLAN), "utf8"));
  }

  test("applies exactly the saved plan when it is the reviewed one", () => {
    const reviewed = reviewedOf("creates");
    expect(reviewed).toEqual({
      stack: "staging",
      changes: [
        { address: "aws_subnet.network_private-subnet-0_0C797916", kind: "create" },
        { address: "aws_vpc.network_vpc_4E8F0223", kind: "create" },
      ],
    });
    writeFileSync(log, "");
    fakeTerraform();
    expect(applyStack(stackDir("creates"), "staging", reviewed, new Set(), fake)).toEqual({
      ok: true,
      report: "staging: applied the reviewed plan (2 changes)",
    });
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "init -input=false -no-color",
      "plan -input=false -no-color -lock-timeout=5m -out=apply.tfplan",
      "show -json apply.tfplan",
      "apply -input=false -no-color -lock-timeout=5m apply.tfplan",
    ]);
  });

  test("refuses without a reviewed plan, and applies nothing", () => {
    fakeTerraform();
    expect(applyStack(stackDir("creates"), "staging", undefined, new Set(), fake)).toEqual({
      ok: false,
      report:
        "staging: NOT APPLIED: no reviewed plan (changes reach this branch through a pull request whose plan job ran)",
    });
    expect(readFileSync(log, "utf8")).not.toMatch(/^apply /m);
  });

  test("refuses a plan that differs from the reviewed one, naming each difference", () => {
    const reviewed = reviewedOf("updates");
    fakeTerraform();
    const result = applyStack(stackDir("creates"), "staging", reviewed, new Set(), fake);
    expect(result.ok).toBe(false);
    expect(result.report.split("\n")[0]).toBe(
      "staging: NOT APPLIED: the plan differs from the reviewed one (re-run the pull request's plan):",
    );
    expect(result.report).toContain(
      "  + create aws_vpc.network_vpc_4E8F0223: not in the reviewed plan",
    );
    expect(result.report).toMatch(/^  - update .+: reviewed, no longer planned$/m);
    expect(readFileSync(log, "utf8")).not.toMatch(/^apply /m);
  });

  test("refuses undeclared data loss even when reviewed; applies it once declared intended", () => {
    const reviewed = reviewedOf("data-bearing-delete");
    fakeTerraform();
    const refused = applyStack(
      stackDir("data-bearing-delete"),
      "staging",
      reviewed,
      new Set(),
      fake,
    );
    expect(refused.ok).toBe(false);
    expect(refused.report).toMatch(
      /^staging: NOT APPLIED: it would destroy data nobody declared intended:\n  (delete|replace) aws_s3_bucket\./,
    );
    expect(refused.report.split("\n").slice(1)).toEqual([
      "  delete aws_s3_bucket.models-bucket_8567780F",
      "  replace aws_kms_key.data-key_5D719C34",
    ]);
    const declare = (addresses: string[]) => new Set(addresses.map((a) => `staging:${a}`));
    // Declaring one of the two is not enough.
    expect(
      applyStack(
        stackDir("data-bearing-delete"),
        "staging",
        reviewed,
        declare(["aws_s3_bucket.models-bucket_8567780F"]),
        fake,
      ).ok,
    ).toBe(false);
    expect(
      applyStack(
        stackDir("data-bearing-delete"),
        "staging",
        reviewed,
        declare(["aws_s3_bucket.models-bucket_8567780F", "aws_kms_key.data-key_5D719C34"]),
        fake,
      ).ok,
    ).toBe(true);
  });

  test("reports a failing apply", () => {
    const reviewed = reviewedOf("creates");
    fakeTerraform("apply");
    expect(applyStack(stackDir("creates"), "staging", reviewed, new Set(), fake).ok).toBe(false);
  });

  test("a missing terraform binary is a clear error", () => {
    expect(() =>
      applyStack(stackDir("creates"), "staging", undefined, new Set(), join(work, "no-terraform")),
    ).toThrow(/could not run/);
  });

  test("intended data loss is read from a reviewed file, comments ignored", () => {
    const file = join(work, "intended-data-loss.txt");
    writeFileSync(file, "# bucket renamed on purpose\nstaging:aws_s3_bucket.a  # see PR 12\n\n");
    expect([...readIntendedDataLoss(file)]).toEqual(["staging:aws_s3_bucket.a"]);
    expect([...readIntendedDataLoss(join(work, "none.txt"))]).toEqual([]);
  });
});

describe("the reviewed plan of a merge commit", () => {
  const api = (answers: Record<string, unknown>) => async (path: string) => {
    if (!(path in answers)) throw new Error(`unexpected ${path}`);
    return answers[path];
  };
  const runs =
    "/repos/o/r/actions/workflows/plan.yml/runs?head_sha=abc&event=pull_request&status=success&per_page=1";

  test("the merged pull request's last successful plan run", async () => {
    expect(
      await findReviewedRun(
        api({
          "/repos/o/r/commits/m1/pulls": [
            { number: 3, merged_at: null, head: { sha: "zzz" } },
            { number: 7, merged_at: "2026-11-30T10:00:00Z", head: { sha: "abc" } },
          ],
          [runs]: { workflow_runs: [{ id: 42 }] },
        }),
        "o/r",
        "m1",
      ),
    ).toEqual({ pullRequest: 7, runId: 42 });
  });

  test("none for a direct push, or a pull request whose plan never succeeded", async () => {
    expect(await findReviewedRun(api({ "/repos/o/r/commits/m1/pulls": [] }), "o/r", "m1")).toBe(
      undefined,
    );
    expect(
      await findReviewedRun(
        api({
          "/repos/o/r/commits/m1/pulls": [
            { number: 7, merged_at: "2026-11-30T10:00:00Z", head: { sha: "abc" } },
          ],
          [runs]: { workflow_runs: [] },
        }),
        "o/r",
        "m1",
      ),
    ).toBe(undefined);
  });
});
