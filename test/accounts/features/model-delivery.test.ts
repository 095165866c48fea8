import { plainReferences, resolver, simulate } from "../../iam-simulate";
import { AccountNames, namingInput } from "../../../accounts/naming";
import { LOCAL_NVME_INSTANCE_TYPES, VOLUME_ACTIONS } from "../../../modules/sagemaker/guardrails";
import {
  allPoliciesOf,
  bucketByName,
  exampleInput,
  problemsOf,
  findResource,
  expectedGrant,
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
import type { PolicyDocument, PolicyStatement } from "../../../modules/iam/iam-policy";

const example = synthPlatform().json;
const TARGETS: [string, string][] = [
  ["staging", "222222222222"],
  ["prod", "333333333333"],
];
const DEPLOYER = "arn:aws:iam::111111111111:role/mlops-dev-model-deployer";
const EXECUTION_ROLES = [
  "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
  "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
];
const DEPLOYMENT_ROLES = [
  "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
  "arn:aws:iam::333333333333:role/mlops-prod-model-deployment",
];
const MODEL_BUCKET = "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1";
/** Only the model bucket's objects (or the bucket, with an S3 Bucket Key). */
const MODEL_BUCKET_CONTEXT = {
  StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [MODEL_BUCKET, `${MODEL_BUCKET}/*`] },
};

