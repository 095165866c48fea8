import { mlflowMode, mlflowSchema } from "../schema/mlflow";
import { hasNatEgress, usesCodeArtifact } from "../derived";
import type { ConfigIssues, PlatformConfig } from "../schema/platform";

/** The settings of each mode, at their defaults: what a config that sets nothing there has. */
const DEFAULTS = mlflowSchema.parse({});

/**
 * Settings of a mode the account does not use, set away from their defaults: they would be
 * silently ignored, so they are errors (the value may have been meant for the chosen mode).
 */
function unusedModeSettings(
  mlflow: PlatformConfig["accounts"][string] & { type: "data-science" },
  path: string[],
  ctx: ConfigIssues,
): void {
  const mode = mlflowMode(mlflow.mlflow);
  const sections = [
    ["server", "ec2", mlflow.mlflow.server, DEFAULTS.server],
    ["managed", "managed", mlflow.mlflow.managed, DEFAULTS.managed],
  ] as const;
  for (const [section, owner, value, defaults] of sections) {
    if (mode === owner) continue;
    for (const [key, setting] of Object.entries(value)) {
      if (key === "enabled") continue; // checked above, with its own message
      const fallback = (defaults as Record<string, unknown>)[key];
      if (JSON.stringify(setting) === JSON.stringify(fallback)) continue;
      // A setting already refused for its value gets that one line, not a second.
      const at = [...path, section, key];
      if (ctx.issues.some((i) => at.every((part, n) => i.path?.[n] === part))) continue;
      ctx.addIssue({
        code: "custom",
        path: [...path, section, key],
        message: `is set, but mlflow.mode is "${mode}", which does not use ${section} settings (they would be ignored): remove it, or set mlflow.mode: ${owner}`,
      });
    }
  }
}

export function checkMlflowServer(config: PlatformConfig, ctx: ConfigIssues): void {
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const path = ["accounts", name, "mlflow"];
    unusedModeSettings(account, path, ctx);
    const mode = mlflowMode(account.mlflow);
    if (account.mlflow.server.enabled && mode !== "ec2") {
      ctx.addIssue({
        code: "custom",
        path: [...path, "server", "enabled"],
        message: `cannot be true with mlflow.mode "${mode}"; use mode: ec2 alone`,
      });
    }
    if (mode === "none") continue;
    if (account.mlflow.databaseSecretArn !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "databaseSecretArn"],
        message:
          mode === "ec2"
            ? "cannot be combined with mlflow mode ec2: the server uses the secret of its own database"
            : "cannot be combined with mlflow mode managed: SageMaker manages the server's metadata store",
      });
    }
    const ssoDomain = (account.sagemaker?.domains ?? []).findIndex((d) => d.authMode === "SSO");
    if (mode === "managed" && ssoDomain >= 0) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "mode"],
        message: `"managed" cannot be combined with a Studio domain in authMode SSO (sagemaker.domains[${ssoDomain}]): AWS does not support keeping the managed tracking server's access to the VPC in IAM Identity Center mode, which this platform requires; use mode ec2, or authMode IAM`,
      });
    }
    if (mode !== "ec2") continue;
    // The server installs MLflow at boot: only combinations where pip reaches an index boot.
    const fromCodeArtifact = usesCodeArtifact(account);
    const pipIndexUrl = account.mlflow.server.pipIndexUrl;
    if (fromCodeArtifact && pipIndexUrl !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "server", "pipIndexUrl"],
        input: pipIndexUrl,
        message:
          "cannot be combined with the platform's package repository (packages.codeArtifact, on by default without NAT): the server installs MLflow from it; remove pipIndexUrl, or set packages.codeArtifact: false and give the VPC NAT gateways",
      });
    } else if (!fromCodeArtifact && !hasNatEgress(account)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "server", "enabled"],
        message: `needs a package index it can reach to install MLflow at boot, and ${
          account.vpc.existing === undefined
            ? "the VPC has no NAT route (vpc.natGateways is none)"
            : "the server's security group reaches no index outside an existing VPC"
        } while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)`,
      });
    }
  }
}
