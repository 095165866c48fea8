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
 * The targets' roles of one kind, named without listing them: the platform's name pattern for
 * that role (`arn:<partition>:iam::*:role/<prefix>-*-model-execution`) in exactly the targets'
 * accounts. A policy holding this grows by one account id per target, not by a role ARN (or a
 * statement) per target, so it stays within AWS's policy size quotas at hundreds of targets.
 *
 * As tight as listing every ARN: in a target account only the platform's Terraform deploy role
 * creates roles of the platform's names (whoever else could create one could equally rewrite the
 * real role's trust policy), and a principal of any other account never matches the account
 * condition.
 */
export interface TargetRoles {
  /** The targets' account ids, each once, in config order. */
  readonly accountIds: string[];
  /** ARN pattern of the role in every target (IAM's `*` wildcard, for `ArnLike`). */
  readonly arnPattern: string;
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
    arnPattern: `arn:${partition}:iam::*:role/${targetRoleNamePattern(config.prefix, kind)}`,
  };
}
