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
 *
 * `only` builds the stacks of those accounts alone. Every cross-account name is computed from
 * the whole config, so each stack is the same as in a build of every account.
 */
export function buildPlatform(
  scope: Construct,
  config: PlatformConfig,
  only?: readonly string[],
): PlatformStacks {
  const accounts: Record<string, PlatformStack> = {};
  const bootstraps: Record<string, BootstrapStack> = {};
  for (const [accountName, account] of Object.entries(config.accounts)) {
    if (only !== undefined && !only.includes(accountName)) continue;
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

/** The environment variable that names the accounts to synthesize (comma-separated). */
export const PLATFORM_ACCOUNTS_ENV = "PLATFORM_ACCOUNTS";

/**
 * The accounts named by PLATFORM_ACCOUNTS (`dev,staging`), or undefined for every account. One
 * line per problem: an unknown or repeated name.
 */
export function selectedAccounts(
  config: PlatformConfig,
  value: string | undefined,
): { accounts?: string[]; problems: string[] } {
  if (value === undefined || value.trim() === "") return { problems: [] };
  const known = Object.keys(config.accounts);
  const names = value.split(",").map((n) => n.trim());
  const problems: string[] = [];
  names.forEach((name, i) => {
    if (!known.includes(name)) {
      problems.push(
        `${PLATFORM_ACCOUNTS_ENV}: ${JSON.stringify(name)} is not an account of the config; accounts: ${known.join(", ")}`,
      );
    } else if (names.indexOf(name) !== i) {
      problems.push(`${PLATFORM_ACCOUNTS_ENV}: ${JSON.stringify(name)} is named twice`);
    }
  });
  return { accounts: names, problems };
}
