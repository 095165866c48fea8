import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlatform } from "../../../accounts/platform";
import { readSynthesizedStacks } from "../../../synthesis/read-synthesized";
import {
  RulePackError,
  synthesizeAtomically,
  synthesizePlatform,
} from "../../../synthesis/synthesize";
import { ActionCatalogue } from "../../../modules/rules/catalogue";
import { formatReport, loadCatalogue, scanStack, scanStacks } from "../../../modules/rules/engine";
import { RULE_IDS, RULE_PACK } from "../../../modules/rules/pack";
import { MLFLOW_TRACKING_SERVER_VIOLATIONS } from "../../../modules/rules/sagemaker/mlflow-tracking-server";
import { suppressRule } from "../../../modules/rules/suppress";
import { vpcDefaultSecurityGroupClosed } from "../../../modules/rules/network/default-security-group-closed";
import { kmsPreventDestroy } from "../../../modules/rules/kms/prevent-destroy";
import { dynamoDbPointInTimeRecovery } from "../../../modules/rules/database/dynamodb-point-in-time-recovery";
import { stackEncryptedStateWithLocking } from "../../../modules/rules/stack/encrypted-state-with-locking";
import type { StackJson } from "../../../modules/rules/types";
import { App, TerraformStack } from "../../../modules/core/cdktf";
import { exampleInput, parse } from "../../helpers";

let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), "rules-test-"))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function findingsOf(ruleId: string, json: StackJson): Promise<string[]> {
  const rule = RULE_PACK.find((r) => r.id === ruleId)!;
  const catalogue = await loadCatalogue({ s: json });
  return scanStack("s", json, catalogue, [rule]).findings.map((f) => `${f.address}: ${f.message}`);
}

describe("the rule pack", () => {
  test("covers every service the issue names, with unique ids", () => {
    expect(RULE_IDS.size).toBe(RULE_PACK.length);
    const services = new Set(RULE_PACK.map((r) => r.id.split(".")[0]));
    expect([...services].sort()).toEqual([
      "CloudTrail",
      "DynamoDB",
      "EC2",
      "IAM",
      "KMS",
      "Logs",
      "RDS",
      "S3",
      "SG",
      "SNS",
      "SageMaker",
      "Stack",
      "VPC",
    ]);
  });

  test.each(RULE_PACK.map((r) => [r.id, r] as const))(
    "%s has an id, a level, a summary and an explanation",
    (_id, rule) => {
      expect(rule.id).toMatch(/^[A-Za-z0-9]+\.[A-Za-z0-9]+$/);
      expect(["error", "warning"]).toContain(rule.level);
      expect(rule.summary.length).toBeGreaterThan(15);
      expect(rule.explanation.length).toBeGreaterThan(rule.summary.length);
    },
  );

  test.each(RULE_PACK.map((r) => r.id))("%s accepts its compliant example", async (id) => {
    expect(await findingsOf(id, RULE_PACK.find((r) => r.id === id)!.examples.compliant)).toEqual(
      [],
    );
  });

  test.each(
    RULE_PACK.flatMap((r) =>
      r.examples.nonCompliant.map((v, i) => [r.id, i + 1, v.findings.join("; "), v] as const),
    ),
  )("%s refuses violation %i with exactly: %s", async (id, _i, _f, violation) => {
    expect(await findingsOf(id, violation.stack)).toEqual(violation.findings);
  });

  test.each(RULE_PACK.map((r) => [r.id, r] as const))(
    "%s: every violation is refused, each differently from the compliant example",
    (_id, rule) => {
      const stacks = rule.examples.nonCompliant.map((v) => JSON.stringify(v.stack));
      expect(new Set(stacks).size).toBe(stacks.length);
      expect(stacks).not.toContain(JSON.stringify(rule.examples.compliant));
      for (const v of rule.examples.nonCompliant) expect(v.findings).not.toEqual([]);
    },
  );
});

