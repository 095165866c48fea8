import { exportAll, NAMES, type Exported, type Hcl } from "./exported";

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { REPO_ROOT } from "../../helpers";

const exported: Record<string, Exported> = {};

beforeAll(() => exportAll(exported), 60_000);

describe("the committed modules (terraform-modules/, what a git tag releases)", () => {
  const root = join(REPO_ROOT, "terraform-modules");
  /**
   * What changed between the committed file and the export, line by line: the behaviour a
   * release would change for every caller. Regenerating is not the fix by itself; first decide
   * the change is intended, then export (npm run modules -- --out terraform-modules) and record
   * it in terraform-modules/CHANGELOG.md.
   */
  function changedLines(committed: string, exported: string): string {
    const before = committed.split("\n");
    const after = exported.split("\n");
    const removed = before.filter((line) => !after.includes(line)).map((l) => `- ${l}`);
    const added = after.filter((line) => !before.includes(line)).map((l) => `+ ${l}`);
    return [...removed, ...added].slice(0, 40).join("\n");
  }

  test.each(NAMES)("%s matches what the constructs export now", (name) => {
    for (const [path, text] of Object.entries(exported[name].rendered.files)) {
      const file = join(root, name, path);
      const committed = existsSync(file) ? readFileSync(file, "utf8") : "(missing)";
      const change =
        committed === text
          ? "unchanged"
          : `the constructs now export a different ${path}; is this change to every caller intended?\n${changedLines(committed, text)}`;
      expect([file, change]).toEqual([file, "unchanged"]);
    }
  });

  /** Data-bearing resources as released in v1 (construct-path names) and as they are now. */
  const DATA_BEARING = [
    "aws_kms_key",
    "aws_s3_bucket",
    "aws_sagemaker_domain",
    "aws_cloudwatch_log_group",
  ];
  const RELEASED = [
    "kms-key: aws_kms_key.key",
    "mlflow-server-role: aws_cloudwatch_log_group.mlflow_log_group",
    "secure-bucket: aws_s3_bucket.bucket",
    "secure-vpc: aws_cloudwatch_log_group.vpc_flow_logs_log_group",
    "studio-domain: aws_sagemaker_domain.studio_domain",
  ];

  test("the addresses of resources that hold data stay as released, or move with a moved block", () => {
    // Renaming one without a moved block makes Terraform destroy and recreate it in every
    // caller: add the moved block (the renderer does for `this`) and a CHANGELOG line.
    const current = NAMES.flatMap((name) => {
      const resources = (exported[name].parsed["main.tf"].resource ?? {}) as Hcl;
      return DATA_BEARING.flatMap((type) =>
        Object.keys(resources[type] ?? {}).map((n) => `${name}: ${type}.${n}`),
      );
    });
    expect(current.sort()).toEqual([
      "kms-key: aws_kms_key.this",
      "mlflow-server-role: aws_cloudwatch_log_group.this",
      "secure-bucket: aws_s3_bucket.this",
      "secure-vpc: aws_cloudwatch_log_group.this",
      "studio-domain: aws_sagemaker_domain.this",
    ]);
    for (const released of RELEASED) {
      if (current.includes(released)) continue;
      const [name, from] = released.split(": ");
      const moves = ((exported[name].parsed["moved.tf"]?.moved ?? []) as Hcl[]).map(
        (m) =>
          `${name}: ${String(m.from).replace(/^\$\{|\}$/g, "")} -> ${String(m.to).replace(/^\$\{|\}$/g, "")}`,
      );
      const to = moves.find((m) => m.startsWith(`${released} -> `));
      expect([released, to === undefined ? "no moved block" : "moved"]).toEqual([
        released,
        "moved",
      ]);
      expect(current).toContain(`${name}: ${to!.split(" -> ")[1]}`);
      expect(from).not.toBe(to!.split(" -> ")[1]);
    }
  });

  test("holds no module the constructs no longer export", () => {
    expect(readdirSync(root).sort()).toEqual([...NAMES, "CHANGELOG.md"].sort());
  });

  test("the modules page's ?ref= example names the latest release in the changelog", () => {
    const changelog = readFileSync(join(root, "CHANGELOG.md"), "utf8");
    const latest = /^## (\d+\.\d+\.\d+)$/m.exec(changelog)?.[1];
    expect(latest).toMatch(/^\d+\.\d+\.\d+$/);
    const readme = readFileSync(join(REPO_ROOT, "docs/modules.md"), "utf8");
    const refs = [...readme.matchAll(/terraform-modules\/[a-z-]+\?ref=(v[0-9.]+)/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toBe(`v${latest}`);
  });
});

/** `terraform` runs here only offline: variables-only roots need no provider. */
const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
if (!terraform) console.log("SKIPPED validation by terraform: no terraform binary on the PATH");
const withTerraform = terraform ? test : test.skip;

/** Runs terraform in `dir` without blocking, so several variables-only roots plan at once. */
function terraformAsync(dir: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("terraform", args, {
      cwd: dir,
      env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status: status ?? 1, output }));
  });
}

