import { readFileSync } from "node:fs";

/** The AWS provider the platform is built and tested against: its bindings' version (6.25.0 for cdktf, 6.66.0 for CDK Terrain). */
export function awsProviderVersion(): string {
  const pkg = JSON.parse(
    readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8"),
  ) as { cdktf: { provider: { version: string } } };
  return pkg.cdktf.provider.version;
}

/**
 * The provider versions a synthesized stack accepts: from the tested version up to the next major
 * one, so a team can take a provider fix (`terraform init -upgrade`, then commit the stack's
 * `.terraform.lock.hcl`) without editing generated JSON, and a major upgrade stays a decision.
 */
export function stackAwsProviderConstraint(tested = awsProviderVersion()): string {
  const [major] = tested.split(".");
  return `>= ${tested}, < ${Number(major) + 1}.0.0`;
}
