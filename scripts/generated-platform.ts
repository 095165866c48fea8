import type { PlatformConfigInput } from "../accounts/config/schema/platform";
import { exampleConfig } from "../accounts/config/example";

/** One /20 each, in 10.64.0.0 - 10.127.255.255 (clear of the example's 10.10 dev VPC). */
export const MAX_GENERATED_TARGETS = 1024;

function targetCidr(i: number): string {
  return `10.${64 + Math.floor((i - 1) / 16)}.${((i - 1) % 16) * 16}.0/20`;
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
