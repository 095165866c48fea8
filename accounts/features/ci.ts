import { GithubCiRoles } from "../../modules/ci/github-ci-roles";
import { KmsKey } from "../../modules/kms/kms-key";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import type { PlatformStack } from "../stacks/platform-stack";

/**
 * CI without long-lived keys, with `ci` in config: the account's GitHub OIDC provider and the
 * plan and apply roles (made in the bootstrap stack, so they exist before CI plans anything),
 * and the read access the plan role needs in every stack.
 */
export function addCiRoles(stack: PlatformStack): GithubCiRoles | undefined {
  const github = stack.config.ci?.github;
  if (github === undefined) return undefined;
  const names = stack.names;
  return new GithubCiRoles(stack, "ci", {
    environment: names.environment,
    repository: github.repository,
    applyEnvironment: github.environments[stack.accountName] ?? stack.accountName,
    applyBranch: github.branch,
    planRoleName: names.ciPlanRoleName,
    applyRoleName: names.ciApplyRoleName,
    deployRoleArn: names.deployRoleArn,
    // One provider per account: the first config account of an account id makes it.
    createOidcProvider:
      github.createOidcProvider &&
      Object.entries(stack.config.accounts).find(
        ([, a]) => a.accountId === stack.account.accountId,
      )![0] === stack.accountName,
    state: {
      bucketName: names.stateBucketName,
      objectPattern: "stacks/*",
      lockTableArn:
        stack.config.state.locking === "dynamodb"
          ? `arn:${names.partition}:dynamodb:${names.region}:${names.accountId}:table/${names.stateLockTableName}`
          : undefined,
    },
    bucketArnPattern: `arn:${names.partition}:s3:::${names.stem}-*`,
    parameterPath: names.parameterPath,
  });
}

/** The CI roles' ARNs as outputs of the bootstrap stack. */
export function addCiOutputs(stack: PlatformStack, ci: GithubCiRoles): void {
  stack.addOutputs({
    ci_plan_role_arn: {
      value: ci.planRole.roleArn,
      description: "Role pull-request workflows assume (GitHub OIDC) to plan this account",
    },
    ci_apply_role_arn: {
      value: ci.applyRole.roleArn,
      description:
        "Role the account's GitHub environment assumes to apply (it assumes the deploy role)",
    },
  });
}

/**
 * Lets the CI plan role refresh the stack: every key's policy names it for metadata (never
 * use), and every bucket restricted to the VPC endpoint exempts it (it reads configuration,
 * never objects). Call it last, when every key and bucket exists. No-op without `ci` in config.
 */
export function allowCiPlanReads(
  stack: PlatformStack,
  planRoleArn = stack.names.ciPlanRoleArn,
): void {
  if (stack.config.ci === undefined) return;
  for (const c of stack.node.findAll()) {
    if (c instanceof KmsKey) {
      c.addToPolicy({
        Sid: "CiPlanReadsKeyMetadata",
        Effect: "Allow",
        Principal: { AWS: planRoleArn },
        Action: [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListResourceTags",
        ],
        Resource: "*",
      });
    }
    if (c instanceof SecureBucket) c.addVpcEndpointExemption(planRoleArn);
  }
}
