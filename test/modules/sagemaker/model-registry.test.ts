/**
 * ModelRegistry on its own: protected groups; with readers, a policy per group that lets exactly
 * those roles of exactly those accounts read the group and use its versions; its size checked.
 */
import {
  MODEL_PACKAGE_GROUP_POLICY_MAX_CHARS,
  ModelRegistry,
  type ModelRegistryProps,
} from "../../../modules/sagemaker/model-registry";
import { moduleTestStack, resourcesOf, synthStack, type StackJson, TEST_ENV } from "../../helpers";

const ENV = TEST_ENV;
const EXECUTION = "arn:aws:iam::222222222222:role/p-staging-model-execution";

function synthRegistry(props: Partial<ModelRegistryProps> = {}): StackJson {
  const stack = moduleTestStack();
  new ModelRegistry(stack, "registry", { environment: ENV, groupNames: ["churn"], ...props });
  return synthStack(stack);
}

describe("ModelRegistry", () => {
  test("a group is protected from destroy; without readers it has no policy", () => {
    const json = synthRegistry();
    expect(Object.values(resourcesOf(json, "aws_sagemaker_model_package_group"))).toEqual([
      expect.objectContaining({
        model_package_group_name: "churn",
        lifecycle: { prevent_destroy: true },
      }),
    ]);
    expect(resourcesOf(json, "aws_sagemaker_model_package_group_policy")).toEqual({});
  });

  test("readers: their accounts as principals, narrowed to the named roles, on this group only", () => {
    const json = synthRegistry({
      readers: { accountIds: ["222222222222"], principalArns: [EXECUTION] },
    });
    const [policy] = Object.values(resourcesOf(json, "aws_sagemaker_model_package_group_policy"));
    const condition = { ArnLike: { "aws:PrincipalArn": [EXECUTION] } };
    expect(JSON.parse(policy.resource_policy).Statement).toEqual([
      {
        Sid: "DeploymentTargetsReadTheGroup",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::222222222222:root"] },
        Action: "sagemaker:DescribeModelPackageGroup",
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/churn",
        Condition: condition,
      },
      {
        Sid: "DeploymentTargetsUseItsVersions",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::222222222222:root"] },
        Action: [
          "sagemaker:CreateModel",
          "sagemaker:DescribeModelPackage",
          "sagemaker:ListModelPackages",
        ],
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn/*",
        Condition: condition,
      },
    ]);
  });

  test("a policy over SageMaker's limit fails at synthesis, naming the group and the limit", () => {
    const many = Array.from(
      { length: 200 },
      (_, i) => `arn:aws:iam::222222222222:role/p-target-${i}-model-execution`,
    );
    expect(() =>
      synthRegistry({ readers: { accountIds: ["222222222222"], principalArns: many } }),
    ).toThrow(
      new RegExp(
        `the policy of model package group churn is about \\d+ characters; SageMaker allows ${MODEL_PACKAGE_GROUP_POLICY_MAX_CHARS}$`,
      ),
    );
  });
});
