/**
 * The CI plan role can refresh everything the platform synthesizes, and reads no secret: for every
 * good fixture (CI turned on where the fixture has none), every resource and data source of every
 * stack, every call the provider makes to refresh it (refresh-reads.ts) is simulated as the plan
 * role from a hosted runner (no VPC endpoint) with @cloud-copilot/iam-simulate, against the role's
 * policies and the resource's own policy (bucket policy, key policy).
 */
import type { PlatformConfig } from "../../accounts/config/schema/platform";
import { AccountNames, namingInput } from "../../accounts/naming";
import type { PolicyDocument, PolicyStatement } from "../../modules/iam/iam-policy";
import {
  allPoliciesOf,
  exampleInput,
  goodConfigs,
  parse,
  synthPlatform,
  type StackJson,
} from "../helpers";
import { resolver, simulate } from "../iam-simulate";
import { PROVIDER_READS, REFRESH_READS } from "./refresh-reads";

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly resourcePolicy?: PolicyDocument;
}

/** Every request a refresh of the stack makes, with the resource's own policy where it has one. */
function refreshRequests(stack: StackJson, names: AccountNames, unknown: Set<string>): Request[] {
  const resolve = resolver(stack, names);
  const bucketPolicies = new Map<string, PolicyDocument>();
  for (const p of Object.values(stack.resource?.aws_s3_bucket_policy ?? {}))
    bucketPolicies.set(resolve(p.bucket), JSON.parse(resolve(p.policy)));
  const requests: Request[] = PROVIDER_READS.map((action) => ({ action, resource: "*" }));
  const entries: [string, any][] = [
    ...Object.entries(stack.resource ?? {}).flatMap(([type, rs]) =>
      Object.entries(rs).map(([name, r]) => [type, { ...r, __name: name }] as [string, any]),
    ),
    ...Object.entries(stack.data ?? {}).flatMap(([type, rs]) =>
      Object.values(rs).map((r) => [`data.${type}`, r] as [string, any]),
    ),
  ];
  for (const [type, r] of entries) {
    const actions = REFRESH_READS[type];
    if (actions === undefined) {
      unknown.add(type);
      continue;
    }
    let resource = "*";
    let resourcePolicy: PolicyDocument | undefined;
    if (type.startsWith("aws_s3_bucket")) {
      const bucket = resolve(r.bucket);
      resource = `arn:${names.partition}:s3:::${bucket}`;
      resourcePolicy = bucketPolicies.get(bucket);
    } else if (type === "aws_kms_key") {
      resource = `arn:${names.partition}:kms:${names.region}:${names.accountId}:key/${r.__name}`;
      resourcePolicy = JSON.parse(resolve(r.policy));
    } else if (type === "aws_ssm_document") {
      resource = `arn:${names.partition}:ssm:${names.region}:${names.accountId}:document/${r.name}`;
    } else if (type.endsWith("aws_ssm_parameter")) {
      // (AWS's public parameters have no account in their ARN; the simulator needs one.)
      resource = `arn:${names.partition}:ssm:${names.region}:${names.accountId}:parameter${r.name}`;
    }
    for (const action of actions) requests.push({ action, resource, resourcePolicy });
  }
  return requests;
}

function decide(
  planRole: string,
  names: AccountNames,
  identity: PolicyStatement[],
  request: Request,
): Promise<string> {
  return simulate(
    {
      principal: planRole,
      action: request.action,
      resource: request.resource,
      resourceAccount: names.accountId,
      // From a hosted runner: no VPC endpoint, TLS.
      context: { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" },
    },
    { identity, resource: request.resourcePolicy },
  );
}

/** The plan role of an account, its policies with references resolved. */
function planRoleOf(json: Record<string, StackJson>, config: PlatformConfig, account: string) {
  const names = new AccountNames(namingInput(config, account));
  const bootstrap = json[`${account}-bootstrap`];
  const identity = JSON.parse(
    resolver(bootstrap, names)(JSON.stringify(allPoliciesOf(bootstrap, names.ciPlanRoleName))),
  ) as PolicyStatement[];
  return { names, arn: names.ciPlanRoleArn, identity };
}

// CI turned on where a fixture has none: the plan role then exists for its resources.
const configs = goodConfigs((raw) => ({
  ...raw,
  ci: raw.ci ?? { github: { repository: "example-org/mlops-platform" } },
}));

describe("the CI plan role refreshes every synthesized resource type", () => {
  test.each(configs)("%s", async (_, load) => {
    const config = load();
    const { json } = synthPlatform(config);
    const unknown = new Set<string>();
    const denied: string[] = [];
    for (const account of Object.keys(config.accounts)) {
      const role = planRoleOf(json, config, account);
      for (const stack of [`${account}-bootstrap`, account]) {
        const seen = new Set<string>();
        for (const request of refreshRequests(json[stack], role.names, unknown)) {
          const key = `${request.action} ${request.resource} ${JSON.stringify(request.resourcePolicy ?? "")}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const decision = await decide(role.arn, role.names, role.identity, request);
          if (decision !== "Allowed")
            denied.push(`${stack}: ${request.action} on ${request.resource}: ${decision}`);
        }
      }
    }
    expect(
      [...unknown].map((t) => `${t}: add its refresh calls to test/ci/refresh-reads.ts`),
    ).toEqual([]);
    expect(denied).toEqual([]);
  });
});

describe("the CI plan role reads no secret and no data", () => {
  const config = parse(exampleInput());
  const { json } = synthPlatform(config, ["dev"]);
  const role = planRoleOf(json, config, "dev");
  const { partition: p, region, accountId } = role.names;
  const dataBucket = `arn:${p}:s3:::${role.names.stem}-data-${accountId}-${region}`;

  test.each([
    [
      "secretsmanager:GetSecretValue",
      `arn:${p}:secretsmanager:${region}:${accountId}:secret:mlops-dev-mlflow-db-AbCdEf`,
    ],
    ["s3:GetObject", `${dataBucket}/datasets/train.csv`],
    ["s3:PutObject", `${dataBucket}/datasets/train.csv`],
    ["kms:Decrypt", `arn:${p}:kms:${region}:${accountId}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`],
    ["ssm:GetParameter", `arn:${p}:ssm:${region}:${accountId}:parameter/team/database-password`],
    ["ssm:GetParameter", `arn:${p}:ssm:${region}:${accountId}:parameter/platform/mlops-staging/x`],
    ["sts:AssumeRole", `arn:${p}:iam::${accountId}:role/terraform-deploy`],
  ])("%s on %s is denied", async (action, resource) => {
    expect(await decide(role.arn, role.names, role.identity, { action, resource })).not.toBe(
      "Allowed",
    );
  });

  test("while it reads the platform's own plain parameters and AWS's public ones", async () => {
    for (const resource of [
      `arn:${p}:ssm:${region}:${accountId}:parameter/platform/mlops-dev/mlflow/tls-certificate`,
      `arn:${p}:ssm:${region}:${accountId}:parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`,
    ])
      expect(
        await decide(role.arn, role.names, role.identity, { action: "ssm:GetParameter", resource }),
      ).toBe("Allowed");
  });
});
