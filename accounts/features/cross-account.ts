import { type PlatformConfig } from "../config/schema/platform";
import { namingInput } from "../naming";
import { AccountNames } from "../naming";

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

/** Model execution roles of those targets: they read the model artifacts and the registry. */
export function modelReaderRoleArns(config: PlatformConfig, dataScienceAccount: string): string[] {
  return deploymentTargetsOf(config, dataScienceAccount).map((t) => t.modelExecutionRoleArn);
}

/** Both roles of every target: the registry lets them read. */
export function targetRoleArns(config: PlatformConfig, dataScienceAccount: string): string[] {
  return deploymentTargetsOf(config, dataScienceAccount).flatMap((t) => [
    t.modelExecutionRoleArn,
    t.modelDeploymentRoleArn,
  ]);
}
