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
 * Builds an app with `build` and synthesizes it into `outdir`, all or nothing: the stacks are
 * written to a sibling folder first and moved into place only when every stack synthesized and
 * passed validation. A failure leaves the previous output as it was, never a half-written one.
 */
export function synthesizeAtomically<T>(outdir: string, build: (app: App) => T): T {
  const target = resolve(outdir);
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const result = build(app);
    app.synth();
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    return result;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/** Synthesizes every stack of the platform into `outdir`; returns the stack ids written. */
export function synthesizePlatform(config: PlatformConfig, outdir: string): string[] {
  return synthesizeAtomically(outdir, (app) => {
    const stacks = buildPlatform(app, config);
    return [...Object.values(stacks.bootstraps), ...Object.values(stacks.accounts)].map(
      (s) => s.node.id,
    );
  });
}