describe("SageMaker.MlflowTrackingServer", () => {
  test("passes the compliant server and names each violation", async () => {
    expect(
      await findingsOf(
        "SageMaker.MlflowTrackingServer",
        RULE_PACK.find((r) => r.id === "SageMaker.MlflowTrackingServer")!.examples.compliant,
      ),
    ).toEqual([]);
    const found: Record<string, string[]> = {};
    for (const [name, json] of Object.entries(MLFLOW_TRACKING_SERVER_VIOLATIONS)) {
      found[name] = await findingsOf("SageMaker.MlflowTrackingServer", json);
    }
    const at = "aws_sagemaker_mlflow_tracking_server.server: ";
    expect(found).toEqual({
      "another bucket": [`${at}its artifact store is not a bucket of this stack`],
      "no customer managed key": [
        `${at}its artifact bucket aws_s3_bucket.artifacts is not SSE-KMS with a key`,
      ],
      "a role of another stack": [`${at}its role is not a role of this stack`],
      "a role beyond the bucket": [
        `${at}its role reaches S3 beyond the artifact bucket: arn:aws:s3:::other/*`,
      ],
      "no protection from destroy": [`${at}it is not protected from destroy`],
    });
  });
});

describe("rule details", () => {
  const tlsPolicy = (resources: string[]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "T",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: resources,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "V",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: resources,
          Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
      ],
    });
  const withTlsPolicy = (resources: string[]) => {
    const json = structuredClone(
      RULE_PACK.find((r) => r.id === "S3.TlsOnly")!.examples.compliant,
    ) as any;
    json.resource.aws_s3_bucket_policy.b.policy = tlsPolicy(resources);
    return json;
  };

  test("S3.TlsOnly accepts a policy naming the bucket by literal ARN, in any partition", async () => {
    expect(
      await findingsOf(
        "S3.TlsOnly",
        withTlsPolicy(["arn:aws-cn:s3:::data", "arn:aws-cn:s3:::data/*"]),
      ),
    ).toEqual([]);
  });

  test("S3.TlsOnly refuses a policy that names another bucket whose name ends like this one's", async () => {
    expect(
      await findingsOf(
        "S3.TlsOnly",
        withTlsPolicy(["arn:aws:s3:::my-data", "arn:aws:s3:::my-data/*"]),
      ),
    ).toEqual([
      "aws_s3_bucket.b: has no policy statement denying requests without TLS on the bucket and its objects",
    ]);
  });

  test("IAM.TrustNoWildcard names the statement, or says it has no Sid", async () => {
    const trust = (statement: object) => ({
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
          },
        },
      },
    });
    expect(
      await findingsOf(
        "IAM.TrustNoWildcard",
        trust({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }),
      ),
    ).toEqual(['aws_iam_role.r: trust statement Open names every principal ("*")']);
    expect(
      await findingsOf(
        "IAM.TrustNoWildcard",
        trust({ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" }),
      ),
    ).toEqual(["aws_iam_role.r: a trust statement names a whole account without a condition"]);
  });
});

describe("IAM action catalogue", () => {
  test("knows real actions and patterns, and refuses typos", async () => {
    const catalogue = new ActionCatalogue();
    await catalogue.load([
      "s3:GetObject",
      "kms:GenerateDataKey*",
      "s3:GetObjekt",
      "nosuchservice:Do",
    ]);
    expect(catalogue.exists("s3:GetObject")).toBe(true);
    expect(catalogue.exists("S3:getobject")).toBe(true);
    expect(catalogue.exists("kms:GenerateDataKey*")).toBe(true);
    expect(catalogue.exists("kms:Generate?ataKey")).toBe(true);
    expect(catalogue.exists("s3:GetObjekt")).toBe(false);
    expect(catalogue.exists("kms:Nothing*")).toBe(false);
    expect(catalogue.exists("nosuchservice:Do")).toBe(false);
  });
});

