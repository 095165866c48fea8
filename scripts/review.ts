/**
 * Offline review: synthesizes a base git ref and the working tree, and prints per stack the
 * resources added, removed and changed, flagging any data-bearing resource whose Terraform
 * address changes, then what the change grants and revokes (the access diff, as `npm run access
 * -- --base` prints it). Needs no credentials and no terraform.
 *
 *   npm run review -- --base <git ref>
 *
 * The base is checked out into a temporary git worktree that shares this checkout's
 * node_modules, bundled from its own sources, and synthesized with the same PLATFORM_CONFIG.
 * Exit 1 when a data-bearing address changes or a grant is not declared in intended-access.txt,
 * 2 on bad input.
 */
import { join, resolve } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import {
  baseConfig,
  synthesizeCheckout,
  UnknownRefError,
  withWorktree,
} from "../synthesis/synthesize-checkout";
import { diffStacks, formatDiff } from "../review/synth-diff";
import { INTENDED_ACCESS, reviewAccess } from "../review/access/diff";

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf("--base");
  const base = at >= 0 ? argv[at + 1] : undefined;
  if (base === undefined) {
    process.stderr.write("usage: npm run review -- --base <git ref>\n");
    return 2;
  }
  const root = resolve(__dirname, "..", "..");
  try {
    const result = withWorktree(root, base, (worktree, scratch) => {
      const config = baseConfig(root, worktree);
      if (config !== undefined)
        process.stderr.write(
          `review: ${base} has no platform.yaml; its code is synthesized with this checkout's ${config}, so the review compares like with like\n`,
        );
      const configs = {
        base: config ?? process.env.PLATFORM_CONFIG ?? "its own platform.yaml, else the example",
        head: process.env.PLATFORM_CONFIG || "platform.yaml, else the example",
      };
      process.stdout.write(
        `Compared: ${base} synthesized with ${configs.base}; the working tree with ${configs.head}\n`,
      );
      process.stderr.write(`review: building and synthesizing ${base} ...\n`);
      synthesizeCheckout(worktree, join(scratch, "base-out"), config);
      process.stderr.write("review: building and synthesizing the working tree ...\n");
      synthesizeCheckout(root, join(scratch, "head-out"));
      const before = readSynthesizedStacks(join(scratch, "base-out"));
      const after = readSynthesizedStacks(join(scratch, "head-out"));
      const diffs = diffStacks(before, after);
      process.stdout.write(`Changes from ${base} to the working tree\n${formatDiff(diffs)}\n`);
      return { before, after, dataLoss: diffs.some((d) => d.dataBearingMoves.length > 0) };
    });
    const access = await reviewAccess(result.before, result.after, join(root, INTENDED_ACCESS));
    process.stdout.write(`${access.text}\n`);
    return result.dataLoss || access.undeclared.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UnknownRefError) {
      process.stderr.write(`--base ${error.message}\n`);
      return 2;
    }
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    process.stderr.write(`review failed: ${(error as Error).message}\n${stderr}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
