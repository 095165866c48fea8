import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { CI_SHARDS, ciMatrices } from "../../ci/github/matrices";
import { ciAccounts, ciStacks, terraformTokenVariable } from "../../ci/stacks";
import { exampleInput, parse, REPO_ROOT } from "../helpers";

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
    expect(Object.keys(workflow.jobs).filter((job) => job !== "access")).toEqual([
      "synth",
      ...shards.map((i) => `${kind}-${i}`),
    ]);
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

describe("the state host's token variable", () => {
  test.each([
    ["app.terraform.io", "TF_TOKEN_app_terraform_io"],
    ["tfe.acme-corp.example", "TF_TOKEN_tfe_acme__corp_example"],
  ])("%s -> %s", (host, variable) => {
    expect(terraformTokenVariable(host)).toBe(variable);
  });
});
