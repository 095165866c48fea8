/**
 * The guardrails do what their comments say, proven with an IAM policy simulator: each allowed
 * and each denied side of the model approval deny and of the target hosting volume denies.
 */
import { denyModelApproval, VOLUME_ACTIONS } from "../../../modules/sagemaker/guardrails";
import { allPoliciesOf, synthPlatform } from "../../helpers";
import { plainReferences, simulate } from "../../iam-simulate";

const principal = "arn:aws:iam::111111111111:role/mlops-dev-studio-execution";
const allowAll = {
  Sid: "AllowAll",
  Effect: "Allow" as const,
  Action: "sagemaker:*",
  Resource: "*",
};

describe("the build duty registers model versions as pending, never approved", () => {
  test("the statements, exactly (the features assert that their roles carry these)", () => {
    expect(denyModelApproval()).toEqual([
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

  const identity = [allowAll, ...denyModelApproval()];
  const register = (status?: string) =>
    simulate(
      {
        principal,
        action: "sagemaker:CreateModelPackage",
        resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn/1",
        context: status === undefined ? {} : { "sagemaker:ModelApprovalStatus": status },
      },
      { identity },
    );

  test("without a status (SageMaker's PendingManualApproval; managed MLflow's registration): allowed", async () => {
    expect(await register()).toBe("Allowed");
  });
  test("as PendingManualApproval: allowed", async () => {
    expect(await register("PendingManualApproval")).toBe("Allowed");
  });
  test.each(["Approved", "Rejected"])("as %s: explicitly denied", async (status) => {
    expect(await register(status)).toBe("ExplicitlyDenied");
  });
  test("changing a version's approval: denied; other updates (a description): allowed", async () => {
    const update = (context: Record<string, string>) =>
      simulate(
        {
          principal,
          action: "sagemaker:UpdateModelPackage",
          resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn/1",
          context,
        },
        { identity },
      );
    expect(await update({ "sagemaker:ModelApprovalStatus": "Approved" })).toBe("ExplicitlyDenied");
    expect(await update({})).toBe("Allowed");
  });
});

describe("a target's deployment role: endpoint configurations with the endpoint key, or none where SageMaker takes none", () => {
  const staging = synthPlatform(undefined, ["staging"]).json.staging;
  const identity = plainReferences(allPoliciesOf(staging, "mlops-staging-model-deployment"));
  const endpointKey = Object.keys(staging.resource!.aws_kms_key)
    .filter((k) => k.startsWith("endpoint-key"))
    .map((k) => `aws_kms_key.${k}.arn`)[0];
  const subnets = Object.keys(staging.resource!.aws_subnet).map((s) => `aws_subnet.${s}.id`);
  const group = Object.keys(staging.resource!.aws_security_group)
    .filter((g) => g.includes("workload"))
    .map((g) => `aws_security_group.${g}.id`);
  const endpointConfig = (context: Record<string, string | string[]>) =>
    simulate(
      {
        principal: "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
        action: "sagemaker:CreateEndpointConfig",
        resource: "arn:aws:sagemaker:eu-west-1:222222222222:endpoint-config/mlops-churn-1",
        context: {
          "sagemaker:VpcSubnets": subnets,
          "sagemaker:VpcSecurityGroupIds": group,
          ...context,
        },
      },
      { identity },
    );

  test("the policies under test are the deployment role's, with its volume denies", () => {
    expect(identity.map((s) => s.Sid)).toEqual(
      expect.arrayContaining(["DenyVolumesWithOtherKeys", "DenyVolumesWithoutKmsKey"]),
    );
    expect(VOLUME_ACTIONS).toContain("sagemaker:CreateEndpointConfig");
    expect(endpointKey).toBeDefined();
  });
  test("an instance with a volume, with the endpoint key: allowed", async () => {
    expect(
      await endpointConfig({
        "sagemaker:InstanceTypes": ["ml.m5.xlarge"],
        "sagemaker:VolumeKmsKeyArn": endpointKey,
      }),
    ).toBe("Allowed");
  });
  test("local-NVMe instances without a key (SageMaker rejects one): allowed", async () => {
    expect(await endpointConfig({ "sagemaker:InstanceTypes": ["ml.g5.2xlarge"] })).toBe("Allowed");
  });
  test("serverless (no instances, no key): allowed", async () => {
    expect(await endpointConfig({})).toBe("Allowed");
  });
  test("an instance with a volume and no key: explicitly denied", async () => {
    expect(await endpointConfig({ "sagemaker:InstanceTypes": ["ml.m5.xlarge"] })).toBe(
      "ExplicitlyDenied",
    );
  });
  test("a local-NVMe instance beside one with a volume, without a key: explicitly denied", async () => {
    expect(
      await endpointConfig({ "sagemaker:InstanceTypes": ["ml.g5.2xlarge", "ml.m5.xlarge"] }),
    ).toBe("ExplicitlyDenied");
  });
  test("another key: explicitly denied", async () => {
    expect(
      await endpointConfig({
        "sagemaker:InstanceTypes": ["ml.m5.xlarge"],
        "sagemaker:VolumeKmsKeyArn": "arn:aws:kms:eu-west-1:222222222222:key/other",
      }),
    ).toBe("ExplicitlyDenied");
  });
});
