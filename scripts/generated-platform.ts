import type { PlatformConfigInput } from "../accounts/config/schema/platform";
import { exampleConfig } from "../accounts/config/example";

/** One /16 each: 10.40-10.255 (above the example's dev 10.10), then 172.16-172.31. */
export const MAX_GENERATED_TARGETS = 216 + 16;

function targetCidr(i: number): string {
  return i <= 216 ? `10.${39 + i}.0.0/16` : `172.${16 + i - 217}.0.0/16`;
}

/**
 * The example platform with `targets` deployment-target accounts instead of staging and prod,
 * for benchmarks and scale tests.
 */
export function generatedPlatform(targets: number): PlatformConfigInput {
  if (!Number.isInteger(targets) || targets < 1 || targets > MAX_GENERATED_TARGETS)
    throw new RangeError(`1 to ${MAX_GENERATED_TARGETS} generated targets`);
  const input = structuredClone(exampleConfig) as PlatformConfigInput;
  const accounts: PlatformConfigInput["accounts"] = { dev: input.accounts.dev };
  for (let i = 1; i <= targets; i++) {
    accounts[`target${i}`] = {
      type: "deployment-target",
      dataScienceAccount: "dev",
      accountId: String(400000000000 + i),
      vpc: { cidr: targetCidr(i) },
    };
  }
  // The example's environment names refer to its own accounts; generated targets use their names.
  const ci = input.ci && { github: { ...input.ci.github, environments: {} } };
  return { ...input, accounts, ci };
}