/** IAM's `*` (any characters) and `?` (one character) wildcard match of an ARN pattern. */
function iamWildcardMatch(pattern: string, arn: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^$()[\]{}|\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`).test(arn);
}

const APPROVED_ONLY = { StringEquals: { "s3:ExistingObjectTag/model-approval": "Approved" } };

describe.each(TARGETS)("%s account (host duty)", (account, accountId) => {
  const stack = example[account];
  const executionRole = `mlops-${account}-model-execution`;
  const deploymentRole = `mlops-${account}-model-deployment`;
  const sm = (resource: string) => `arn:aws:sagemaker:eu-west-1:${accountId}:${resource}`;

  test("the model execution role is SageMaker's of this account, nobody else's", () => {
    expect(trustOf(stack, executionRole)).toEqual([
      {
        Sid: "SageMakerOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:aws:sagemaker:eu-west-1:${accountId}:*` },
        },
      },
    ]);
  });

  test("the deployment role is the dev deployer's only, with the external id", () => {
    expect(trustOf(stack, deploymentRole)).toEqual([
      {
        Sid: "DataScienceDeployerOnly",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": DEPLOYER },
          StringEquals: { "sts:ExternalId": `mlops-${account}-model-deployment` },
        },
      },
    ]);
  });

  test("no principal of the data science account but the deployer can assume a target role", () => {
    for (const role of [executionRole, deploymentRole]) {
      for (const s of trustOf(stack, role)) {
        const principal = s.Principal as { Service?: string; AWS?: string };
        if (principal.Service !== undefined) {
          expect([principal.Service, s.Condition?.StringEquals?.["aws:SourceAccount"]]).toEqual([
            "sagemaker.amazonaws.com",
            accountId,
          ]);
        } else {
          expect(principal).toEqual({ AWS: "arn:aws:iam::111111111111:root" });
          expect(s.Condition?.ArnEquals).toEqual({ "aws:PrincipalArn": DEPLOYER });
        }
      }
    }
  });

  test("the execution role reads only approved dev model artifacts, decrypts them by alias, and manages nothing", () => {
    const policy = rolePolicy(stack, executionRole);
    const bucket = "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1";
    expect(statement(policy, "ReadApprovedModelArtifacts")).toEqual({
      Sid: "ReadApprovedModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${bucket}/models/*`,
      Condition: APPROVED_ONLY,
    });
    expect(statement(policy, "ListTheModelArtifacts")).toEqual({
      Sid: "ListTheModelArtifacts",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": ["models/", "models/*"] } },
    });
    expect(statement(policy, "DecryptTheModelArtifacts")).toEqual({
      Sid: "DecryptTheModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "arn:aws:kms:eu-west-1:111111111111:key/*",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        ...MODEL_BUCKET_CONTEXT,
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/mlops-dev-data" },
      },
    });
    // Hosting runs a model; it creates, changes and deletes nothing in SageMaker.
    const actions = policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
    expect(actions.filter((a) => /^sagemaker:/.test(a))).toEqual([]);
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    expect(policy.Statement.map((s) => s.Sid)).not.toContain("PullModelImagesFromDataScience");
  });

  test("the deployment role manages only the platform's models and endpoints, in this VPC, with the endpoint key", () => {
    const policy = rolePolicy(stack, deploymentRole);
    const [endpointKey] = keyByAlias(stack, `alias/mlops-${account}-endpoint`);
    const keyArn = `\${aws_kms_key.${endpointKey}.arn}`;
    const subnets = Object.keys(resourcesOf(stack, "aws_subnet")).map(
      (s) => `\${aws_subnet.${s}.id}`,
    );
    const [group] = findResource(
      stack,
      "aws_security_group",
      (g) => g.name === `mlops-${account}-ml-workloads`,
    );
    const inThisVpc = {
      "sagemaker:VpcSubnets": subnets,
      "sagemaker:VpcSecurityGroupIds": [`\${aws_security_group.${group}.id}`],
    };
    expect(statement(policy, "CreateModelsInThisVpc")).toEqual({
      Sid: "CreateModelsInThisVpc",
      Effect: "Allow",
      Action: "sagemaker:CreateModel",
      Resource: sm("model/mlops-*"),
      Condition: {
        "ForAllValues:StringEquals": inThisVpc,
        Null: { "sagemaker:VpcSubnets": "false", "sagemaker:VpcSecurityGroupIds": "false" },
      },
    });
    expect(statement(policy, "CreateEndpointConfigsWithTheEndpointKey")).toEqual({
      Sid: "CreateEndpointConfigsWithTheEndpointKey",
      Effect: "Allow",
      Action: "sagemaker:CreateEndpointConfig",
      Resource: sm("endpoint-config/mlops-*"),
      Condition: {
        StringEquals: { "sagemaker:VolumeKmsKeyArn": keyArn },
        "ForAllValues:StringEquals": inThisVpc,
      },
    });
    // Without a key only where every instance type has local NVMe storage (which takes none).
    expect(statement(policy, "CreateEndpointConfigsOnLocalNvmeInstances")).toEqual({
      Sid: "CreateEndpointConfigsOnLocalNvmeInstances",
      Effect: "Allow",
      Action: "sagemaker:CreateEndpointConfig",
      Resource: sm("endpoint-config/mlops-*"),
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true", "sagemaker:InstanceTypes": "false" },
        "ForAllValues:StringLike": { "sagemaker:InstanceTypes": LOCAL_NVME_INSTANCE_TYPES },
        "ForAllValues:StringEquals": inThisVpc,
      },
    });
    expect(statement(policy, "CreateAndUpdateOwnEndpoints")).toEqual({
      Sid: "CreateAndUpdateOwnEndpoints",
      Effect: "Allow",
      Action: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
      Resource: [sm("endpoint/mlops-*"), sm("endpoint-config/mlops-*")],
    });
    expect(statement(policy, "TidyOwnModelsAndEndpoints")).toEqual({
      Sid: "TidyOwnModelsAndEndpoints",
      Effect: "Allow",
      Action: [
        "sagemaker:AddTags",
        "sagemaker:DeleteEndpoint",
        "sagemaker:DeleteEndpointConfig",
        "sagemaker:DeleteModel",
      ],
      Resource: [sm("model/mlops-*"), sm("endpoint/mlops-*"), sm("endpoint-config/mlops-*")],
    });
    // Every create, update or delete names only the platform's resources.
    for (const s of policy.Statement.filter((x) => x.Effect === "Allow")) {
      const writes = ([] as string[])
        .concat(s.Action ?? [])
        .filter((a) => /^sagemaker:(Create|Update|Delete)/.test(a));
      if (writes.length === 0) continue;
      for (const r of ([] as string[]).concat(s.Resource ?? []))
        expect(r).toMatch(/:[a-z-]+\/mlops-\*$/);
    }
    expect(statement(policy, "PassOnlyTheModelExecutionRole")).toEqual({
      Sid: "PassOnlyTheModelExecutionRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/${executionRole}`,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    });
    expect(statement(policy, "DenyVolumesWithOtherKeys")).toEqual({
      Sid: "DenyVolumesWithOtherKeys",
      Effect: "Deny",
      Action: VOLUME_ACTIONS,
      Resource: "*",
      Condition: {
        StringNotEquals: { "sagemaker:VolumeKmsKeyArn": keyArn },
        Null: { "sagemaker:VolumeKmsKeyArn": "false" },
      },
    });
    expect(statement(policy, "DenyVolumesWithoutKmsKey")).toEqual({
      Sid: "DenyVolumesWithoutKmsKey",
      Effect: "Deny",
      Action: VOLUME_ACTIONS,
      Resource: "*",
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true" },
        "ForAnyValue:StringNotLike": { "sagemaker:InstanceTypes": LOCAL_NVME_INSTANCE_TYPES },
      },
    });
  });

  test("the endpoint key lets both roles use it through SageMaker and EC2 only", () => {
    const [, key] = keyByAlias(stack, `alias/mlops-${account}-endpoint`);
    const volumes = statement(policyOf(key), "EndpointVolumes");
    expect((volumes.Principal as { AWS: string[] }).AWS).toHaveLength(2);
    expect(volumes.Condition!.StringEquals!["kms:ViaService"]).toEqual([
      "sagemaker.eu-west-1.amazonaws.com",
      "ec2.eu-west-1.amazonaws.com",
    ]);
  });

  test("outputs both role ARNs", () => {
    expect(Object.keys(stack.output!)).toEqual(
      expect.arrayContaining(["model_execution_role_arn", "model_deployment_role_arn"]),
    );
  });
});

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
      {
        Sid: "DenyRegisteringOtherThanPending",
        Effect: "Deny",
        Action: "sagemaker:CreateModelPackage",
        Resource: "*",
        Condition: {
          StringNotEquals: { "sagemaker:ModelApprovalStatus": "PendingManualApproval" },
          Null: { "sagemaker:ModelApprovalStatus": "false" },
        },
      },
      {
        Sid: "DenyChangingModelApproval",
        Effect: "Deny",
        Action: "sagemaker:UpdateModelPackage",
        Resource: "*",
        Condition: { Null: { "sagemaker:ModelApprovalStatus": "false" } },
      },
    ]);
  });

  test("no role a Studio user can pass or assume may reach a target account", () => {
    // Every dev role but the deployer (and Terraform's own) is denied any AssumeRole, so the
    // targets' trust of the deployer is the only way in.
    for (const [, role] of Object.entries(resourcesOf(dev, "aws_iam_role"))) {
      const name = role.name as string;
      if (
        [
          "mlops-dev-model-deployer",
          "mlops-dev-mlflow-server",
          "mlops-dev-vpc-flow-logs",
          "mlops-dev-models-replication",
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

describe("config changes reach both sides", () => {
  test("a new data science account id changes the targets' trust and the dev side", () => {
    const json = synthWith((c) => (c.accounts.dev.accountId = "444444444444"));
    expect(trustOf(json.staging, "mlops-staging-model-deployment")).toEqual([
      {
        Sid: "DataScienceDeployerOnly",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444444444444:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: {
            "aws:PrincipalArn": "arn:aws:iam::444444444444:role/mlops-dev-model-deployer",
          },
          StringEquals: { "sts:ExternalId": "mlops-staging-model-deployment" },
        },
      },
    ]);
    expect(
      statement(rolePolicy(json.prod, "mlops-prod-model-execution"), "ReadApprovedModelArtifacts")
        .Resource,
    ).toBe("arn:aws:s3:::mlops-dev-models-444444444444-eu-west-1/models/*");
  });

  test("a new prefix renames the roles on both sides at once", () => {
    const json = synthWith((c) => (c.prefix = "ml2"));
    expect(Object.values(resourcesOf(json.staging, "aws_iam_role")).map((r) => r.name)).toContain(
      "ml2-staging-model-execution",
    );
    expect(
      rolePolicy(json.dev, "ml2-dev-model-deployer", "deployment").Statement[0].Resource,
    ).toEqual([
      "arn:aws:iam::222222222222:role/ml2-staging-model-deployment",
      "arn:aws:iam::333333333333:role/ml2-prod-model-deployment",
    ]);
  });

  test("a renamed target account renames its roles everywhere", () => {
    const json = synthWith((c) => {
      c.accounts.production = c.accounts.prod;
      delete c.accounts.prod;
      c.ci.github.environments = { production: "production" };
    });
    const assumable = rolePolicy(json.dev, "mlops-dev-model-deployer", "deployment").Statement[0]
      .Resource as string[];
    const role = findResource(json.production, "aws_iam_role", (r) =>
      r.name.endsWith("-model-deployment"),
    )[1];
    expect(role.name).toBe("mlops-production-model-deployment");
    expect(assumable).toEqual([
      "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
      "arn:aws:iam::333333333333:role/mlops-production-model-deployment",
    ]);
  });

  test("a configured external id, data key ARN, artifact prefix and ECR repositories", () => {
    const json = synthWith((c) => {
      c.accounts.prod.deployment = {
        externalId: "prod-deploy-7f3a",
        ecrRepositories: ["models/churn"],
      };
      c.accounts.dev.dataKeyArn =
        "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
      c.accounts.dev.sagemaker.modelArtifactsPrefix = "artifacts/models/";
    });
    expect(trustOf(json.prod, "mlops-prod-model-deployment")[0].Condition!.StringEquals).toEqual({
      "sts:ExternalId": "prod-deploy-7f3a",
    });
    const policy = rolePolicy(json.prod, "mlops-prod-model-execution");
    // Named by its ARN once known: no alias condition.
    expect(statement(policy, "DecryptTheModelArtifacts")).toEqual({
      Sid: "DecryptTheModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        ...MODEL_BUCKET_CONTEXT,
      },
    });
    expect(statement(policy, "ReadApprovedModelArtifacts").Resource).toBe(
      "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1/artifacts/models/*",
    );
    expect(statement(policy, "PullModelImagesFromDataScience").Resource).toEqual([
      "arn:aws:ecr:eu-west-1:111111111111:repository/models/churn",
    ]);
  });

  test("the execution role pulls images only from the configured repositories and AWS-owned accounts: a container-only model cannot bring its own", async () => {
    const json = synthWith((c) => {
      c.accounts.prod.deployment = {
        ecrRepositories: ["models/churn"],
        prebuiltImageAccounts: ["763104351884"],
      };
    });
    const identity = rolePolicy(json.prod, "mlops-prod-model-execution").Statement;
    const pull = (repository: string) =>
      simulate(
        {
          principal: "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
          action: "ecr:BatchGetImage",
          resource: repository,
          resourceAccount: repository.split(":")[4],
        },
        // Another account's repository lets everyone pull (what an attacker's would): only the
        // role's side decides. (In the same account a resource policy alone would suffice.)
        {
          identity,
          resource: repository.includes(":333333333333:")
            ? undefined
            : {
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "AnyonePulls",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: "ecr:*",
                    Resource: repository,
                  },
                ],
              },
        },
      );
    expect(await pull("arn:aws:ecr:eu-west-1:111111111111:repository/models/churn")).toBe(
      "Allowed",
    );
    expect(await pull("arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference")).toBe(
      "Allowed",
    );
    for (const other of [
      "arn:aws:ecr:eu-west-1:111111111111:repository/scratch/anything", // dev, not configured
      "arn:aws:ecr:eu-west-1:444444444444:repository/my-model", // someone else's account
      "arn:aws:ecr:eu-west-1:333333333333:repository/local", // the target's own account
      "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference", // another region
    ]) {
      expect([other, await pull(other)]).toEqual([other, "ImplicitlyDenied"]);
    }
    // Nothing configured: no image at all.
    const bare = rolePolicy(example.prod, "mlops-prod-model-execution").Statement;
    expect(
      bare.filter((st) => ([] as string[]).concat(st.Action ?? []).includes("ecr:BatchGetImage")),
    ).toEqual([]);
  });

  test("a platform account is no prebuilt image registry: every repository there would be pullable", () => {
    const input = exampleInput() as any;
    input.accounts.prod.deployment = { prebuiltImageAccounts: ["763104351884", "111111111111"] };
    expect(() => parse(input)).toThrow(
      'accounts.prod.deployment.prebuiltImageAccounts[1]: "111111111111" is the AWS account of accounts.dev, not an AWS-owned image registry: name its repositories in ecrRepositories instead',
    );
  });

  test("no deployment targets: the deployer may assume no role at all", () => {
    const json = synthWith((c) => {
      delete c.accounts.staging;
      delete c.accounts.prod;
      delete c.ci;
    });
    expect(Object.values(resourcesOf(json.dev, "aws_iam_policy")).map((p) => p.name)).not.toContain(
      "mlops-dev-model-deployer-deployment",
    );
    expect(
      rolePolicy(json.dev, "mlops-dev-model-deployer", "deployment-guard").Statement[0].NotResource,
    ).toBe("arn:aws:iam::111111111111:role/no-role-may-be-assumed");
  });
});

describe("MLflow tracking server role", () => {
  const dev = example.dev;

  test("is EC2's (instances of this account, by iam:PassRole), with an instance profile", () => {
    expect(trustOf(dev, "mlops-dev-mlflow-server")).toEqual([
      {
        Sid: "Ec2InstancesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    expect(findResource(dev, "aws_iam_instance_profile", () => true)[1].name).toBe(
      "mlops-dev-mlflow-server",
    );
  });

  test("reaches the MLflow bucket only, Session Manager and its own log group", () => {
    const policy = rolePolicy(dev, "mlops-dev-mlflow-server");
    const mlflow = bucketByName(dev, "mlops-dev-mlflow-111111111111-eu-west-1").name;
    const arn = `\${aws_s3_bucket.${mlflow}.arn}`;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "MlflowBucketReadWriteList",
      "MlflowBucketReadWriteBucket",
      "MlflowBucketReadWriteObjects",
      "MlflowBucketReadWriteKey",
      "SessionManager",
      "SsmAgentBuckets",
      "WriteItsLogGroup",
    ]);
    const [dataKey] = keyByAlias(dev, "alias/mlops-dev-data");
    expect(policy.Statement.slice(0, 4)).toEqual(
      expectedGrant("MlflowBucketReadWrite", arn, `\${aws_kms_key.${dataKey}.arn}`, "read-write"),
    );
    expect(statement(policy, "SessionManager")).toEqual({
      Sid: "SessionManager",
      Effect: "Allow",
      Action: [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    });
    // The SSM Agent's own buckets, read-only: nothing else of S3 outside the MLflow bucket.
    expect(statement(policy, "SsmAgentBuckets")).toEqual({
      Sid: "SsmAgentBuckets",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [
        "arn:aws:s3:::aws-ssm-eu-west-1/*",
        "arn:aws:s3:::amazon-ssm-eu-west-1/*",
        "arn:aws:s3:::amazon-ssm-packages-eu-west-1/*",
        "arn:aws:s3:::eu-west-1-birdwatcher-prod/*",
        "arn:aws:s3:::aws-ssm-distributor-file-eu-west-1/*",
        "arn:aws:s3:::aws-ssm-document-attachments-eu-west-1/*",
        "arn:aws:s3:::patch-baseline-snapshot-eu-west-1/*",
        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
      ],
    });
    expect(statement(policy, "WriteItsLogGroup")).toEqual({
      Sid: "WriteItsLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: [
        "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/mlops-dev/mlflow-server",
        "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/mlops-dev/mlflow-server:log-stream:*",
      ],
    });
    expect(
      findResource(
        dev,
        "aws_cloudwatch_log_group",
        (g) => g.name === "/platform/mlops-dev/mlflow-server",
      )[1],
    ).toMatchObject({
      retention_in_days: 365,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("reads its database secret only when one is configured", () => {
    const secret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:mlflow-db-AbCdEf";
    const json = synthWith((c) => (c.accounts.dev.mlflow = { databaseSecretArn: secret }));
    expect(
      statement(rolePolicy(json.dev, "mlops-dev-mlflow-server"), "ReadTheDatabaseSecret"),
    ).toEqual({
      Sid: "ReadTheDatabaseSecret",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: secret,
    });
  });

  test("no access keys or users anywhere in the platform", () => {
    for (const stack of Object.values(example)) {
      expect(resourcesOf(stack, "aws_iam_access_key")).toEqual({});
      expect(resourcesOf(stack, "aws_iam_user")).toEqual({});
    }
  });

  test("outputs the role, the instance profile and the artifact root", () => {
    expect(dev.output!.mlflow_default_artifact_root.value).toBe(
      "s3://mlops-dev-mlflow-111111111111-eu-west-1",
    );
    expect(dev.output!.mlflow_server_command.value).toBe(
      "mlflow server --serve-artifacts --artifacts-destination s3://mlops-dev-mlflow-111111111111-eu-west-1 --host 127.0.0.1 --port 5001",
    );
    expect(Object.keys(dev.output!)).toEqual(
      expect.arrayContaining(["mlflow_server_role_arn", "mlflow_instance_profile"]),
    );
  });
});

describe("the approval cannot be forged by a copy, a tag or a grant", () => {
  const dev = example.dev;
  const names = new AccountNames(namingInput(parse(exampleInput()), "dev"));
  const resolve = resolver(dev, names);
  const bucketPolicy = (bucket: string): PolicyDocument => {
    const policy = Object.values(resourcesOf(dev, "aws_s3_bucket_policy")).find(
      (p) => resolve(p.bucket) === bucket,
    );
    return JSON.parse(resolve(policy.policy));
  };
  const bucket = (purpose: string) => `mlops-dev-${purpose}-111111111111-eu-west-1`;
  const allS3 = [{ Sid: "AnyS3", Effect: "Allow" as const, Action: "s3:*", Resource: "*" }];
  // From inside the VPC, through the platform's S3 endpoint (the buckets' network rule holds).
  const endpoint = Object.keys(resourcesOf(dev, "aws_vpc_endpoint")).find((k) =>
    resourcesOf(dev, "aws_vpc_endpoint")[k].service_name.endsWith(".s3"),
  )!;
  const inVpc = {
    "aws:SourceVpce": `aws_vpc_endpoint.${endpoint}.id`,
    "aws:SecureTransport": "true",
  };
  const request = (
    role: string,
    action: string,
    key: string,
    purpose: string,
    context: Record<string, string | string[]> = {},
  ) =>
    simulate(
      {
        principal: names.roleArn(role),
        action,
        resource: `arn:aws:s3:::${bucket(purpose)}/${key}`,
        context: { ...inVpc, ...context },
      },
      { identity: allS3, resource: plainReferences(bucketPolicy(bucket(purpose))) },
    );
  const copy = { "s3:x-amz-copy-source": `${bucket("data")}/staging/model.tar.gz` };
  const approvalTag = {
    "s3:RequestObjectTagKeys": ["model-approval"],
    "s3:RequestObjectTag/model-approval": "Approved",
  };
  const buildRoles = [
    "mlops-dev-studio-execution",
    "mlops-dev-team-admin-execution",
    "mlops-dev-pipeline-execution",
    "AmazonSageMakerServiceCatalogProductsUseRole",
    "mlops-dev-data-scientist",
    "mlops-dev-model-deployer",
  ];

  test.each(buildRoles)("%s cannot copy into the model artifacts prefix", async (role) => {
    expect(await request(role, "s3:PutObject", "models/churn/model.tar.gz", "models", copy)).toBe(
      "ExplicitlyDenied",
    );
  });
  test.each(buildRoles)(
    "%s cannot put the approval tag on an object of any platform bucket",
    async (role) => {
      for (const purpose of ["models", "data", "mlflow"]) {
        expect(await request(role, "s3:PutObjectTagging", "x/y", purpose, approvalTag)).toBe(
          "ExplicitlyDenied",
        );
        expect(await request(role, "s3:PutObject", "x/y", purpose, approvalTag)).toBe(
          "ExplicitlyDenied",
        );
      }
    },
  );
  test("training still writes artifacts (PutObject without a copy source or the tag)", async () => {
    expect(
      await request(
        "mlops-dev-pipeline-execution",
        "s3:PutObject",
        "models/churn/model.tar.gz",
        "models",
      ),
    ).toBe("Allowed");
  });
  test("the approver still promotes: tags Approved and may copy into the artifacts", async () => {
    expect(
      await request(
        "mlops-dev-model-approver",
        "s3:PutObjectTagging",
        "models/churn/model.tar.gz",
        "models",
        approvalTag,
      ),
    ).toBe("Allowed");
    expect(
      await request(
        "mlops-dev-model-approver",
        "s3:PutObject",
        "models/churn/model.tar.gz",
        "models",
        copy,
      ),
    ).toBe("Allowed");
  });
  test("a read-write consumer of another account: writes its own prefix, never a copy into the artifacts or the approval tag", async () => {
    const consumer = "arn:aws:iam::444455556666:role/argo-workers";
    const from = { vpcEndpointIds: ["vpce-0a1b2c3d4e5f60718"] };
    const json = synthWith((c) => {
      c.accounts.dev.datasetAccess = [
        { principal: consumer, bucket: "models", access: "read-write", prefixes: ["argo/"], from },
        { principal: consumer, bucket: "data", access: "read-write", prefixes: ["argo/"], from },
      ];
    });
    const consumerResolve = resolver(json.dev, names);
    const policyOfBucket = (b: string): PolicyDocument => {
      const policy = Object.values(resourcesOf(json.dev, "aws_s3_bucket_policy")).find(
        (p) => consumerResolve(p.bucket) === b,
      );
      return plainReferences(JSON.parse(consumerResolve(policy.policy)));
    };
    // The consumer's own account attaches whatever it likes: only the bucket policy stands between.
    const write = (action: string, purpose: string, key: string, context = {}) =>
      simulate(
        {
          principal: consumer,
          action,
          resource: `arn:aws:s3:::${bucket(purpose)}/${key}`,
          resourceAccount: "111111111111",
          context: {
            "aws:SecureTransport": "true",
            "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718",
            ...context,
          },
        },
        { identity: allS3, resource: policyOfBucket(bucket(purpose)) },
      );
    expect(await write("s3:PutObject", "models", "argo/run-1/model.tar.gz")).toBe("Allowed");
    // Tag an object approved in its own prefix of the data bucket, then copy it over an artifact.
    expect(await write("s3:PutObjectTagging", "data", "argo/model.tar.gz", approvalTag)).toBe(
      "ExplicitlyDenied",
    );
    expect(await write("s3:PutObject", "models", "argo/model.tar.gz", approvalTag)).toBe(
      "ExplicitlyDenied",
    );
    expect(await write("s3:PutObject", "models", "models/churn/model.tar.gz", copy)).toBe(
      "ExplicitlyDenied",
    );
    // Outside its grant the bucket policy allows it nothing (another account: no implicit allow).
    expect(await write("s3:PutObject", "models", "models/churn/model.tar.gz")).not.toBe("Allowed");
  });

  test("a read-write dataset grant overlapping the artifacts prefix is refused; elsewhere it is taken", () => {
    const grant = (prefixes?: string[]) =>
      problemsOf((c) => {
        c.accounts.dev.sagemaker.modelArtifactsPrefix = "artifacts/models/";
        c.accounts.dev.datasetAccess = [
          {
            principal: "argo",
            bucket: "models",
            access: "read-write",
            ...(prefixes ? { prefixes } : {}),
          },
        ];
      });
    expect(grant(["scratch/"])).toEqual([]);
    expect(grant(["artifacts/"])).toEqual([
      'accounts.dev.datasetAccess[0].prefixes[0]: "artifacts/" overlaps the model artifacts prefix "artifacts/models/" (sagemaker.modelArtifactsPrefix): only training and the approver write there; grant read-write elsewhere in the bucket, or read-only',
    ]);
    expect(grant(["artifacts/models/churn/"])).toHaveLength(1);
    expect(grant()).toEqual([
      'accounts.dev.datasetAccess[0].prefixes: are required for read-write access to the models bucket: the whole bucket includes the model artifacts prefix "artifacts/models/" (sagemaker.modelArtifactsPrefix), where only training and the approver write',
    ]);
  });
});
