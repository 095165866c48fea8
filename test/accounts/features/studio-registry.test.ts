import { findResource, moduleTestStack, synthPlatform } from "../../helpers";
import { ModelRegistry } from "../../../modules/sagemaker/model-registry";

const example = synthPlatform();
const dev = example.json.dev;

describe("model registry", () => {
  test("the groups from config are protected from destroy", () => {
    expect(findResource(dev, "aws_sagemaker_model_package_group", () => true)[1]).toMatchObject({
      model_package_group_name: "churn-prediction",
      lifecycle: { prevent_destroy: true },
    });
  });

  test("staging's and prod's model roles may read versions and create models, by exact ARN in their accounts", () => {
    const policy = JSON.parse(
      findResource(dev, "aws_sagemaker_model_package_group_policy", () => true)[1].resource_policy,
    );
    // Only the targets' accounts (the principals) and only the platform's two target roles.
    const condition = {
      ArnLike: {
        "aws:PrincipalArn": [
          "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
          "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
          "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
          "arn:aws:iam::333333333333:role/mlops-prod-model-deployment",
        ],
      },
    };
    const principal = { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] };
    expect(policy.Statement).toEqual([
      {
        Sid: "DeploymentTargetsReadTheGroup",
        Effect: "Allow",
        Principal: principal,
        Action: "sagemaker:DescribeModelPackageGroup",
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/churn-prediction",
        Condition: condition,
      },
      {
        Sid: "DeploymentTargetsUseItsVersions",
        Effect: "Allow",
        Principal: principal,
        Action: [
          "sagemaker:CreateModel",
          "sagemaker:DescribeModelPackage",
          "sagemaker:ListModelPackages",
        ],
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-prediction/*",
        Condition: condition,
      },
    ]);
  });
});

describe("model registry policy size", () => {
  // SageMaker refuses a model package group policy over 20,480 characters at apply.
  const registry = (accounts: number) => () =>
    new ModelRegistry(moduleTestStack(), "registry", {
      environment: {
        accountId: "111111111111",
        region: "eu-west-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
      },
      groupNames: ["churn"],
      readers: {
        accountIds: Array.from({ length: accounts }, (_, i) => String(200000000000 + i)),
        principalArns: ["arn:aws:iam::*:role/mlops-*-model-execution"],
      },
    });

  test("more reader accounts than the policy holds fail at synthesis, naming the group", () => {
    expect(registry(320)).toThrow(
      /registry: the policy of model package group churn is about 2\d{4} characters; SageMaker allows 20480/,
    );
  });

  test("the most one data science account takes (250) fits", () => {
    expect(registry(250)).not.toThrow();
  });
});
