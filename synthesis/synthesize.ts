import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { App } from "../modules/core/cdktf";
import { scanStacks, type ScanReport } from "../modules/rules/engine";
import type { PlatformConfig } from "../accounts/config/schema/platform";
import { buildPlatform } from "../accounts/platform";
import { readSynthesizedStacks } from "./read-synthesized";
import { ATLANTIS_FILE, atlantisConfig } from "./atlantis";
import { costReport } from "./cost-estimate";
import { accountDiagram, DIAGRAM_FILE } from "./account-diagram";

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
  const restore = skipTokenStackTraces();
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** The same for code that builds or synthesizes synchronously (the tests' synthesis helper). */
export function withoutTokenStackTracesSync<T>(fn: () => T): T {
  const restore = skipTokenStackTraces();
  try {
    return fn();
  } finally {
    restore();
  }
}

function skipTokenStackTraces(): () => void {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (!(error instanceof Error)) return "";
    return previous
      ? previous(error, frames)
      : [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
  };
  return () => {
    Error.prepareStackTrace = previous;
  };
}

export interface SynthesisResult<T> {
  readonly value: T;
  readonly report: ScanReport;
  /** Each stack's fixed monthly cost before use, USD (`cost-estimate.md` has the lines). */
  readonly cost: Readonly<Record<string, number>>;
}

/** The cost estimate synthesis writes beside `stacks/` (synthesis/cost-estimate.ts). */
export const COST_ESTIMATE_FILE = "cost-estimate.md";

/** The steps of a synthesis, in order, for the benchmark's breakdown. */
export type SynthesisPhase = "construct tree" | "synth" | "rule pack" | "write";

export interface SynthesisOptions {
  /** Called as each phase ends (the benchmark's breakdown times them). */
  readonly onPhaseEnd?: (phase: SynthesisPhase) => void;
  /**
   * Synthesize the stacks of these accounts only (and their bootstrap stacks); the output then
   * holds exactly those.
   * @default every account
   */
  readonly accounts?: readonly string[];
  /** Files to write beside `stacks/` (path relative to the output folder → content). */
  readonly files?: Readonly<Record<string, string>>;
}

/** Another synthesis is writing the same output folder. */
export class OutputLockedError extends Error {
  constructor(readonly lock: string) {
    super(
      `another synthesis (${describeLock(lock)}) is writing this output; wait for it to finish. If no synthesis is running, delete ${lock}`,
    );
    this.name = "OutputLockedError";
  }
}

/**
 * Builds an app with `build`, synthesizes it and runs the rule pack over every stack, all or
 * nothing: the stacks are written to a sibling staging folder first and swapped into `outdir`
 * only when every stack synthesized, passed validation and has no unsuppressed rule error.
 *
 * The swap never leaves half an output: the previous output is renamed aside, the new one renamed
 * in (each rename is atomic on one file system), and only then is the old one deleted; if the
 * second rename fails the old output is renamed back. A lock folder beside the output makes a
 * second synthesis into the same folder refuse to start (OutputLockedError) instead of racing;
 * a lock left by a process that no longer runs is taken over, and staging folders left by a
 * killed run are deleted.
 */
export async function synthesizeAtomically<T>(
  outdir: string,
  build: (app: App) => T,
  options: SynthesisOptions = {},
): Promise<SynthesisResult<T>> {
  const target = resolve(outdir);
  const release = lockOutput(target);
  try {
    removeStaleStaging(target);
    return await withoutTokenStackTraces(() => synthesizeInto(target, build, options));
  } finally {
    release();
  }
}

const STAGING_MARK = "-staging-";
const ASIDE_MARK = "-previous-";

function stagingPrefix(target: string): string {
  return `.${basename(target)}${STAGING_MARK}`;
}

async function synthesizeInto<T>(
  target: string,
  build: (app: App) => T,
  { onPhaseEnd = () => undefined, files = {} }: SynthesisOptions,
): Promise<SynthesisResult<T>> {
  const staging = mkdtempSync(join(dirname(target), stagingPrefix(target)));
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const value = build(app);
    onPhaseEnd("construct tree");
    app.synth();
    for (const [file, content] of Object.entries(files))
      writeFileSync(join(staging, file), content);
    onPhaseEnd("synth");
    const stacks = readSynthesizedStacks(staging);
    // A picture of what each stack deploys, beside it (synthesis/account-diagram.ts).
    for (const [id, stack] of Object.entries(stacks)) {
      writeFileSync(join(staging, "stacks", id, DIAGRAM_FILE), accountDiagram(id, stack));
    }
    const report = await scanStacks(stacks);
    onPhaseEnd("rule pack");
    if (report.errors.length > 0) throw new RulePackError(report);
    const cost = costReport(stacks);
    writeFileSync(join(staging, COST_ESTIMATE_FILE), `${cost.markdown}\n`);
    swapIn(staging, target);
    onPhaseEnd("write");
    return { value, report, cost: cost.totals };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves `staging` to `target`, replacing what is there, never leaving a partial `target`. */
function swapIn(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const aside = `${join(dirname(target), `.${basename(target)}${ASIDE_MARK}`)}${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  renameSync(target, aside);
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(aside, target);
    throw error;
  }
  try {
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // The new output is in place; the next run deletes what is left of the old one.
  }
}

/** Deletes staging and set-aside folders of earlier runs that were killed part-way. */
function removeStaleStaging(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const own = `.${basename(target)}`;
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(`${own}${STAGING_MARK}`) || entry.startsWith(`${own}${ASIDE_MARK}`)) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}

function lockPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

function describeLock(lock: string): string {
  try {
    return `process ${readFileSync(join(lock, "pid"), "utf8").trim()}`;
  } catch {
    return "a process";
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock is stale when the process it names no longer runs. One without a readable pid is taken
 * by a run that has not written it yet, unless it is over a minute old.
 */
function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(lock, "pid"), "utf8"), 10);
  } catch {
    pid = Number.NaN;
  }
  if (Number.isInteger(pid) && pid > 0) return !processRuns(pid);
  try {
    return Date.now() - statSync(lock).mtimeMs > 60_000;
  } catch {
    return true; // released meanwhile
  }
}

/** Takes the output's lock (a folder: creating one is atomic) and returns its release. */
function lockOutput(target: string): () => void {
  const lock = lockPath(target);
  mkdirSync(dirname(target), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
        throw (error as NodeJS.ErrnoException).code === "EEXIST"
          ? new OutputLockedError(lock)
          : error;
      }
      if (!lockIsStale(lock)) throw new OutputLockedError(lock);
      rmSync(lock, { recursive: true, force: true }); // left by a run that was killed
    }
  }
  writeFileSync(join(lock, "pid"), `${process.pid}\n`);
  return () => rmSync(lock, { recursive: true, force: true });
}

/** Synthesizes every stack of the platform into `outdir`; returns the stack ids and the report. */
export function synthesizePlatform(
  config: PlatformConfig,
  outdir: string,
  options: SynthesisOptions = {},
): Promise<SynthesisResult<string[]>> {
  return synthesizeAtomically(
    outdir,
    (app) => {
      const stacks = buildPlatform(app, config, options.accounts);
      return [...Object.values(stacks.bootstraps), ...Object.values(stacks.accounts)].map(
        (s) => s.node.id,
      );
    },
    {
      ...options,
      files: { [ATLANTIS_FILE]: atlantisConfig(config, options.accounts), ...options.files },
    },
  );
}
