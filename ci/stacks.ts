import { type PlatformConfig } from "../accounts/config/schema/platform";
import { bootstrapStateIsRemote } from "../accounts/config/schema/state";
import { AccountNames, namingInput } from "../accounts/naming";

/** Which stacks CI plans and applies, with the roles it uses: independent of the CI system. */

export interface CiStack {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** GitHub environment the apply job runs in. */
  readonly environment: string;
}

/** The stacks CI plans and applies: account stacks, and bootstrap stacks once their state is remote (S3 or HCP Terraform). */
export function ciStacks(config: PlatformConfig): CiStack[] {
  const github = config.ci?.github;
  if (github === undefined) return [];
  return Object.keys(config.accounts).flatMap((account) => {
    const names = new AccountNames(namingInput(config, account));
    const entry = {
      account,
      region: config.region,
      planRoleArn: names.ciPlanRoleArn,
      applyRoleArn: names.roleArn(names.ciApplyRoleName),
      environment: github.environments[account] ?? account,
    };
    const stacks = [{ stack: account, ...entry }];
    if (bootstrapStateIsRemote(config.state))
      stacks.unshift({ stack: `${account}-bootstrap`, ...entry });
    return stacks;
  });
}

/** One CI job: an account's stacks in apply order (bootstrap first), all run with its roles. */
export interface CiAccount {
  readonly account: string;
  /** Space-separated, for a shell loop in the job: `dev-bootstrap dev`. */
  readonly stacks: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  readonly environment: string;
}

/** The accounts CI plans and applies, one job each: both of an account's stacks share its roles. */
export function ciAccounts(config: PlatformConfig): CiAccount[] {
  const byAccount = new Map<string, CiStack[]>();
  for (const stack of ciStacks(config)) {
    byAccount.set(stack.account, [...(byAccount.get(stack.account) ?? []), stack]);
  }
  return [...byAccount.values()].map((stacks) => {
    const { account, region, planRoleArn, applyRoleArn, environment } = stacks[0];
    const ids = stacks.map((s) => s.stack).join(" ");
    return { account, stacks: ids, region, planRoleArn, applyRoleArn, environment };
  });
}

/**
 * The environment variable Terraform reads a host's API token from (`TF_TOKEN_<host>`, dots as
 * underscores, hyphens as double underscores), for HCP Terraform or a Terraform Enterprise host.
 */
export function terraformTokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/-/g, "__").replace(/\./g, "_")}`;
}