describe("suppressions", () => {
  function stackWithBucket(): { app: App; stack: TerraformStack; bucket: S3Bucket } {
    const app = new App({
      outdir: join(work, `out-${Math.random().toString(36).slice(2)}`),
      stackTraces: false,
    });
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const bucket = new S3Bucket(stack, "b", { bucket: "b" });
    return { app, stack, bucket };
  }

  test("a suppression with a reason is recorded in the synthesized metadata and honoured", async () => {
    const { app, stack, bucket } = stackWithBucket();
    suppressRule(bucket, "S3.Versioning", "scratch bucket, recreated by every run");
    suppressRule(
      stack,
      "Stack.EncryptedStateWithLocking",
      "throwaway stack used only in this test",
    );
    app.synth();
    const json = readSynthesizedStacks(app.outdir).s;
    expect((json.resource!.aws_s3_bucket.b as any)["//"].suppressions).toEqual([
      { id: "S3.Versioning", reason: "scratch bucket, recreated by every run" },
    ]);
    expect((json as any)["//"].suppressions).toEqual([
      { id: "Stack.EncryptedStateWithLocking", reason: "throwaway stack used only in this test" },
    ]);
    const report = await scanStacks({ s: json });
    const versioning = report.stacks[0].findings.find((f) => f.ruleId === "S3.Versioning")!;
    expect(versioning.suppressedBecause).toBe("scratch bucket, recreated by every run");
    expect(report.errors.map((e) => e.ruleId)).not.toContain("S3.Versioning");
    expect(report.errors.map((e) => e.ruleId)).not.toContain("Stack.EncryptedStateWithLocking");
    expect(report.errors.map((e) => e.ruleId)).toContain("S3.PublicAccessBlock");
    expect(formatReport(report)).toContain(
      "SUPPRESSED S3.Versioning aws_s3_bucket.b: scratch bucket, recreated by every run",
    );
  });

  test("several rules can be suppressed on one construct", () => {
    const { app, bucket } = stackWithBucket();
    suppressRule(bucket, "S3.Versioning", "scratch bucket, recreated by every run");
    suppressRule(bucket, "S3.AccessLogging", "scratch bucket, nobody reads it later");
    app.synth();
    expect(
      (readSynthesizedStacks(app.outdir).s.resource!.aws_s3_bucket.b as any)["//"].suppressions,
    ).toHaveLength(2);
  });

  test("a reason shorter than 10 characters is refused", () => {
    const { bucket } = stackWithBucket();
    expect(() => suppressRule(bucket, "S3.Versioning", "temp")).toThrow(
      's/b: the reason for suppressing S3.Versioning must say why in at least 10 characters (got "temp")',
    );
  });

  test("the RuleId union is exactly the pack's ids", () => {
    const source = readFileSync(join(__dirname, "../../../modules/rules/types.ts"), "utf8");
    const union = /export type RuleId =([^;]*);/.exec(source)![1];
    const ids = [...union.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(ids.sort()).toEqual(RULE_PACK.map((r) => r.id).sort());
  });

  test("an unknown rule id is refused", () => {
    const { bucket } = stackWithBucket();
    // tsc refuses it too: RuleId is a union of the pack's ids.
    // @ts-expect-error a misspelt rule id
    expect(() => suppressRule(bucket, "S3.Versionning", "because the bucket is scratch")).toThrow(
      /s\/b: cannot suppress unknown rule "S3.Versionning"; rules: S3.PublicAccessBlock, S3.Versioning/,
    );
  });
});

describe("the default platform", () => {
  let report: Awaited<ReturnType<typeof scanStacks>>;
  beforeAll(async () => {
    const out = join(work, "platform");
    report = (await synthesizePlatform(parse(exampleInput()), out)).report;
  });

  test("has zero unsuppressed findings, errors or warnings", () => {
    expect(
      report.stacks.flatMap((s) => s.findings.filter((f) => f.suppressedBecause === undefined)),
    ).toEqual([]);
  });

  test("every suppression it carries says why", () => {
    const suppressed = report.stacks.flatMap((s) =>
      s.findings.filter((f) => f.suppressedBecause !== undefined),
    );
    expect(suppressed.map((f) => `${f.stackId} ${f.ruleId}`).sort()).toEqual(
      ["dev", "prod", "staging"]
        .flatMap((a) => [
          `${a}-bootstrap S3.AccessLogging`,
          `${a}-bootstrap S3.KmsEncryption`,
          `${a}-bootstrap Stack.EncryptedStateWithLocking`,
        ])
        .sort(),
    );
    for (const f of suppressed) expect(f.suppressedBecause!.length).toBeGreaterThanOrEqual(30);
  });

  test("the report has a line per stack with resources, findings by level and suppressions", () => {
    const text = formatReport(report);
    expect(text).toMatch(/^dev: \d+ resources, 0 errors, 0 warnings, 0 suppressed$/m);
    expect(text).toMatch(/^dev-bootstrap: \d+ resources, 0 errors, 0 warnings, 3 suppressed$/m);
  });

  test("synthesis counts the suppressions and says where the reasons are; scan lists them", () => {
    const counted = formatReport(report, { suppressions: "count" });
    expect(counted).not.toContain("SUPPRESSED");
    expect(counted).toMatch(/^dev-bootstrap: \d+ resources, 0 errors, 0 warnings, 3 suppressed$/m);
    expect(counted.split("\n").at(-1)).toBe(
      "9 suppressed findings, each with its reason: npm run scan (or the rule pack's SARIF)",
    );
    expect(formatReport(report).match(/^ {2}SUPPRESSED /gm)).toHaveLength(9);
  });

  test("npm run scan's engine gives the same report over the written output", async () => {
    const again = await scanStacks(readSynthesizedStacks(join(work, "platform")));
    expect(formatReport(again)).toBe(formatReport(report));
  });
});

describe("a stack that adds insecure resources", () => {
  test("fails synthesis, naming each rule, and writes nothing", async () => {
    const out = join(work, "insecure");
    let error: unknown;
    try {
      await synthesizeAtomically(out, (app) => {
        const stacks = buildPlatform(app, parse(exampleInput()));
        const dev = stacks.accounts.dev;
        new S3Bucket(dev, "user-bucket", { bucket: "someones-bucket", forceDestroy: true });
        new KmsKeyResource(dev, "user-key", {
          description: "no rotation, no policy",
          deletionWindowInDays: 7,
        });
        new SecurityGroup(dev, "user-group", {
          vpcId: "vpc-0abc12345def67890",
          ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        });
        new IamRoleResource(dev, "user-role", {
          name: "open-role",
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
          }),
          inlinePolicy: [
            {
              name: "admin",
              policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
              }),
            },
          ],
          managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        });
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulePackError);
    const ids = new Set(
      (error as RulePackError).report.errors.map((e) => `${e.ruleId} ${e.address.split(".")[0]}`),
    );
    for (const expected of [
      "S3.PublicAccessBlock aws_s3_bucket",
      "S3.Versioning aws_s3_bucket",
      "S3.KmsEncryption aws_s3_bucket",
      "S3.TlsOnly aws_s3_bucket",
      "S3.NoForceDestroy aws_s3_bucket",
      "S3.PreventDestroy aws_s3_bucket",
      "KMS.Rotation aws_kms_key",
      "KMS.ExplicitPolicy aws_kms_key",
      "KMS.DeletionWindow aws_kms_key",
      "SG.Descriptions aws_security_group",
      "SG.NoOpenIngress aws_security_group",
      "SG.NoOpenAllTrafficEgress aws_security_group",
      "IAM.TrustNoWildcard aws_iam_role",
      "IAM.NoWildcardAction aws_iam_role",
      "IAM.NoAdminPolicies aws_iam_role",
    ]) {
      expect(ids).toContain(expected);
    }
    expect((error as RulePackError).message).toMatch(
      /^the rule pack found \d+ unsuppressed error\(s\): /,
    );
    expect(() => readSynthesizedStacks(out)).toThrow();
  });
});

