/**
 * ModelHostingRoles on its own (the features test it wired into a target account): the deployer's
 * trust with the external id, the image sources, the key requirement.
 */
import {
  ModelHostingRoles,
  type ModelHostingRolesProps,
} from "../../../modules/sagemaker/model-hosting-roles";
import { moduleTestStack, policyOf, resourcesOf, synthStack, type StackJson } from "../../helpers";

const DEPLOYER = "arn:aws:iam::111111111111:role/p-dev-model-deployer";

function synthRoles(change: (props: ModelHostingRolesProps) => ModelHostingRolesProps = (p) => p) {
  const stack = moduleTestStack();
  new ModelHostingRoles(
    stack,
    "hosting",
    change({
      environment: {
        accountId: "222222222222",
        region: "eu-west-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
      },
      executionRoleName: "p-staging-model-execution",
      deploymentRoleName: "p-staging-model-deployment",
      source: {
        accountId: "111111111111",
        deployerRoleArn: DEPLOYER,
        modelBucketName: "p-dev-models",
        modelArtifactsPrefix: "models/",
        dataKeyAlias: "alias/p-dev-data",
        ecrRepositories: ["churn"],
      },
      externalId: "p-staging",
      endpointKey: { keyArn: "arn:aws:kms:eu-west-1:222222222222:key/e" },
      network: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
      resourceNamePrefix: "p",
    }),
  );
  return synthStack(stack);
}

const statements = (json: StackJson, policyName: string) =>
  policyOf(Object.values(resourcesOf(json, "aws_iam_policy")).find((p) => p.name === policyName)!)
    .Statement;

describe("ModelHostingRoles", () => {
  test("the deployment role trusts the deployer alone, by exact ARN, with the external id", () => {
    const json = synthRoles();
    const role = Object.values(resourcesOf(json, "aws_iam_role")).find(
      (r) => r.name === "p-staging-model-deployment",
    )!;
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
      {
        Sid: "DataScienceDeployerOnly",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": DEPLOYER },
          StringEquals: { "sts:ExternalId": "p-staging" },
        },
      },
    ]);
  });

  test("images: the named repositories of the data science account; AWS's registries only when named", () => {
    const pulls = (json: StackJson) =>
      statements(json, "p-staging-model-execution-permissions")
        .filter((s) => s.Sid?.startsWith("Pull"))
        .map((s) => [s.Sid, s.Resource]);
    expect(pulls(synthRoles())).toEqual([
      ["PullModelImagesFromDataScience", ["arn:aws:ecr:eu-west-1:111111111111:repository/churn"]],
    ]);
    const withPrebuilt = synthRoles((p) => ({ ...p, prebuiltImageAccounts: ["763104351884"] }));
    expect(pulls(withPrebuilt)).toContainEqual([
      "PullSageMakerPrebuiltImages",
      ["arn:aws:ecr:eu-west-1:763104351884:repository/*"],
    ]);
    const none = synthRoles((p) => ({ ...p, source: { ...p.source, ecrRepositories: [] } }));
    expect(pulls(none)).toEqual([]);
  });

  test("the data key, by ARN or alias: one of the two is required", () => {
    expect(() =>
      synthRoles((p) => ({ ...p, source: { ...p.source, dataKeyAlias: undefined } })),
    ).toThrow("test/hosting: source needs dataKeyArn or dataKeyAlias");
    const byArn = synthRoles((p) => ({
      ...p,
      source: {
        ...p.source,
        dataKeyAlias: undefined,
        dataKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/d",
      },
    }));
    const decrypt = statements(byArn, "p-staging-model-execution-permissions").find(
      (s) => s.Sid === "DecryptTheModelArtifacts",
    )!;
    expect(decrypt.Resource).toBe("arn:aws:kms:eu-west-1:111111111111:key/d");
    expect(decrypt.Condition).not.toHaveProperty("ForAnyValue:StringEquals");
  });
});
