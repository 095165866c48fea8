import {
  bucketByName,
  findResource,
  keyByAlias,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  synthWith,
  trustOf,
} from "../../helpers";

const example = synthPlatform().json;
const TARGETS: [string, string][] = [
  ["staging", "222222222222"],
  ["prod", "333333333333"],
];
const PIPELINE = "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution";

describe.each(TARGETS)("%s account", (account, accountId) => {
  const stack = example[account];
  const executionRole = `mlops-${account}-model-execution`;
  const deploymentRole = `mlops-${account}-model-deployment`;

  test("the model execution role is SageMaker's of this account and the dev pipeline's, nobody else's", () => {
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
      {
        Sid: "DataSciencePipelineOnly",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": PIPELINE } },
      },
    ]);
  });

  test("the deployment role is the dev pipeline's only, with the external id", () => {
    expect(trustOf(stack, deploymentRole)).toEqual([
      {
        Sid: "DataSciencePipelineOnly",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": PIPELINE },
          StringEquals: { "sts:ExternalId": `mlops-${account}-model-deployment` },
        },
      },
    ]);
  });

  test("no principal but SageMaker of this account and the dev pipeline can assume a target role", () => {
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
          expect(s.Condition?.ArnEquals).toEqual({ "aws:PrincipalArn": PIPELINE });
        }
      }
    }
  });

  test("the execution role reads the dev model artifacts and decrypts them with the dev data key, by alias", () => {
    const policy = rolePolicy(stack, executionRole);
    const bucket = "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1";
    expect(statement(policy, "ReadTheModelArtifacts")).toEqual({
      Sid: "ReadTheModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${bucket}/models/*`,
    });
    expect(statement(policy, "ListTheModelArtifacts").Condition).toEqual({
      StringLike: { "s3:prefix": ["models/", "models/*"] },
    });
    expect(statement(policy, "DecryptTheModelArtifacts")).toEqual({
      Sid: "DecryptTheModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "arn:aws:kms:eu-west-1:111111111111:key/*",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/mlops-dev-data" },
      },
    });
    expect(statement(policy, "ManageModelsAndEndpoints").Resource).toEqual([
      `arn:aws:sagemaker:eu-west-1:${accountId}:model/*`,
      `arn:aws:sagemaker:eu-west-1:${accountId}:endpoint/*`,
      `arn:aws:sagemaker:eu-west-1:${accountId}:endpoint-config/*`,
    ]);
    expect(statement(policy, "NetworkInterfacesInThePlatformSubnets")).toBeDefined();
    expect(policy.Statement.map((s) => s.Sid)).not.toContain("PullModelImagesFromDataScience");
  });

  test("the deployment role creates only in this VPC, with the endpoint key, and passes only the execution role", () => {
    const policy = rolePolicy(stack, deploymentRole);
    const [endpointKey] = keyByAlias(stack, `alias/mlops-${account}-endpoint`);
    const subnets = Object.keys(resourcesOf(stack, "aws_subnet")).map(
      (s) => `\${aws_subnet.${s}.id}`,
    );
    const [group] = findResource(
      stack,
      "aws_security_group",
      (g) => g.name === `mlops-${account}-ml-workloads`,
    );
    expect(statement(policy, "CreateModelsInThisVpc").Condition).toEqual({
      "ForAllValues:StringEquals": {
        "sagemaker:VpcSubnets": subnets,
        "sagemaker:VpcSecurityGroupIds": [`\${aws_security_group.${group}.id}`],
      },
      Null: { "sagemaker:VpcSubnets": "false", "sagemaker:VpcSecurityGroupIds": "false" },
    });
    expect(
      statement(policy, "CreateEndpointConfigsWithTheEndpointKey").Condition!.StringEquals,
    ).toEqual({
      "sagemaker:VolumeKmsKeyArn": `\${aws_kms_key.${endpointKey}.arn}`,
    });
    expect(statement(policy, "PassOnlyTheModelExecutionRole")).toEqual({
      Sid: "PassOnlyTheModelExecutionRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/${executionRole}`,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    });
    expect(statement(policy, "DenyVolumesWithOtherKeys").Effect).toBe("Deny");
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

describe("the data science side", () => {
  const dev = example.dev;
  const executionRoles = [
    "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
    "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
  ];
  const allTargetRoles = [
    "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
    "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
    "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
    "arn:aws:iam::333333333333:role/mlops-prod-model-deployment",
  ];

  test("the pipeline role may assume exactly the targets' roles, and is denied any other", () => {
    expect(rolePolicy(dev, "mlops-dev-pipeline-execution", "deployment").Statement).toEqual([
      {
        Sid: "AssumeTheTargetsRoles1",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: allTargetRoles,
      },
    ]);
    expect(rolePolicy(dev, "mlops-dev-pipeline-execution", "deployment-guard").Statement).toEqual([
      {
        Sid: "DenyAssumingAnyOtherRole",
        Effect: "Deny",
        Action: "sts:AssumeRole",
        NotResource: [
          "arn:aws:iam::*:role/mlops-*-model-execution",
          "arn:aws:iam::*:role/mlops-*-model-deployment",
        ],
      },
    ]);
  });

  test("with many targets the exact ARNs spread over policies that fit IAM's limit", () => {
    const json = synthWith((c) => {
      for (let i = 1; i <= 45; i++) {
        c.accounts[`t${i}`] = {
          type: "deployment-target",
          dataScienceAccount: "dev",
          accountId: String(500000000000 + i),
          vpc: { cidr: `10.${100 + i}.0.0/16` },
        };
      }
    });
    const first = rolePolicy(json.dev, "mlops-dev-pipeline-execution", "deployment").Statement[0];
    const second = rolePolicy(json.dev, "mlops-dev-pipeline-execution", "deployment-2")
      .Statement[0];
    const third = rolePolicy(json.dev, "mlops-dev-pipeline-execution", "deployment-3").Statement[0];
    expect(
      [first.Resource, second.Resource, third.Resource].map((r) => (r as string[]).length),
    ).toEqual([40, 40, 14]);
  });

  test("the model bucket lets exactly the targets' model execution roles read the artifacts", () => {
    const bucket = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1");
    const policy = policyOf(bucket.config("aws_s3_bucket_policy"));
    const arn = `\${aws_s3_bucket.${bucket.name}.arn}`;
    const principal = { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] };
    expect(statement(policy, "DeploymentTargetsReadModelArtifacts")).toEqual({
      Sid: "DeploymentTargetsReadModelArtifacts",
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion"],
      Resource: [arn, `${arn}/models/*`],
      Condition: { ArnEquals: { "aws:PrincipalArn": executionRoles } },
    });
    expect(statement(policy, "DeploymentTargetsListModelArtifacts").Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": executionRoles },
      StringLike: { "s3:prefix": ["models/", "models/*"] },
    });
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Sid)).toEqual([
      "DeploymentTargetsListModelArtifacts",
      "DeploymentTargetsReadModelArtifacts",
    ]);
  });

  test("the data key lets exactly those roles decrypt, through S3", () => {
    const [, key] = keyByAlias(dev, "alias/mlops-dev-data");
    expect(statement(policyOf(key), "DeploymentTargetsDecryptModelArtifacts")).toEqual({
      Sid: "DeploymentTargetsDecryptModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": executionRoles },
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
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
    for (const arn of allTargetRoles) expect(targetRoleNames).toContain(arn);
    const devRoles = Object.values(resourcesOf(dev, "aws_iam_role")).map(
      (r) => `arn:aws:iam::111111111111:role/${r.name}`,
    );
    expect(devRoles).toContain(PIPELINE);
    const devBuckets = Object.values(resourcesOf(dev, "aws_s3_bucket")).map((b) => b.bucket);
    expect(devBuckets).toContain("mlops-dev-models-111111111111-eu-west-1");
  });
});

describe("config changes reach both sides", () => {
  test("a new data science account id changes the targets' trust and the dev side", () => {
    const json = synthWith((c) => (c.accounts.dev.accountId = "444444444444"));
    expect(trustOf(json.staging, "mlops-staging-model-deployment")[0]).toMatchObject({
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Condition: {
        ArnEquals: {
          "aws:PrincipalArn": "arn:aws:iam::444444444444:role/mlops-dev-pipeline-execution",
        },
      },
    });
    expect(
      statement(rolePolicy(json.prod, "mlops-prod-model-execution"), "ReadTheModelArtifacts")
        .Resource,
    ).toBe("arn:aws:s3:::mlops-dev-models-444444444444-eu-west-1/models/*");
  });

  test("a new prefix renames the roles on both sides at once", () => {
    const json = synthWith((c) => (c.prefix = "ml2"));
    expect(Object.values(resourcesOf(json.staging, "aws_iam_role")).map((r) => r.name)).toContain(
      "ml2-staging-model-execution",
    );
    expect(
      rolePolicy(json.dev, "ml2-dev-pipeline-execution", "deployment").Statement[0].Resource,
    ).toContain("arn:aws:iam::222222222222:role/ml2-staging-model-execution");
  });

  test("a renamed target account renames its roles everywhere", () => {
    const json = synthWith((c) => {
      c.accounts.production = c.accounts.prod;
      delete c.accounts.prod;
      c.ci.github.environments = { production: "production" };
    });
    expect(
      rolePolicy(json.dev, "mlops-dev-pipeline-execution", "deployment").Statement[0].Resource,
    ).toContain("arn:aws:iam::333333333333:role/mlops-production-model-deployment");
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
    expect(statement(policy, "DecryptTheModelArtifacts")).toMatchObject({
      Resource: "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
    expect(
      statement(policy, "DecryptTheModelArtifacts").Condition!["ForAnyValue:StringEquals"],
    ).toBeUndefined();
    expect(statement(policy, "ReadTheModelArtifacts").Resource).toBe(
      "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1/artifacts/models/*",
    );
    expect(statement(policy, "PullModelImagesFromDataScience").Resource).toEqual([
      "arn:aws:ecr:eu-west-1:111111111111:repository/models/churn",
    ]);
  });

  test("no deployment targets: the pipeline may assume no role at all", () => {
    const json = synthWith((c) => {
      delete c.accounts.staging;
      delete c.accounts.prod;
      delete c.ci;
    });
    expect(Object.values(resourcesOf(json.dev, "aws_iam_policy")).map((p) => p.name)).not.toContain(
      "mlops-dev-pipeline-execution-deployment",
    );
    expect(
      rolePolicy(json.dev, "mlops-dev-pipeline-execution", "deployment-guard").Statement[0]
        .NotResource,
    ).toEqual(["arn:aws:iam::111111111111:role/no-role-may-be-assumed"]);
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
    for (const sid of ["MlflowBucketReadWriteList", "MlflowBucketReadWriteBucket"]) {
      expect(statement(policy, sid).Resource).toBe(arn);
    }
    expect(statement(policy, "MlflowBucketReadWriteObjects").Resource).toEqual([`${arn}/*`]);
    expect(statement(policy, "MlflowBucketReadWriteKey").Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
    });
    expect(statement(policy, "WriteItsLogGroup").Resource).toEqual([
      "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/mlops-dev/mlflow-server",
      "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/mlops-dev/mlflow-server:log-stream:*",
    ]);
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
      "mlflow server --default-artifact-root s3://mlops-dev-mlflow-111111111111-eu-west-1 --host 0.0.0.0 --port 5000",
    );
    expect(Object.keys(dev.output!)).toEqual(
      expect.arrayContaining(["mlflow_server_role_arn", "mlflow_instance_profile"]),
    );
  });
});
