import { MODEL_BUCKET_CONTEXT } from "./promotion-names";
import { simulate } from "../../iam-simulate";
import {
  bucketByName,
  exampleInput,
  findResource,
  expectedGrant,
  keyByAlias,
  parse,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  synthWith,
  trustOf,
} from "../../helpers";

const example = synthPlatform().json;

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
