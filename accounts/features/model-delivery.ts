import { viaService } from "../../modules/core/aws-environment";
import type { DataScienceData } from "./data";
import { deploymentTargetsOf, targetRoles } from "./cross-account";
import { IamRole } from "../../modules/iam/iam-role";
import { s3BucketContext } from "../../modules/kms/kms-key";
import { serviceTrust } from "../../modules/iam/service-trust";
import { denyModelApproval } from "../../modules/sagemaker/guardrails";
import { denyCopiesIntoArtifactsExceptApprover } from "../../modules/sagemaker/promotion";
import { readTheRegistry } from "../../modules/sagemaker/permissions";
import {
  approvedArtifactsOnly,
  denyApprovalTagExceptApprover,
} from "../../modules/sagemaker/promotion";
import type { DataScienceStack } from "../stacks/platform-stack";

/**
 * The data science side of model delivery, the deploy duty of the promotion path (docs/architecture.md, "Model
 * promotion"): a dedicated deployer role, the only principal the targets' deployment roles
 * trust. CodePipeline or CodeBuild of this account (SageMaker project deploy pipelines) and the
 * account's CI apply role may assume it; no Studio, pipeline or persona role may pass or assume
 * it. It may assume the targets' deployment roles and no other role. The model bucket and the
 * data key let the targets' model execution roles read and decrypt model artifacts, by exact
 * role ARN, and only artifacts the approver tagged Approved. Every name comes from config
 * through the same helpers the targets use, so a change in config changes both sides at once.
 */
export function addModelDelivery(stack: DataScienceStack, data: DataScienceData): IamRole {
  const names = stack.names;
  const env = names.environment;
  const account = stack.account;
  const targets = deploymentTargetsOf(stack.config, stack.accountName);
  const deploymentRoles = targetRoles(stack.config, stack.accountName, "model-deployment");
  const modelReaders = targetRoles(stack.config, stack.accountName, "model-execution");
  const prefix = account.sagemaker.modelArtifactsPrefix;

  const deployer = new IamRole(stack, "model-deployer-role", {
    roleName: names.modelDeployerRoleName,
    description: "Deploys approved model versions into the deployment targets; nothing else",
    trustStatements: [
      // Not the account's CI apply role: it serves the data science account's GitHub
      // environment, and through this role it would reach every target (prod included) past
      // their own environments' gates. A target's deployments run from its own environment.
      serviceTrust(env, {
        sid: "DeployPipelinesOfThisAccount",
        services: ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"],
        // Both send the project or pipeline they act for: this account's, in this region.
        sourceArns: [
          `arn:${env.partition}:codebuild:${env.region}:${env.accountId}:project/*`,
          `arn:${env.partition}:codepipeline:${env.region}:${env.accountId}:*`,
        ],
      }),
    ],
  });
  for (const s of readTheRegistry(env)) deployer.addToPolicy(s);
  // The targets' deployment roles, by exact ARN (by name pattern past EXACT_TARGET_ROLES_MAX
  // targets), in exactly the targets' accounts; each target's trust policy names this role.
  if (targets.length > 0) {
    deployer.addToPolicy(
      {
        Sid: "AssumeTheTargetsDeploymentRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: deploymentRoles.arns,
        Condition: { StringEquals: { "aws:ResourceAccount": deploymentRoles.accountIds } },
      },
      "deployment",
    );
  }
  deployer.addToPolicy(
    {
      // Whatever else is attached: no role but a platform deployment role, in any account.
      Sid: "DenyAssumingAnyOtherRole",
      Effect: "Deny",
      Action: "sts:AssumeRole",
      NotResource:
        targets.length > 0 ? deploymentRoles.arns : names.roleArn("no-role-may-be-assumed"),
    },
    "deployment-guard",
  );

  // Deploying is not approving, whatever else may be attached later.
  for (const s of denyModelApproval()) deployer.addToPolicy(s, "deployment-guard");

  // Only the approver marks artifacts approved, whatever any other policy allows: the tag key is
  // guarded in every platform bucket (so no object anywhere here carries a forged approval), and
  // nobody else copies into the artifacts prefix (a copy keeps its source's tags unseen).
  for (const bucket of Object.values(data.buckets)) {
    bucket.addToResourcePolicy(
      denyApprovalTagExceptApprover(bucket.bucketArn, names.modelApproverRoleArn),
    );
  }
  data.modelBucket.addToResourcePolicy(
    denyCopiesIntoArtifactsExceptApprover(
      data.modelBucket.bucketArn,
      prefix,
      names.modelApproverRoleArn,
    ),
  );

  if (targets.length > 0) {
    // Any principal, but only the targets' model execution roles in exactly the targets'
    // accounts (exact ARNs, or the name pattern past EXACT_TARGET_ROLES_MAX targets: bucket
    // policies hold 20 KB). A fixed aws:PrincipalAccount list keeps the statements non-public
    // for S3's Block Public Access.
    const onlyTheModelRoles = {
      StringEquals: { "aws:PrincipalAccount": modelReaders.accountIds },
      ArnLike: { "aws:PrincipalArn": modelReaders.arns },
    };
    const bucket = data.modelBucket;
    bucket.addToResourcePolicy({
      Sid: "DeploymentTargetsListModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:ListBucket",
      Resource: bucket.bucketArn,
      Condition: { ...onlyTheModelRoles, StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
    });
    bucket.addToResourcePolicy({
      Sid: "DeploymentTargetsFindTheModelBucket",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:GetBucketLocation",
      Resource: bucket.bucketArn,
      Condition: onlyTheModelRoles,
    });
    bucket.addToResourcePolicy({
      Sid: "DeploymentTargetsReadApprovedModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${bucket.bucketArn}/${prefix}*`,
      Condition: {
        ...onlyTheModelRoles,
        StringEquals: {
          ...onlyTheModelRoles.StringEquals,
          ...approvedArtifactsOnly().StringEquals,
        },
      },
    });
    data.dataKey.addToPolicy({
      Sid: "DeploymentTargetsDecryptModelArtifacts",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": modelReaders.accountIds,
          "kms:ViaService": viaService(env, "s3"),
        },
        ArnLike: { "aws:PrincipalArn": modelReaders.arns },
        // The model bucket's objects only: the data key serves the data and MLflow buckets too.
        ...s3BucketContext(`arn:${env.partition}:s3:::${names.modelBucketName}`),
      },
    });
  }
  return deployer;
}
