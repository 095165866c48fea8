import { roleArn } from "../../modules/core/aws-environment";
import { type PlatformConfig } from "../config/schema/platform";
import { AccountNames, namingInput, targetRoleNamePattern, type TargetRoleKind } from "../naming";

/**
 * The deployment targets that take models from a data science account. Every cross-account
 * name (the model bucket's readers, the registry's readers, the roles the pipeline may assume)
 * comes from here, so a change in config changes every side at once.
 */
export function deploymentTargetsOf(
  config: PlatformConfig,
  dataScienceAccount: string,
): AccountNames[] {
  return Object.entries(config.accounts)
    .filter(
      ([, a]) => a.type === "deployment-target" && a.dataScienceAccount === dataScienceAccount,
    )
    .map(([name]) => new AccountNames(namingInput(config, name)));
}

/**
 * Up to this many targets per data science account, policies name each target's role by its
 * exact ARN; past it, by the platform's name pattern (IAM's `*`) in exactly the targets' accounts,
 * so the model bucket's policy (20 KB) and the data key's (32 KB) stay within AWS's quotas. A
 * pattern admits any role someone creates under a matching name (and path) in a target account;
 * the rule pack warns where one is used (IAM.RoleNamePattern).
 */
export const EXACT_TARGET_ROLES_MAX = 10;

/** The targets' roles of one kind, as policies name them. */
export interface TargetRoles {
  /** The targets' account ids, each once, in config order. */
  readonly accountIds: string[];
  /**
   * Each target's role by exact ARN (`arn:<partition>:iam::<id>:role/<prefix>-<target>-<kind>`),
   * or, past `EXACT_TARGET_ROLES_MAX` targets, the one name pattern
   * (`arn:<partition>:iam::*:role/<prefix>-*-<kind>`, for `ArnLike`, always with the account ids).
   */
  readonly arns: string[];
}

export function targetRoles(
  config: PlatformConfig,
  dataScienceAccount: string,
  kind: TargetRoleKind,
): TargetRoles {
  const targets = deploymentTargetsOf(config, dataScienceAccount);
  const partition = new AccountNames(namingInput(config, dataScienceAccount)).partition;
  return {
    accountIds: [...new Set(targets.map((t) => t.accountId))],
    arns:
      targets.length > EXACT_TARGET_ROLES_MAX
        ? [roleArn(partition, "*", targetRoleNamePattern(config.prefix, kind))]
        : targets.map((t) => t.roleArn(t.targetRoleName(kind))),
  };
}