/**
 * Plans a root module holding only the module's variables.tf with the given inputs: Terraform
 * evaluates every validation rule, offline (no provider is needed). Resolves to its output, or
 * undefined when the plan succeeded.
 */
async function planVariables(
  name: string,
  inputs: Record<string, unknown>,
): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), `vars-${name}-`));
  try {
    writeFileSync(join(dir, "variables.tf"), exported[name].rendered.files["variables.tf"]);
    writeFileSync(join(dir, "inputs.auto.tfvars.json"), JSON.stringify(inputs));
    const init = await terraformAsync(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.status !== 0) return `init failed: ${init.output}`;
    const plan = await terraformAsync(dir, ["plan", "-input=false", "-no-color", "-lock=false"]);
    return plan.status === 0 ? undefined : plan.output.replace(/\s+/g, " ");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `jobs` with at most `limit` at a time, keeping their order in the results. */
async function inBatches<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** The example's inputs as values. */
function exampleInputs(name: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(exported[name].definition.example).map(([k, v]) => [k, JSON.parse(v)]),
  );
}

describe("validation rules, evaluated by terraform", () => {
  // Every plan runs up front, four at a time (each is two short terraform processes); the tests
  // below read their outcomes.
  const outcomes = new Map<string, string | undefined>();
  const key = (name: string, inputs: Record<string, unknown>) =>
    `${name} ${JSON.stringify(inputs)}`;

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["kms-key", { alias: "alias/aws/s3" }, /reserved for AWS managed keys/],
    ["kms-key", { alias: "my-key" }, /alias is "my-key"; it must be alias\/ followed by/],
    [
      "kms-key",
      { deletion_window_in_days: 3 },
      /deletion_window_in_days is 3; it must be a whole number from 7 to 30/,
    ],
    [
      "kms-key",
      { administrator_arns: ["arn:aws:iam::111111111111:user/alice"] },
      /every element must be an IAM role ARN/,
    ],
    ["kms-key", { user_arns: [] }, /user_arns is empty/],
    ["secure-bucket", { bucket_name: "My_Bucket" }, /bucket_name is "My_Bucket"/],
    [
      "secure-bucket",
      { glacier_days: 70, standard_ia_days: 60 },
      /at least 30 days after standard_ia_days \(60\)/,
    ],
    ["secure-bucket", { vpc_endpoint_exempt_role_arns: [] }, /locks it out/],
    [
      "secure-bucket",
      { glacier_days: 90, deep_archive_days: 179 },
      /at least 90 days after glacier_days \(90\)/,
    ],
    ["secure-vpc", { cidr: "10.10.0.1/16" }, /no host bits set/],
    ["secure-vpc", { cidr: "8.8.0.0/16" }, /RFC 1918/],
    ["secure-vpc", { availability_zone_count: 5 }, /from 2 to 4/],
    ["secure-vpc", { nat_gateways: "two" }, /must be one of none, single, one-per-az/],
    [
      "secure-vpc",
      { interface_endpoints: ["sagemaker.api", "s3"] },
      /every element must be one of/,
    ],
    [
      "secure-vpc",
      { cidr: "10.10.0.0/26", subnet_new_bits: 3 },
      /room for a private subnet per zone/,
    ],
    ["secure-vpc", { flow_logs_retention_in_days: 30 }, /flow_logs_retention_in_days is 30/],
    ["studio-domain", { auth_mode: "LDAP" }, /must be one of IAM, SSO/],
    ["model-hosting-roles", { source_account_id: "12345" }, /12-digit AWS account id/],
    ["model-hosting-roles", { external_id: "x" }, /STS allows 2 to 1224/],
    ["model-hosting-roles", { model_artifacts_prefix: "models" }, /ending in "\/"/],
    ["model-hosting-roles", { resource_name_prefix: "-mlops" }, /resource_name_prefix/],
    ["model-hosting-roles", { deployer_role_arn: "mlops-dev-model-deployer" }, /deployer_role_arn/],
    [
      "mlflow-server-role",
      { database_secret_arn: "not-an-arn" },
      /must be null or a Secrets Manager secret ARN/,
    ],
  ];
  beforeAll(async () => {
    if (!terraform) return;
    const cases: [string, Record<string, unknown>][] = [
      ...NAMES.map((name): [string, Record<string, unknown>] => [name, exampleInputs(name)]),
      ...bad.map(([name, change]): [string, Record<string, unknown>] => [
        name,
        { ...exampleInputs(name), ...change },
      ]),
    ];
    const outputs = await inBatches(
      cases.map(
        ([name, inputs]) =>
          () =>
            planVariables(name, inputs),
      ),
      4,
    );
    cases.forEach(([name, inputs], i) => outcomes.set(key(name, inputs), outputs[i]));
  }, 120_000);

  withTerraform.each(NAMES)("the example inputs of %s pass", (name) => {
    const inputs = exampleInputs(name);
    expect(outcomes.has(key(name, inputs))).toBe(true);
    expect(outcomes.get(key(name, inputs))).toBeUndefined();
  });

  withTerraform.each(bad)("%s refuses %j", (name, change, message) => {
    expect(outcomes.get(key(name, { ...exampleInputs(name), ...change }))).toMatch(message);
  });
});