describe("Stack.EncryptedStateWithLocking", () => {
  const check = (terraform: Record<string, unknown>) =>
    stackEncryptedStateWithLocking.check({ json: { terraform } } as any);

  test("HCP Terraform's cloud block passes: it encrypts and locks state", () => {
    expect(check({ cloud: { organization: "acme", workspaces: { name: "mlops-dev" } } })).toEqual(
      [],
    );
  });

  test.each([
    [
      { cloud: { workspaces: { name: "mlops-dev" } } },
      "has a cloud block without an organization and workspaces",
    ],
    [
      { cloud: { organization: "acme" } },
      "has a cloud block without an organization and workspaces",
    ],
    [
      { backend: { local: { path: "x" } } },
      "keeps its state in a local backend, not in encrypted S3 with locking",
    ],
    [{}, "keeps its state in a local backend, not in encrypted S3 with locking"],
    [
      { backend: { s3: { bucket: "b", key: "k", use_lockfile: true } } },
      "does not encrypt its state (backend s3 encrypt)",
    ],
    [
      { backend: { s3: { bucket: "b", key: "k", encrypt: true } } },
      "does not lock its state (use_lockfile or dynamodb_table)",
    ],
  ])("%j: %s", (terraform, problem) => {
    expect(check(terraform)).toEqual([problem]);
  });

  test("S3 with encryption and either lock passes", () => {
    expect(check({ backend: { s3: { encrypt: true, use_lockfile: true } } })).toEqual([]);
    expect(check({ backend: { s3: { encrypt: true, dynamodb_table: "t" } } })).toEqual([]);
  });
});

