import type { PlatformConfigInput } from "../accounts/config/schema/platform";
import { exampleConfig } from "../accounts/config/example";

/**
 * The example platform with `targets` deployment-target accounts instead of staging and prod,
 * for benchmarks and scale tests.
 */
export function generatedPlatform(targets: number): PlatformConfigInput {
  if (targets > 150)
    throw new RangeError("at most 150 generated targets (one /16 each in 10.0.0.0/8)");
  const input = structuredClone(exampleConfig) as PlatformConfigInput;
  const accounts: PlatformConfigInput["accounts"] = { dev: input.accounts.dev };
  for (let i = 1; i <= targets; i++) {
    accounts[`target${i}`] = {
      type: "deployment-target",
      dataScienceAccount: "dev",
      accountId: String(400000000000 + i),
      vpc: { cidr: `10.${100 + i}.0.0/16` },
    };
  }
  // The example's environment names refer to its own accounts; generated targets use their names.
  const ci = input.ci && { github: { ...input.ci.github, environments: {} } };
  return { ...input, accounts, ci };
}
