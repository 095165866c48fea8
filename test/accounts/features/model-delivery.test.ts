import {
  TARGETS,
  DEPLOYER,
  EXECUTION_ROLES,
  DEPLOYMENT_ROLES,
  MODEL_BUCKET_CONTEXT,
  APPROVED_ONLY,
} from "./promotion-names";
import { denyModelApproval } from "../../../modules/sagemaker/guardrails";
import { simulate } from "../../iam-simulate";
import {
  allPoliciesOf,
  bucketByName,
  findResource,
  keyByAlias,
  parse,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  synthWith,
  testApp,
  trustOf,
} from "../../helpers";
import { buildPlatform } from "../../../accounts/platform";
import { TerraformStack, Testing } from "../../../modules/core/cdktf";
import { generatedPlatform } from "../../../scripts/generated-platform";
import { MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT } from "../../../accounts/config/checks/accounts";
import { EXACT_TARGET_ROLES_MAX } from "../../../accounts/features/cross-account";
import { iamRoleNamePattern } from "../../../modules/rules/iam/role-name-pattern";
import { loadCatalogue, scanStack } from "../../../modules/rules/engine";
import type { PolicyStatement } from "../../../modules/iam/iam-policy";

const example = synthPlatform().json;

/** IAM's `*` (any characters) and `?` (one character) wildcard match of an ARN pattern. */
function iamWildcardMatch(pattern: string, arn: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^$()[\]{}|\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`).test(arn);
}

describe("the data science side (deploy duty)", () => {
  const dev = example.dev;
  const executionRoles = EXECUTION_ROLES;
  const deploymentRoles = DEPLOYMENT_ROLES;

  test("the deployer is trusted by CodeBuild and CodePipeline of this account only, never by its CI apply role", () => {
    expect(trustOf(dev, "mlops-dev-model-deployer")).toEqual([
      {
        Sid: "DeployPipelinesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"] },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: {
            "aws:SourceArn": [
              "arn:aws:codebuild:eu-west-1:111111111111:project/*",
              "arn:aws:codepipeline:eu-west-1:111111111111:*",
            ],
          },
        },
      },
    ]);
  });

  test("the data science account's CI apply role reaches neither the deployer nor any target's deployment role", async () => {
    const applyRole = "arn:aws:iam::111111111111:role/mlops-dev-ci-apply";
    const identity = allPoliciesOf(example["dev-bootstrap"], "mlops-dev-ci-apply");
    const assume = (role: string, trust: PolicyStatement[], account: string) =>
      simulate(
        {
          principal: applyRole,
          action: "sts:AssumeRole",
          resource: role,
          resourceAccount: account,
        },
        { identity, resource: { Version: "2012-10-17", Statement: trust } },
      );
    expect(
      await assume(
        "arn:aws:iam::111111111111:role/mlops-dev-model-deployer",
        trustOf(dev, "mlops-dev-model-deployer"),
        "111111111111",
      ),
    ).not.toBe("Allowed");
    for (const [target, id] of [
      ["staging", "222222222222"],
      ["prod", "333333333333"],
    ])
      expect(
        await assume(
          `arn:aws:iam::${id}:role/mlops-${target}-model-deployment`,
          trustOf(example[target], `mlops-${target}-model-deployment`),
          id,
        ),
      ).not.toBe("Allowed");
    // It still reaches its own account's deploy role (whose trust your landing zone writes).
    expect(
      await assume(
        "arn:aws:iam::111111111111:role/terraform-deploy",
        [
          {
            Sid: "LandingZone",
            Effect: "Allow",
            Principal: { AWS: applyRole },
            Action: "sts:AssumeRole",
          },
        ],
        "111111111111",
      ),
    ).toBe("Allowed");
  });

  test("without CI the deployer is the deploy pipelines' only", () => {
    const json = synthWith((c) => delete c.ci);
    expect(trustOf(json.dev, "mlops-dev-model-deployer").map((s) => s.Sid)).toEqual([
      "DeployPipelinesOfThisAccount",
    ]);
  });

  test("the deployer may assume exactly the targets' deployment roles, and is denied any other", () => {
    expect(rolePolicy(dev, "mlops-dev-model-deployer", "deployment").Statement).toEqual([
      {
        Sid: "AssumeTheTargetsDeploymentRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: DEPLOYMENT_ROLES,
        Condition: { StringEquals: { "aws:ResourceAccount": ["222222222222", "333333333333"] } },
      },
    ]);
    expect(rolePolicy(dev, "mlops-dev-model-deployer", "deployment-guard").Statement).toEqual([
      {
        Sid: "DenyAssumingAnyOtherRole",
        Effect: "Deny",
        Action: "sts:AssumeRole",
        NotResource: DEPLOYMENT_ROLES,
      },
      ...denyModelApproval(),
    ]);
  });

  test("no role a Studio user can pass or assume may reach a target account", () => {
    // Every dev role but the deployer (and Terraform's own, and the roles only an AWS service
    // assumes) is denied any AssumeRole, so the targets' trust of the deployer is the only way in.
    for (const [, role] of Object.entries(resourcesOf(dev, "aws_iam_role"))) {
      const name = role.name as string;
      if (
        [
          "mlops-dev-model-deployer",
          "mlops-dev-mlflow-server",
          "mlops-dev-vpc-flow-logs",
          "mlops-dev-models-replication",
          // AWS services' roles for the detective controls: EventBridge forwarding IAM's events,
          // CloudTrail writing its log group.
          "mlops-dev-alert-forwarder",
          "mlops-dev-audit-trail-logs",
        ].includes(name)
      )
        continue;
      if (name.startsWith("AmazonSageMakerServiceCatalogProductsLaunch")) continue;
      const statements = allPoliciesOf(dev, name);
      const allowsAssume = statements.filter(
        (s) =>
          s.Effect === "Allow" &&
          ([] as string[]).concat(s.Action ?? []).some((a) => /^sts:AssumeRole/.test(a)),
      );
      expect([name, allowsAssume.map((s) => s.Sid)]).toEqual([name, []]);
      // An unconditioned deny of every AssumeRole, whatever else may be attached later.
      const denies = statements.filter(
        (s) =>
          s.Effect === "Deny" &&
          s.Resource === "*" &&
          s.Condition === undefined &&
          ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"].every((a) =>
            ([] as string[]).concat(s.Action ?? []).includes(a),
          ),
      );
      expect([name, denies.length]).toEqual([name, 1]);
    }
  });

  test("a data science account with more targets than its policies hold is refused before the build", () => {
    expect(() => parse(generatedPlatform(MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT + 1))).toThrow(
      "accounts.dev: has 251 deployment targets; at most 250 fit its model registry and model bucket policies (20 KB each, growing by an account id per target); split the targets over more data science accounts",
    );
  });

  /** The dev stack of a generated platform with `n` targets, and its rule-pack warnings. */
  async function devWithTargets(n: number) {
    const built = buildPlatform(testApp(), parse(generatedPlatform(n)), ["dev"]);
    const dev = JSON.parse(Testing.synth(built.accounts.dev as TerraformStack));
    const catalogue = await loadCatalogue({ dev });
    const warnings = scanStack("dev", dev, catalogue, [iamRoleNamePattern]).findings.map(
      (f) => `${f.address}: ${f.message}`,
    );
    return { dev, warnings };
  }
  const generatedRole = (i: number, kind: string) =>
    `arn:aws:iam::${400000000000 + i}:role/mlops-target${i}-${kind}`;

  test(`up to ${EXACT_TARGET_ROLES_MAX} targets, every policy names each target's roles by exact ARN: a look-alike role gets nothing, and no warning`, async () => {
    const { dev, warnings } = await devWithTargets(EXACT_TARGET_ROLES_MAX);
    const ids = Array.from({ length: EXACT_TARGET_ROLES_MAX }, (_, i) => i + 1);
    expect(rolePolicy(dev, "mlops-dev-model-deployer", "deployment").Statement[0].Resource).toEqual(
      ids.map((i) => generatedRole(i, "model-deployment")),
    );
    const bucket = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1");
    const read = statement(
      policyOf(bucket.config("aws_s3_bucket_policy")),
      "DeploymentTargetsReadApprovedModelArtifacts",
    );
    expect(read.Condition!.ArnLike).toEqual({
      "aws:PrincipalArn": ids.map((i) => generatedRole(i, "model-execution")),
    });
    expect(warnings).toEqual([]);
  });

  test(`past ${EXACT_TARGET_ROLES_MAX} targets, the name pattern in exactly the targets' accounts, and a warning naming it`, async () => {
    const { dev, warnings } = await devWithTargets(EXACT_TARGET_ROLES_MAX + 1);
    const [pattern] = rolePolicy(dev, "mlops-dev-model-deployer", "deployment").Statement[0]
      .Resource as string[];
    expect(pattern).toBe("arn:aws:iam::*:role/mlops-*-model-deployment");
    expect(iamWildcardMatch(pattern, generatedRole(11, "model-deployment"))).toBe(true);
    expect(iamWildcardMatch(pattern, generatedRole(11, "model-execution"))).toBe(false);
    expect(iamWildcardMatch(pattern, DEPLOYER)).toBe(false);
    // What it admits besides: a role under a path, whoever created it.
    expect(
      iamWildcardMatch(pattern, "arn:aws:iam::400000000011:role/mlops-x/y-model-deployment"),
    ).toBe(true);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^aws_iam_policy\.\S+: statement AssumeTheTargetsDeploymentRoles grants to every role named arn:aws:iam::\*:role\/mlops-\*-model-deployment: any role created under such a name gets the same; deny iam:CreateRole on it to all but your administrators$/,
        ),
        expect.stringMatching(
          /^aws_s3_bucket_policy\.\S+: statement DeploymentTargetsListModelArtifacts grants to every role named arn:aws:iam::\*:role\/mlops-\*-model-execution; /,
        ),
      ]),
    );
  });

  test("250 targets, the most one data science account takes: one assume statement with an account id per target, every policy within quota", () => {
    const input = generatedPlatform(MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT);
    const built = buildPlatform(testApp(), parse(input), ["dev"]);
    expect(Object.keys(built.accounts)).toEqual(["dev"]);
    const dev = JSON.parse(Testing.synth(built.accounts.dev as TerraformStack));
    const policies = Object.values(resourcesOf(dev, "aws_iam_policy")).filter((p: any) =>
      p.name.startsWith("mlops-dev-model-deployer-"),
    );
    expect(policies.map((p: any) => p.name).sort()).toEqual([
      "mlops-dev-model-deployer-deployment",
      "mlops-dev-model-deployer-deployment-guard",
      "mlops-dev-model-deployer-permissions",
    ]);
    const assume = rolePolicy(dev, "mlops-dev-model-deployer", "deployment").Statement;
    expect(assume).toHaveLength(1);
    const ids = assume[0].Condition!.StringEquals["aws:ResourceAccount"];
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => String(400000000001 + i)));

    // Every policy that names the targets stays within its AWS quota, with room to spare.
    const largest = (type: string, attribute: string) =>
      Math.max(...Object.values(resourcesOf(dev, type)).map((r: any) => r[attribute].length));
    expect(largest("aws_s3_bucket_policy", "policy")).toBeLessThan(20_480); // S3 (15 KB here)
    expect(largest("aws_kms_key", "policy")).toBeLessThan(32_768); // KMS (9 KB here)
    expect(largest("aws_sagemaker_model_package_group_policy", "resource_policy")).toBeLessThan(
      20_480,
    ); // SageMaker (17.3 KB here)
    expect(largest("aws_iam_policy", "policy")).toBeLessThan(6_144); // IAM managed policy
    const attachments = Object.values(resourcesOf(dev, "aws_iam_role_policy_attachment")) as any[];
    const perRole = new Map<string, number>();
    for (const a of attachments) perRole.set(a.role, (perRole.get(a.role) ?? 0) + 1);
    const [deployerKey] = findResource(
      dev,
      "aws_iam_role",
      (r) => r.name === "mlops-dev-model-deployer",
    );
    expect(perRole.get(`\${aws_iam_role.${deployerKey}.name}`)).toBe(3);
    expect(Math.max(...perRole.values())).toBeLessThanOrEqual(10); // IAM: 10 per role
  });

  test("the model bucket lets exactly the targets' model execution roles read approved artifacts", () => {
    const bucket = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1");
    const policy = policyOf(bucket.config("aws_s3_bucket_policy"));
    const arn = `\${aws_s3_bucket.${bucket.name}.arn}`;
    const principal = { AWS: "*" };
    const targetAccounts = { "aws:PrincipalAccount": ["222222222222", "333333333333"] };
    const onlyTheModelRoles = {
      StringEquals: targetAccounts,
      ArnLike: { "aws:PrincipalArn": EXECUTION_ROLES },
    };
    expect(statement(policy, "DeploymentTargetsReadApprovedModelArtifacts")).toEqual({
      Sid: "DeploymentTargetsReadApprovedModelArtifacts",
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${arn}/models/*`,
      Condition: {
        StringEquals: { ...targetAccounts, ...APPROVED_ONLY.StringEquals },
        ArnLike: { "aws:PrincipalArn": EXECUTION_ROLES },
      },
    });
    expect(statement(policy, "DeploymentTargetsFindTheModelBucket")).toEqual({
      Sid: "DeploymentTargetsFindTheModelBucket",
      Effect: "Allow",
      Principal: principal,
      Action: "s3:GetBucketLocation",
      Resource: arn,
      Condition: onlyTheModelRoles,
    });
    expect(statement(policy, "DeploymentTargetsListModelArtifacts")).toEqual({
      Sid: "DeploymentTargetsListModelArtifacts",
      Effect: "Allow",
      Principal: principal,
      Action: "s3:ListBucket",
      Resource: arn,
      Condition: { ...onlyTheModelRoles, StringLike: { "s3:prefix": ["models/", "models/*"] } },
    });
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Sid)).toEqual([
      "DeploymentTargetsListModelArtifacts",
      "DeploymentTargetsFindTheModelBucket",
      "DeploymentTargetsReadApprovedModelArtifacts",
    ]);
  });

  test("no principal but the approver may write the approval tag of model artifacts", () => {
    const bucket = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1");
    const policy = policyOf(bucket.config("aws_s3_bucket_policy"));
    expect(statement(policy, "OnlyTheApproverTagsModelApproval")).toEqual({
      Sid: "OnlyTheApproverTagsModelApproval",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
      Resource: `\${aws_s3_bucket.${bucket.name}.arn}/*`,
      Condition: {
        "ForAnyValue:StringEquals": { "s3:RequestObjectTagKeys": ["model-approval"] },
        ArnNotEquals: {
          "aws:PrincipalArn": "arn:aws:iam::111111111111:role/mlops-dev-model-approver",
        },
      },
    });
  });

  test("the data key lets exactly those roles decrypt, through S3", () => {
    const [, key] = keyByAlias(dev, "alias/mlops-dev-data");
    expect(statement(policyOf(key), "DeploymentTargetsDecryptModelArtifacts")).toEqual({
      Sid: "DeploymentTargetsDecryptModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": ["222222222222", "333333333333"],
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
        },
        ArnLike: { "aws:PrincipalArn": EXECUTION_ROLES },
        ...MODEL_BUCKET_CONTEXT,
      },
    });
  });

  test("both sides name the same roles, bucket and key", () => {
    const targetRoleNames = TARGETS.flatMap(([account]) =>
      Object.values(resourcesOf(example[account], "aws_iam_role")).map(
        (r) =>
          `arn:aws:iam::${account === "staging" ? "222222222222" : "333333333333"}:role/${r.name}`,
      ),
    );
    for (const arn of [...executionRoles, ...deploymentRoles])
      expect(targetRoleNames).toContain(arn);
    const devRoles = Object.values(resourcesOf(dev, "aws_iam_role")).map(
      (r) => `arn:aws:iam::111111111111:role/${r.name}`,
    );
    expect(devRoles).toContain(DEPLOYER);
    const devBuckets = Object.values(resourcesOf(dev, "aws_s3_bucket")).map((b) => b.bucket);
    expect(devBuckets).toContain("mlops-dev-models-111111111111-eu-west-1");
  });
});
