import type { ConfigIssues, PlatformConfig } from "../schema/platform";

export function checkCi(config: PlatformConfig, ctx: ConfigIssues): void {
  for (const name of Object.keys(config.ci?.github.environments ?? {})) {
    if (!(name in config.accounts)) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "github", "environments", name],
        message: `names no account; accounts: ${Object.keys(config.accounts).join(", ")}`,
      });
    }
  }
}
