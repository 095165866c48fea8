import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import type { StackJson } from "../modules/core/terraform-json";
import { baseConfig, synthesizeCheckout, withWorktree } from "../synthesis/synthesize-checkout";
import { declarationChanges, planScope, sharedChanges, type PlanScope } from "./plan-scope";
import { INTENDED_DATA_LOSS } from "./runs";

/**
 * The inputs of `planScope` gathered from git: the files changed from the base commit to the
 * working tree (committed or not, untracked included), the base's synthesis (only when no shared
 * file changed: otherwise every stack is planned and the base is not needed), the declarations'
 * changed lines, and the head's synthesis already in `outdir`.
 */
export interface ScopeFromGit {
  /** The repository root. */
  readonly root: string;
  /** The base commit (the pull request's base: the merge commit's first parent). */
  readonly baseRef: string;
  /** The head's synthesis (`npm run synth` ran). */
  readonly outdir: string;
  /** The config file the head was synthesized from, as the loader names it. */
  readonly configSource: string;
  readonly ciStacks: readonly string[];
  readonly log?: (line: string) => void;
}

function git(root: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Files changed from `base` to the working tree, untracked ones included. */
export function changedFiles(root: string, base: string): string[] {
  const tracked = git(root, ["diff", "--name-only", "--no-renames", base]);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard"]);
  const files = `${tracked}\n${untracked}`.split("\n").filter(Boolean);
  return [...new Set(files)].sort();
}

function showAt(root: string, ref: string, file: string): string {
  try {
    return git(root, ["show", `${ref}:${file}`]);
  } catch {
    return ""; // the file is not in that commit
  }
}

export function scopeFromGit(input: ScopeFromGit): PlanScope {
  const { root, baseRef, log = () => undefined } = input;
  const resolve = (ref: string) => {
    try {
      return git(root, ["rev-parse", "--verify", `${ref}^{commit}`]).trim();
    } catch {
      throw new Error(
        `--base ${ref}: not a commit in this repository (a shallow clone may lack it: fetch-depth)`,
      );
    }
  };
  const baseSha = resolve(baseRef);
  const headSha = resolve("HEAD");
  const configFile = isAbsolute(input.configSource)
    ? relative(root, input.configSource)
    : input.configSource;
  const files = changedFiles(root, baseSha);
  const head = readSynthesizedStacks(input.outdir);
  const declarations = join(root, INTENDED_DATA_LOSS);
  const common = {
    head,
    changedFiles: files,
    configFiles: [configFile],
    ciStacks: input.ciStacks,
    declaredStacks: declarationChanges(
      showAt(root, baseSha, INTENDED_DATA_LOSS),
      existsSync(declarations) ? readFileSync(declarations, "utf8") : "",
    ),
    baseRef: baseSha,
    headRef: headSha,
  };
  const shared = sharedChanges(files, [configFile]);
  if (shared.length > 0) {
    log(
      `${shared.length} shared file(s) changed: every stack is planned, the base is not synthesized`,
    );
    return planScope({ ...common, base: {} });
  }
  let base: Record<string, StackJson> | { failed: string };
  try {
    base = withWorktree(root, baseSha, (worktree, scratch) => {
      log(`synthesizing the base ${baseSha.slice(0, 12)} ...`);
      synthesizeCheckout(worktree, join(scratch, "out"), baseConfig(root, worktree));
      return readSynthesizedStacks(join(scratch, "out"));
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split("\n")[0];
    base = { failed: stderr || (error as Error).message.split("\n")[0] };
  }
  return planScope({ ...common, base });
}
