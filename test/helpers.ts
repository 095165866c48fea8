import { parsePlatformConfig, readConfigFile } from "../accounts/config/loader";
import type { PlatformConfig, PlatformConfigInput } from "../accounts/config/schema/platform";
import { exampleConfig } from "../accounts/config/example";
import { buildPlatform, type PlatformStacks } from "../accounts/platform";
import { withoutTokenStackTracesSync } from "../synthesis/synthesize";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { tmpdir } from "node:os";
// Test-only: the step of cdktf's synthesis that applies aspects (the flavour shims the path).
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { App, TerraformStack, Testing } from "../modules/core/cdktf";
import type { PolicyDocument, PolicyStatement } from "../modules/iam/iam-policy";
import { resourcesOf as resourcesOfStack, type StackJson } from "../modules/core/terraform-json";

/** The repository's root folder, for tests that read files of the project. */
export const REPO_ROOT = resolve(__dirname, "..");

/** Test fixtures: `configs/good`, `configs/bad`, `plans`. */
export const FIXTURES = join(REPO_ROOT, "test", "fixtures");

/** The outdir of every test App (test/global-setup.js makes it and removes it after the run). */
export const TEST_OUTDIR = process.env.TEST_OUTDIR ?? join(tmpdir(), "mlops-tests");

/** A cdktf App for tests: no stack traces, one shared outdir instead of a new temp dir each. */
export function testApp(): App {
  return Testing.app({ stackTraces: false, outdir: TEST_OUTDIR });
}

/** A deep copy of the example config input, to change in one test. */
export function exampleInput(): PlatformConfigInput {
  return structuredClone(exampleConfig) as PlatformConfigInput;
}

export function parse(input: unknown): PlatformConfig {
  return parsePlatformConfig(input, "test");
}

/** Synthesized Terraform JSON of a stack: the project's one typed view of it. */
export type { StackJson } from "../modules/core/terraform-json";

export interface SynthesizedPlatform {
  stacks: PlatformStacks;
  /** Stack id → synthesized JSON, with validations run. */
  json: Record<string, StackJson>;
}

/**
 * Builds and synthesizes (with validators) every stack of a platform, or of some accounts.
 *
 * One synthesis per config per test run: the whole platform's JSON is kept in the run's
 * TEST_OUTDIR (made anew by test/global-setup.js), keyed by the config, so the test files that
 * synthesize the same config (most synthesize the example) read it instead of building it again
 * in each worker. The constructs (`stacks`) are built only when a test asks for them.
 */
export function synthPlatform(
  config: PlatformConfig = parse(exampleInput()),
  only?: readonly string[],
): SynthesizedPlatform {
  const cacheFile =
    only === undefined && process.env.TEST_OUTDIR !== undefined
      ? join(
          process.env.TEST_OUTDIR,
          "synthesized",
          `${createHash("sha256").update(JSON.stringify(config)).digest("hex")}.json`,
        )
      : undefined;
  if (cacheFile !== undefined && existsSync(cacheFile)) {
    let built: SynthesizedPlatform | undefined;
    return {
      json: JSON.parse(readFileSync(cacheFile, "utf8")),
      get stacks() {
        built ??= synthesizeNow(config, only);
        return built.stacks;
      },
    };
  }
  const result = synthesizeNow(config, only);
  if (cacheFile !== undefined) {
    // Written whole, then renamed: a worker reading it sees all of it or nothing.
    mkdirSync(dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(result.json));
    renameSync(partial, cacheFile);
  }
  return result;
}

function synthesizeNow(config: PlatformConfig, only?: readonly string[]): SynthesizedPlatform {
  // As synthesis does: cdktf captures a stack trace with every token, and jest's source-mapped
  // formatting of them made building a platform six times slower here than in the app.
  return withoutTokenStackTracesSync(() => {
    const app = testApp();
    const stacks = buildPlatform(app, config, only);
    const json: Record<string, StackJson> = {};
    for (const stack of [...Object.values(stacks.bootstraps), ...Object.values(stacks.accounts)]) {
      json[stack.node.id] = synthStack(stack);
    }
    return { stacks, json };
  });
}

