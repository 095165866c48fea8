import type { Construct } from "constructs";
import { BootstrapStack, bootstrapStackId } from "./stacks/bootstrap-stack";
import type { PlatformConfig } from "./config/schema/platform";
import { DataScienceAccountStack } from "./stacks/data-science-account-stack";
import { DeploymentTargetAccountStack } from "./stacks/deployment-target-account-stack";
import type { PlatformStack } from "./stacks/platform-stack";

export interface PlatformStacks {
  /** Account stacks by account name (stack id = account name). */
  readonly accounts: Record<string, PlatformStack>;
  /** Bootstrap stacks by account name (stack id = `<account>-bootstrap`). */
  readonly bootstraps: Record<string, BootstrapStack>;
}

/**
 * One bootstrap stack and one account stack per account in config. Accounts differ only in
 * data: the stack class is chosen by the account's type, never by its name.
 */
export function buildPlatform(scope: Construct, config: PlatformConfig): PlatformStacks {
  const accounts: Record<string, PlatformStack> = {};
  const bootstraps: Record<string, BootstrapStack> = {};
  for (const [accountName, account] of Object.entries(config.accounts)) {
    const props = { config, accountName };
    bootstraps[accountName] = new BootstrapStack(scope, bootstrapStackId(accountName), props);
    accounts[accountName] =
      account.type === "data-science"
        ? new DataScienceAccountStack(scope, accountName, props)
        : new DeploymentTargetAccountStack(scope, accountName, props);
    // The account stack keeps its state in the bucket its bootstrap stack makes: `cdktf deploy`
    // of both (or `--all`) applies the bootstrap first (manifest.json's dependencies).
    accounts[accountName].addDependency(bootstraps[accountName]);
  }
  return { accounts, bootstraps };
}