describe("the rules issue 19 found missing", () => {
  const resource = (type: string, config: any) => ({ type, name: "r", config }) as any;
  const ctx = { json: {} } as any;

  test.each([
    [
      {},
      "leaves its ingress and egress rules unmanaged (set ingress = [] and egress = []); AWS's default rules stay",
    ],
    [
      { egress: [] },
      "leaves its ingress rules unmanaged (set ingress = []); AWS's default rules stay",
    ],
    [
      { ingress: [] },
      "leaves its egress rules unmanaged (set egress = []); AWS's default rules stay",
    ],
    [{ ingress: [], egress: [{ protocol: "-1" }] }, "has rules"],
    [{ ingress: [{ protocol: "-1", self: true }], egress: [] }, "has rules"],
    [{ ingress: [], egress: [] }, undefined],
  ])("VPC.DefaultSecurityGroupClosed on %j: %s", (config, finding) => {
    expect(
      vpcDefaultSecurityGroupClosed.check(resource("aws_default_security_group", config), ctx),
    ).toBe(finding);
  });

  test.each([
    [{}, "is not protected by lifecycle.prevent_destroy"],
    [{ lifecycle: { prevent_destroy: false } }, "is not protected by lifecycle.prevent_destroy"],
    [{ lifecycle: { prevent_destroy: true } }, undefined],
  ])("KMS.PreventDestroy on %j: %s", (config, finding) => {
    expect(kmsPreventDestroy.check(resource("aws_kms_key", config), ctx)).toBe(finding);
  });

  test.each([
    [{}, "has no point-in-time recovery (point_in_time_recovery.enabled)"],
    [
      { point_in_time_recovery: [{ enabled: false }] },
      "has no point-in-time recovery (point_in_time_recovery.enabled)",
    ],
    [{ point_in_time_recovery: { enabled: true } }, undefined],
    [{ point_in_time_recovery: [{ enabled: true }] }, undefined],
  ])("DynamoDB.PointInTimeRecovery on %j: %s", (config, finding) => {
    expect(dynamoDbPointInTimeRecovery.check(resource("aws_dynamodb_table", config), ctx)).toBe(
      finding,
    );
  });
});
