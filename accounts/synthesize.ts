import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { App } from "../modules/cdktf";
import type { PlatformConfig } from "./config-schema";
import { buildPlatform } from "./platform";

/** Where synthesis writes: CDKTF_OUTDIR when the cdktf CLI runs the app, cdktf.out otherwise. */
export function defaultOutdir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDKTF_OUTDIR || "cdktf.out";
}

/**
 * Synthesizes every stack of the platform into `outdir`, all or nothing: stacks are written to
 * a sibling folder first and moved into place only when every stack synthesized and validated,
 * so a failure leaves the previous output as it was and never a half-written one.
 * Returns the stack ids written.
 */
export function synthesizePlatform(config: PlatformConfig, outdir: string): string[] {
  const target = resolve(outdir);
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const stacks = buildPlatform(app, config);
    app.synth();
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    return [...Object.values(stacks.bootstraps), ...Object.values(stacks.accounts)].map(
      (s) => s.node.id,
    );
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}
