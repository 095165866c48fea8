import { readFileSync } from "node:fs";
import { join } from "node:path";
import { accessDiff, formatAccessDiff, undeclaredGrants } from "../../review/access/diff";
import { accessTable, type AccessTable } from "../../review/access/evaluate";
import { checkInvariants, dutyOf } from "../../review/access/invariants";
import { accessModel, withSimulatableKeys } from "../../review/access/model";
import { formatAccessMarkdown, formatAccessText } from "../../review/access/report";
import {
  FIXTURES,
  findResource,
  goodConfigs,
  goodFixture,
  synthPlatform,
  type StackJson,
} from "../helpers";

type Stacks = Record<string, StackJson>;

const example = synthPlatform().json;
const full = synthPlatform(goodFixture("full.yaml")).json;
const tableOf = (stacks: Stacks) => accessTable(accessModel(stacks));
const golden = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, "access", `${name}.json`), "utf8")) as AccessTable;

/** The example with one policy document of a resource changed. */
function edit(
  stacks: Stacks,
  stack: string,
  type: string,
  match: (r: any) => boolean,
  attribute: string,
  change: (statements: any[]) => any[],
): Stacks {
  const copy = structuredClone(stacks);
  const [, resource] = findResource(copy[stack], type, match);
  const doc = JSON.parse(resource[attribute]);
  doc.Statement = change([doc.Statement].flat());
  resource[attribute] = JSON.stringify(doc);
  return copy;
}

/** Adds a statement to the first customer managed policy attached to a role of the stack. */
function grant(stacks: Stacks, stack: string, roleName: string, statement: object): Stacks {
  const copy = structuredClone(stacks);
  const [roleId] = findResource(copy[stack], "aws_iam_role", (r) => r.name === roleName);
  const attachment = Object.values(copy[stack].resource!.aws_iam_role_policy_attachment).find(
    (a: any) =>
      String(a.role).includes(`aws_iam_role.${roleId}.`) &&
      String(a.policy_arn).includes("aws_iam_policy."),
  );
  const policyId = /aws_iam_policy\.([^.]+)\./.exec(attachment.policy_arn)![1];
  const policy = copy[stack].resource!.aws_iam_policy[policyId];
  const doc = JSON.parse(policy.policy);
  doc.Statement.push(statement);
  policy.policy = JSON.stringify(doc);
  return copy;
}

/** Removes a statement (by Sid) from the customer managed policies attached to a role. */
function dropStatement(stacks: Stacks, stack: string, roleName: string, sid: string): Stacks {
  const copy = structuredClone(stacks);
  const [roleId] = findResource(copy[stack], "aws_iam_role", (r) => r.name === roleName);
  let dropped = 0;
  for (const attachment of Object.values(copy[stack].resource!.aws_iam_role_policy_attachment)) {
    if (!String(attachment.role).includes(`aws_iam_role.${roleId}.`)) continue;
    const policyId = /aws_iam_policy\.([^.]+)\./.exec(attachment.policy_arn)?.[1];
    if (policyId === undefined) continue;
    const policy = copy[stack].resource!.aws_iam_policy[policyId];
    const doc = JSON.parse(policy.policy);
    const kept = doc.Statement.filter((x: { Sid?: string }) => x.Sid !== sid);
    dropped += doc.Statement.length - kept.length;
    policy.policy = JSON.stringify({ ...doc, Statement: kept });
  }
  expect([roleName, sid, dropped]).toEqual([roleName, sid, 1]);
  return copy;
}

