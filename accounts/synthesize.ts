import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { App } from "../modules/core/cdktf";
import { scanStacks, type ScanReport } from "../modules/rules/engine";
import type { PlatformConfig } from "./config/schema/platform";
import { buildPlatform } from "./platform";
import { readSynthesizedStacks } from "../review/read-synthesized";

/** Where synthesis writes: CDKTF_OUTDIR when the cdktf CLI runs the app, cdktf.out otherwise. */
export function defaultOutdir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDKTF_OUTDIR || "cdktf.out";
}

/** Synthesis refused: the rule pack found unsuppressed errors. */
export class RulePackError extends Error {
  constructor(readonly report: ScanReport) {
    super(
      `the rule pack found ${report.errors.length} unsuppressed error(s): ${[...new Set(report.errors.map((e) => e.ruleId))].join(", ")}`,
    );
    this.name = "RulePackError";
  }
}

/**
 * Runs `fn` while V8 skips formatting the stack traces that cdktf captures into plain objects on
 * every token it creates (each resource attribute reference). They only decorate rare token
 * errors, and formatting them was a sixth of synthesis time. Real Errors keep their stacks.
 */
async function withoutTokenStackTraces<T>(fn: () => Promise<T>): Promise<T> {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (!(error instanceof Error)) return "";
    return previous
      ? previous(error, frames)
      : [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
  };
  try {
    return await fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

export interface SynthesisResult<T> {
  readonly value: T;
  readonly report: ScanReport;
}

/**
 * Builds an app with `build`, synthesizes it and runs the rule pack over every stack, all or
 * nothing: the stacks are written to a sibling folder first and moved into `outdir` only when
 * every stack synthesized, passed validation and has no unsuppressed rule error. A failure leaves
 * the previous output as it was, never a half-written one.
 */
export async function synthesizeAtomically<T>(
  outdir: string,
  build: (app: App) => T,
): Promise<SynthesisResult<T>> {
  return withoutTokenStackTraces(() => synthesizeInto(outdir, build));
}

async function synthesizeInto<T>(
  outdir: string,
  build: (app: App) => T,
): Promise<SynthesisResult<T>> {
  const target = resolve(outdir);
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const value = build(app);
    app.synth();
    const report = await scanStacks(readSynthesizedStacks(staging));
    if (report.errors.length > 0) throw new RulePackError(report);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    return { value, report };
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/** Synthesizes every stack of the platform into `outdir`; returns the stack ids and the report. */
export function synthesizePlatform(
  config: PlatformConfig,
  outdir: string,
): Promise<SynthesisResult<string[]>> {
  return synthesizeAtomically(outdir, (app) => {
    const stacks = buildPlatform(app, config);
    return [...Object.values(stacks.bootstraps), ...Object.values(stacks.accounts)].map(
      (s) => s.node.id,
    );
  });
}