/**
 * What `Testing.synth(stack, true)` gives, parsed: aspects applied, validations run, the stack's
 * Terraform JSON without cdktf's metadata. Testing.synth sorts every key by rebuilding each
 * object once per key, which was most of the tests' synthesis time; key order does not matter
 * to any assertion here.
 */
export function synthStack(stack: TerraformStack): StackJson {
  invokeAspects(stack);
  stack.runAllValidations();
  return withoutMetadata(stack.toTerraform()) as StackJson;
}

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key !== "//") result[key] = withoutMetadata(item);
  }
  return result;
}

/** All resources of one type in a stack, by name. */
export const resourcesOf = resourcesOfStack;

/** The only resource of a type in a stack; fails when there are none or several. */
export function onlyResource(stack: StackJson, type: string): any {
  const all = Object.values(resourcesOf(stack, type));
  if (all.length !== 1) {
    throw new Error(
      `expected one ${type}, found ${all.length}: ${Object.keys(resourcesOf(stack, type)).join(", ") || "none"}`,
    );
  }
  return all[0];
}

export function policyOf(resource: { policy: string }): PolicyDocument {
  return JSON.parse(resource.policy) as PolicyDocument;
}

export function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found)
    throw new Error(`no statement "${sid}" in ${doc.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

/** Where a module under test lives: account 111111111111 in eu-west-1 (the provider's region). */
export const TEST_ENV = {
  accountId: "111111111111",
  region: "eu-west-1",
  partition: "aws",
  dnsSuffix: "amazonaws.com",
} as const;

/** A bare stack with an AWS provider, for testing one module on its own. */
export function moduleTestStack(id = "test"): TerraformStack {
  const stack = new TerraformStack(testApp(), id);
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/** The one resource of a type that matches; returns its name and body. */
export function findResource(
  stack: StackJson,
  type: string,
  predicate: (resource: any) => boolean,
  what = predicate.toString().replace(/\s+/g, " ").slice(0, 160),
): [string, any] {
  const all = Object.entries(resourcesOf(stack, type));
  const found = all.filter(([, r]) => predicate(r));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} where ${what}, found ${found.length} of ${all.length}: ${all.map(([name]) => name).join(", ") || "none"}`,
    );
  }
  return found[0];
}

/** The KMS key behind an alias name, in the stack's main region unless a provider is named. */
export function keyByAlias(stack: StackJson, alias: string, provider?: string): [string, any] {
  const [, aliasResource] = findResource(
    stack,
    "aws_kms_alias",
    (a) => a.name === alias && a.provider === provider,
    `name is ${alias}${provider ? ` and provider ${provider}` : ""}`,
  );
  const name = /^\$\{aws_kms_key\.([^.]+)\.key_id\}$/.exec(aliasResource.target_key_id)![1];
  return [name, resourcesOf(stack, "aws_kms_key")[name]];
}

/** The bucket with this name, and the resources that configure it (policy, lifecycle, ...). */
export function bucketByName(
  stack: StackJson,
  bucketName: string,
): { name: string; config: (type: string) => any } {
  const [name] = findResource(
    stack,
    "aws_s3_bucket",
    (b) => b.bucket === bucketName,
    `bucket is ${bucketName}`,
  );
  const idRef = `\${aws_s3_bucket.${name}.id}`;
  return {
    name,
    config: (type: string) =>
      findResource(stack, type, (r) => r.bucket === idRef, `bucket is ${bucketName} (${idRef})`)[1],
  };
}

/** Using a key to encrypt and decrypt, spelled out independently of the source's list. */
export const KEY_USE_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey*",
  "kms:ReEncrypt*",
];

/**
 * The statements a bucket grant must write, spelled out here independently of the source's action
 * lists: listing limited to the prefixes, bucket reads, object reads (and writes), and the key
 * through S3 only, for this bucket's objects only. `label` starts every Sid (`DataBucketRead`).
 */
