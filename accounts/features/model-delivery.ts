import { viaService } from "../../modules/core/aws-environment";
import type { DataScienceData } from "./data";
import type { DataScienceStudio } from "./studio";
import type { DataScienceAccountConfig } from "../config/schema/platform";
import { deploymentTargetsOf, modelReaderRoleArns, targetRoleArns } from "./cross-account";
import type { PlatformStack } from "../stacks/platform-stack";

/** Exact role ARNs per allow statement: 40 of ~70 characters stay well under 6,144. */
const ASSUMABLE_PER_POLICY = 40;

/**
 * The data science side of model delivery: the pipeline may assume the targets' roles and no
 * other role of another account; the model bucket and the data key let the targets' model
 * execution roles read and decrypt the model artifacts, by exact role ARN. Every name comes
 * from config through the same helpers the targets use, so a change in config changes both
 * sides at once.
 */
export function addModelDelivery(
  stack: PlatformStack,
  data: DataScienceData,
  studio: DataScienceStudio,
): void {
  const names = stack.names;
  const env = names.environment;
  const account = stack.account as DataScienceAccountConfig;
  const targets = deploymentTargetsOf(stack.config, stack.accountName);
  const assumable = targetRoleArns(stack.config, stack.accountName);
  const readers = modelReaderRoleArns(stack.config, stack.accountName);
  const prefix = account.sagemaker.modelArtifactsPrefix;

  const pipeline = studio.pipelineExecutionRole;
  // Exact ARNs, in chunks so each managed policy stays under IAM's size limit as targets grow.
  for (let i = 0; i * ASSUMABLE_PER_POLICY < assumable.length; i++) {
    pipeline.addToPolicy(
      {
        Sid: `AssumeTheTargetsRoles${i + 1}`,
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: assumable.slice(i * ASSUMABLE_PER_POLICY, (i + 1) * ASSUMABLE_PER_POLICY),
      },
      i === 0 ? "deployment" : `deployment-${i + 1}`,
    );
  }
  pipeline.addToPolicy(
    {
      // Whatever else is attached: no role but a platform target role, in any account.
      Sid: "DenyAssumingAnyOtherRole",
      Effect: "Deny",
      Action: "sts:AssumeRole",
      NotResource:
        targets.length > 0
          ? [
              `arn:${names.partition}:iam::*:role/${stack.config.prefix}-*-model-execution`,
              `arn:${names.partition}:iam::*:role/${stack.config.prefix}-*-model-deployment`,
            ]
          : [names.roleArn("no-role-may-be-assumed")],
    },
    "deployment-guard",
  );

  if (readers.length > 0) {
    const accounts = [
      ...new Set(targets.map((t) => `arn:${names.partition}:iam::${t.accountId}:root`)),
    ];
    const onlyTheModelRoles = { ArnEquals: { "aws:PrincipalArn": readers } };
    const bucket = data.modelBucket;
    bucket.addToResourcePolicy({
      Sid: "DeploymentTargetsListModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: accounts },
      Action: "s3:ListBucket",
      Resource: bucket.bucketArn,
      Condition: { ...onlyTheModelRoles, StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
    });
    bucket.addToResourcePolicy({
      Sid: "DeploymentTargetsReadModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: accounts },
      Action: ["s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion"],
      Resource: [bucket.bucketArn, `${bucket.bucketArn}/${prefix}*`],
      Condition: onlyTheModelRoles,
    });
    data.dataKey.addToPolicy({
      Sid: "DeploymentTargetsDecryptModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: accounts },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        ...onlyTheModelRoles,
        StringEquals: { "kms:ViaService": viaService(env, "s3") },
      },
    });
  }
}
