import { TARGETS, DEPLOYER, MODEL_BUCKET_CONTEXT, APPROVED_ONLY } from "./promotion-names";
import {
  LOCAL_NVME_INSTANCE_TYPES,
  VOLUME_ACTIONS,
  denyVolumesWithoutKmsKey,
} from "../../../modules/sagemaker/guardrails";
import {
  findResource,
  keyByAlias,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  trustOf,
} from "../../helpers";

const example = synthPlatform().json;

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
    // The same guardrail as the data science account's (its literal: studio-guardrails.test.ts).
    expect(statement(policy, "DenyVolumesWithoutKmsKey")).toEqual(denyVolumesWithoutKmsKey());
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