export function expectedGrant(
  label: string,
  bucketArn: string,
  keyArn: string,
  access: "read-only" | "read-write",
  region = "eu-west-1",
  prefixes?: string[],
): PolicyStatement[] {
  const write = access === "read-write";
  return [
    {
      Sid: `${label}List`,
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      ...(prefixes
        ? { Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } } }
        : {}),
    },
    {
      Sid: `${label}Bucket`,
      Effect: "Allow",
      Action: write
        ? ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"]
        : ["s3:GetBucketLocation"],
      Resource: bucketArn,
    },
    {
      Sid: `${label}Objects`,
      Effect: "Allow",
      Action: [
        "s3:GetObject",
        "s3:GetObjectTagging",
        "s3:GetObjectVersion",
        ...(write
          ? [
              "s3:AbortMultipartUpload",
              "s3:DeleteObject",
              "s3:ListMultipartUploadParts",
              "s3:PutObject",
              "s3:PutObjectTagging",
            ]
          : []),
      ],
      Resource: prefixes ? prefixes.map((p) => `${bucketArn}/${p}*`) : [`${bucketArn}/*`],
    },
    {
      Sid: `${label}Key`,
      Effect: "Allow",
      Action: write
        ? [
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
          ]
        : ["kms:Decrypt", "kms:DescribeKey"],
      Resource: keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
        StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
      },
    },
  ];
}

/** The managed policy a platform role owns under a name (`<role>-<policy>`). */
export function rolePolicy(
  stack: StackJson,
  roleName: string,
  policyName = "permissions",
): PolicyDocument {
  const [, policy] = findResource(
    stack,
    "aws_iam_policy",
    (p) => p.name === `${roleName}-${policyName}`,
  );
  return JSON.parse(policy.policy) as PolicyDocument;
}

/** Every statement of every policy a role has: attached managed policies and inline ones. */
export function allPoliciesOf(stack: StackJson, roleName: string): PolicyStatement[] {
  const [role] = findResource(stack, "aws_iam_role", (r) => r.name === roleName);
  const roleRef = (attr: string) => `\${aws_iam_role.${role}.${attr}}`;
  const statements: PolicyStatement[] = [];
  for (const attachment of Object.values(resourcesOf(stack, "aws_iam_role_policy_attachment"))) {
    if (attachment.role !== roleRef("name")) continue;
    const policy = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(attachment.policy_arn);
    if (policy === null) continue;
    const document = JSON.parse(resourcesOf(stack, "aws_iam_policy")[policy[1]].policy);
    statements.push(...(document as PolicyDocument).Statement);
  }
  for (const inline of Object.values(resourcesOf(stack, "aws_iam_role_policy"))) {
    if (inline.role !== roleRef("name") && inline.role !== roleRef("id")) continue;
    statements.push(...(JSON.parse(inline.policy) as PolicyDocument).Statement);
  }
  return statements;
}

/** The problems a changed example config is rejected with (empty when accepted). */
export function problemsOf(change: (input: any) => void): readonly string[] {
  const input = exampleInput() as any;
  change(input);
  try {
    parse(input);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

/** The trust statements of a role, by its name. */
export function trustOf(stack: StackJson, roleName: string): PolicyStatement[] {
  return JSON.parse(
    findResource(stack, "aws_iam_role", (r) => r.name === roleName)[1].assume_role_policy,
  ).Statement;
}

/** Synthesizes the example platform after a change to its config. */
export function synthWith(change: (input: any) => void): Record<string, StackJson> {
  const input = exampleInput() as any;
  change(input);
  return synthPlatform(parse(input)).json;
}

/** A Terraform reference to a resource attribute, as synthesized: `${type.name.attribute}`. */
export function ref(type: string, name: string, attribute = "id"): string {
  return `\${${type}.${name}.${attribute}}`;
}

/** A good fixture config (`test/fixtures/configs/good/<name>`), parsed. */
export function goodFixture(name: string): PlatformConfig {
  const file = join(FIXTURES, "configs", "good", name);
  return parsePlatformConfig(readConfigFile(file), file);
}

/**
 * The example and every good fixture, as `[name, load]` pairs for `test.each`; `change` may edit
 * each raw config before it is parsed (the example's is already valid input).
 */
export function goodConfigs(
  change: (raw: Record<string, unknown>) => Record<string, unknown> = (raw) => raw,
): [string, () => PlatformConfig][] {
  const dir = join(FIXTURES, "configs", "good");
  return [
    ["the example", () => parse(change(exampleInput() as unknown as Record<string, unknown>))],
    ...readdirSync(dir).map((f): [string, () => PlatformConfig] => [
      f,
      () => parse(change(readConfigFile(join(dir, f)) as Record<string, unknown>)),
    ]),
  ];
}