/** Adds a trust statement to a role. */
function trust(stacks: Stacks, stack: string, roleName: string, principal: string): Stacks {
  return edit(
    stacks,
    stack,
    "aws_iam_role",
    (r) => r.name === roleName,
    "assume_role_policy",
    (s) => [
      ...s,
      { Sid: "Planted", Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" },
    ],
  );
}

const arn = (account: string, role: string) => `arn:aws:iam::${account}:role/${role}`;
const DEV = "111111111111";
const STAGING = "222222222222";

let exampleTable: AccessTable;
beforeAll(async () => {
  exampleTable = await tableOf(example);
});

const cellOf = (table: AccessTable, label: string, capability: string) => {
  const principal = table.principals.find((p) => p.label === label)!;
  return table.cells.find((c) => c.principal === principal.arn && c.capability === capability);
};

describe("the access table", () => {
  test("the example's JSON is stable (golden: npm run access -- --json > test/fixtures/access/example.json)", () => {
    expect(JSON.parse(JSON.stringify(exampleTable))).toEqual(golden("example"));
  });

  test("full.yaml's JSON is stable too (its consumers, replication, NAT)", async () => {
    expect(JSON.parse(JSON.stringify(await tableOf(full)))).toEqual(golden("full"));
  });

  test("every cell names statements that exist in the synthesized stacks", () => {
    for (const cell of exampleTable.cells) {
      expect(cell.decidedBy.length).toBeGreaterThan(0);
      for (const id of cell.decidedBy) {
        if (id.startsWith("external:")) continue;
        const [, stack, address, sid] = /^([^:]+):([^#]+)#(.+)$/.exec(id)!;
        const [type, name] = address.split(".");
        const text = JSON.stringify(example[stack].resource![type][name]);
        expect([
          id,
          sid.startsWith("statement ") || text.includes(`\\"Sid\\":\\"${sid}\\"`),
        ]).toEqual([id, true]);
      }
    }
  });

  test("the cells a reviewer asks about, with their contexts and statements", () => {
    expect(
      cellOf(
        exampleTable,
        "mlops-staging-model-execution",
        "read-approved s3://mlops-dev-models-111111111111-eu-west-1/models/",
      ),
    ).toEqual({
      principal: arn(STAGING, "mlops-staging-model-execution"),
      capability: "read-approved s3://mlops-dev-models-111111111111-eu-west-1/models/",
      contexts: ["via staging's s3 endpoint", "outside any VPC endpoint"],
      decidedBy: expect.arrayContaining([
        "dev:aws_s3_bucket_policy.models-bucket_policy_469673E2#DeploymentTargetsReadApprovedModelArtifacts",
        expect.stringMatching(/^dev:aws_kms_key\.data-key_5D719C34#/),
      ]),
    });
    // Not approved: no read.
    expect(
      cellOf(
        exampleTable,
        "mlops-staging-model-execution",
        "read s3://mlops-dev-models-111111111111-eu-west-1/models/",
      ),
    ).toBeUndefined();
    // The data bucket only through dev's endpoint.
    expect(
      cellOf(
        exampleTable,
        "mlops-dev-pipeline-execution",
        "read s3://mlops-dev-data-111111111111-eu-west-1/other/",
      )?.contexts,
    ).toEqual(["via dev's s3 endpoint"]);
    // The approver approves; an Identity Center approver through the role.
    expect(
      cellOf(
        exampleTable,
        "any role named AWSReservedSSO_ModelApprover_*",
        "approve a version of churn-prediction",
      )?.via,
    ).toEqual([arn(DEV, "mlops-dev-model-approver")]);
  });

  test("a grant on one bucket does not decrypt another bucket's objects through the shared key", () => {
    const data = cellOf(
      exampleTable,
      "mlops-dev-pipeline-execution",
      "read s3://mlops-dev-data-111111111111-eu-west-1/other/",
    )!;
    expect(data.decidedBy.filter((d) => /Key|kms_key/.test(d))).toEqual([
      "dev:aws_iam_policy.pipeline-execution-role_policy-data_3981DD67#DataBucketReadWriteKey",
      "dev:aws_kms_key.data-key_5D719C34#DataBucketReadWritemlopsdevpipelineexecution",
    ]);
  });

  test("a cross-account consumer reads its prefix only through its own endpoint", async () => {
    const table = await tableOf(full);
    const consumer = table.cells.filter(
      (c) => c.principal === "arn:aws:iam::444455556666:role/flyte-production-workers",
    );
    expect(consumer.map((c) => [c.capability, c.contexts])).toEqual([
      [
        "read s3://acme-ml-dev-data-111111111111-eu-central-1/datasets/",
        ["via vpce-0a1b2c3d4e5f60718"],
      ],
    ]);
  });

  test("text and Markdown name each account, principal, capability and deciding statement", () => {
    const text = formatAccessText(exampleTable);
    expect(text).toContain(
      "Account 222222222222 (staging, staging-bootstrap)\n  internet from its VPCs: none: no NAT or internet gateway",
    );
    expect(text).toContain(
      "    may assume role/mlops-staging-model-deployment [anywhere]\n      decided by dev:aws_iam_policy.model-deployer-role_policy-deployment_CB53D05D#AssumeTheTargetsDeploymentRoles, staging:aws_iam_role.model-hosting_deployment-role_A2DC4CC5#DataScienceDeployerOnly",
    );
    expect(formatAccessMarkdown(exampleTable)).toContain(
      "| `mlops-dev-model-approver` | `approve a version of churn-prediction` | anywhere | `dev:aws_iam_policy.model-approver-role_policy-permissions_E3FE93EA#ApproveModelVersions` |",
    );
  });

  test("the simulator's blind spot for kms:EncryptionContext keys is worked around, and a policy using the stand-in is refused", () => {
    expect(
      withSimulatableKeys(
        [
          {
            Effect: "Allow",
            Condition: { StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": "x" } },
          },
        ],
        "p",
      ),
    ).toEqual([
      { Effect: "Allow", Condition: { StringLikeIfExists: { "kms:RequestAlias": "x" } } },
    ]);
    expect(() =>
      withSimulatableKeys(
        [{ Effect: "Allow", Condition: { StringEquals: { "kms:RequestAlias": "alias/x" } } }],
        "dev:k",
      ),
    ).toThrow("dev:k: uses kms:RequestAlias, which the access review needs as a stand-in");
  });
});

describe("separation of duties", () => {
  test("duties come from role names and Identity Center permission sets", () => {
    expect(
      [
        "acme-dev-studio-execution",
        "acme-dev-user-alice",
        "AWSReservedSSO_ModelApprover_0123",
        "acme-dev-model-approver",
        "acme-prod-model-deployment",
        "acme-dev-ci-plan",
        "flyte-workers",
      ].map(dutyOf),
    ).toEqual(["build", "build", "approve", "approve", "deploy", "ci-plan", "other"]);
  });

  test.each(goodConfigs())("every invariant holds on %s", async (_, load) => {
    const results = checkInvariants(await tableOf(synthPlatform(load()).json));
    expect(results.filter((r) => r.violations.length > 0)).toEqual([]);
    expect(results).toHaveLength(8);
  });

  const studio = "mlops-dev-studio-execution";
  const planted: [string, () => Stacks][] = [
    [
      "build-cannot-approve",
      () =>
        grant(dropStatement(example, "dev", studio, "DenyChangingModelApproval"), "dev", studio, {
          Effect: "Allow",
          Action: "sagemaker:UpdateModelPackage",
          Resource: "*",
        }),
    ],
    [
      "approve-cannot-deploy",
      () =>
        trust(
          grant(
            dropStatement(example, "dev", "mlops-dev-model-approver", "DenyPassingOrAssumingRoles"),
            "dev",
            "mlops-dev-model-approver",
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: arn(STAGING, "mlops-staging-model-deployment"),
            },
          ),
          "staging",
          "mlops-staging-model-deployment",
          arn(DEV, "mlops-dev-model-approver"),
        ),
    ],
    [
      "build-cannot-deploy",
      () =>
        trust(
          grant(
            dropStatement(example, "dev", "mlops-dev-pipeline-execution", "DenyAssumingRoles"),
            "dev",
            "mlops-dev-pipeline-execution",
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: arn(DEV, "mlops-dev-model-deployer"),
            },
          ),
          "dev",
          "mlops-dev-model-deployer",
          arn(DEV, "mlops-dev-pipeline-execution"),
        ),
    ],
    [
      "studio-stays-out-of-targets",
      () =>
        trust(
          grant(dropStatement(example, "dev", studio, "DenyAssumingRoles"), "dev", studio, {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: arn(STAGING, "mlops-staging-model-execution"),
          }),
          "staging",
          "mlops-staging-model-execution",
          arn(DEV, studio),
        ),
    ],
    [
      "plan-reads-no-secret",
      () =>
        edit(
          grant(example, "dev-bootstrap", "mlops-dev-ci-plan", {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: "*",
          }),
          "dev",
          "aws_kms_key",
          (k) => String(k.policy).includes("DataBucket"),
          "policy",
          (s) => [
            ...s,
            {
              Sid: "Planted",
              Effect: "Allow",
              Principal: { AWS: arn(DEV, "mlops-dev-ci-plan") },
              Action: "kms:Decrypt",
              Resource: "*",
            },
          ],
        ),
    ],
    [
      "nobody-changes-ci-roles",
      () =>
        grant(example, "dev", studio, {
          Effect: "Allow",
          Action: "iam:UpdateAssumeRolePolicy",
          Resource: arn(DEV, "mlops-dev-ci-apply"),
        }),
    ],
    [
      "targets-read-only-approved",
      () =>
        edit(
          grant(example, "staging", "mlops-staging-model-execution", {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1/*",
          }),
          "dev",
          "aws_s3_bucket_policy",
          (p) => String(p.policy).includes("DeploymentTargetsReadApprovedModelArtifacts"),
          "policy",
          (s) =>
            s.map((x) =>
              x.Sid === "DeploymentTargetsReadApprovedModelArtifacts"
                ? {
                    ...x,
                    Condition: {
                      ...x.Condition,
                      StringEquals: {
                        "aws:PrincipalAccount": x.Condition.StringEquals["aws:PrincipalAccount"],
                      },
                    },
                  }
                : x,
            ),
        ),
    ],
    [
      "data-only-through-the-vpc",
      () =>
        edit(
          example,
          "dev",
          "aws_s3_bucket_policy",
          (p) => String(p.bucket).includes("data-bucket"),
          "policy",
          (s) => s.filter((x) => x.Sid !== "DenyOutsideTheVpcEndpoint"),
        ),
    ],
  ];

  test.each(planted)("%s fails on a planted violation, naming it", async (id, plant) => {
    const results = checkInvariants(await tableOf(plant()));
    const broken = results.filter((r) => r.violations.length > 0).map((r) => r.id);
    expect(broken).toContain(id);
    expect(results.find((r) => r.id === id)!.violations[0]).toMatch(/ may .+: .+#/);
  });
});

describe("the access diff and its gate", () => {
  const passesPipeline = () =>
    grant(example, "dev", "mlops-dev-data-scientist", {
      Sid: "Planted",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: arn(DEV, "mlops-dev-pipeline-execution"),
    });

  test("a persona role that may now pass the pipeline role is a grant, undeclared until intended-access.txt names it", async () => {
    const changes = accessDiff(exampleTable, await tableOf(passesPipeline()));
    const key = `${arn(DEV, "mlops-dev-data-scientist")} may pass role/mlops-dev-pipeline-execution`;
    expect(changes.filter((c) => c.change === "grant").map((c) => c.key)).toContain(key);
    expect(formatAccessDiff(changes)).toContain(
      "+ mlops-dev-data-scientist may pass role/mlops-dev-pipeline-execution [anywhere]: dev:aws_iam_policy.",
    );
    const undeclared = undeclaredGrants(changes, new Set());
    expect(undeclared).toContain(
      `NOT DECLARED: mlops-dev-data-scientist may pass role/mlops-dev-pipeline-execution [anywhere]; if intended, add the line "${key}" to intended-access.txt in this pull request`,
    );
    const declared = new Set(changes.filter((c) => c.change === "grant").map((c) => c.key));
    expect(undeclaredGrants(changes, declared)).toEqual([]);
  });

  test("dropping a consumer's `from` condition widens where it reads from, and fails the gate", async () => {
    const head = edit(
      full,
      "dev",
      "aws_s3_bucket_policy",
      (p) => String(p.policy).includes("flyteproductionworkers"),
      "policy",
      (s) => s.filter((x) => x.Sid !== "DataBucketflyteproductionworkers444455556666Network"),
    );
    const changes = accessDiff(await tableOf(full), await tableOf(head));
    expect(
      changes.map((c) => `${c.change} ${c.label} ${c.capability} ${c.contexts.join("|")}`),
    ).toEqual([
      "grant flyte-production-workers read s3://acme-ml-dev-data-111111111111-eu-central-1/datasets/ outside any VPC endpoint",
    ]);
    expect(undeclaredGrants(changes, new Set())).toHaveLength(1);
  });

  test("a revoke needs no declaration; no change says so", async () => {
    const changes = accessDiff(await tableOf(passesPipeline()), exampleTable);
    expect(changes.every((c) => c.change === "revoke")).toBe(true);
    expect(undeclaredGrants(changes, new Set())).toEqual([]);
    expect(formatAccessDiff(accessDiff(exampleTable, exampleTable))).toBe(
      "Access: no change (no principal gains or loses a capability).",
    );
  });
});
