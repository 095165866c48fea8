/**
 * Who can do what, from the synthesized output (offline, no credentials, no terraform):
 *
 *   npm run access                          the table: per account, each principal, what it may
 *                                           do, from where, and the statements that decide it
 *   npm run access -- --json | --markdown   the same for tools, or for a comment
 *   npm run access -- --check               the separation-of-duties invariants; exit 1 if one breaks
 *   npm run access -- --base <ref>          what the working tree grants and revokes against <ref>
 *                                           (synthesized in a worktree); exit 1 on a grant that
 *                                           intended-access.txt does not declare
 *   ... --comment                           (with --base) also posts the diff on the pull request
 *
 * Reads cdktf.out (or the folder given first); `npm run synth` before. Exit 2 on bad usage.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { commentOnPullRequest } from "../ci/github/api";
import { INTENDED_ACCESS, reviewAccess } from "../review/access/diff";
import { accessTable, type AccessTable } from "../review/access/evaluate";
import { checkInvariants } from "../review/access/invariants";
import { accessModel } from "../review/access/model";
import { formatAccessMarkdown, formatAccessText, formatInvariants } from "../review/access/report";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { baseConfig, synthesizeCheckout, withWorktree } from "../synthesis/synthesize-checkout";

const root = resolve(__dirname, "..", "..");

async function tableOf(outdir: string): Promise<AccessTable> {
  return accessTable(accessModel(readSynthesizedStacks(outdir)));
}

async function diffAgainst(base: string, head: string, comment: boolean): Promise<number> {
  const baseStacks = withWorktree(root, base, (worktree, scratch) => {
    process.stderr.write(`access: synthesizing ${base} ...\n`);
    synthesizeCheckout(worktree, join(scratch, "out"), baseConfig(root, worktree));
    return readSynthesizedStacks(join(scratch, "out"));
  });
  const { text, undeclared } = await reviewAccess(
    baseStacks,
    readSynthesizedStacks(head),
    join(root, INTENDED_ACCESS),
  );
  process.stdout.write(`${text}\n`);
  if (comment)
    await commentOnPullRequest(
      ["### Access: what this change grants and revokes", "", "```", text, "```"].join("\n"),
      "access",
    );
  return undeclared.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const known = ["--json", "--markdown", "--check", "--base", "--comment"];
  const at = argv.indexOf("--base");
  const base = at >= 0 ? argv[at + 1] : undefined;
  const positional = argv.filter((a, i) => !a.startsWith("--") && !(at >= 0 && i === at + 1));
  const unknown = argv.filter((a) => a.startsWith("--") && !known.includes(a));
  if (unknown.length > 0 || (at >= 0 && (base === undefined || base.startsWith("--")))) {
    process.stderr.write(
      "usage: access.js [<outdir>] [--json | --markdown] [--check] [--base <ref> [--comment]]\n",
    );
    return 2;
  }
  const outdir = positional[0] ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
  if (!existsSync(join(outdir, "stacks"))) {
    process.stderr.write(`${outdir}/stacks does not exist; run npm run synth first\n`);
    return 1;
  }
  if (base !== undefined) return diffAgainst(base, outdir, argv.includes("--comment"));
  const started = Date.now();
  const table = await tableOf(outdir);
  process.stderr.write(
    `access: ${table.principals.length} principals, ${table.capabilities.length} capabilities, ${table.cells.length} allowed in ${Date.now() - started} ms\n`,
  );
  if (argv.includes("--check")) {
    const results = checkInvariants(table);
    process.stdout.write(`${formatInvariants(results)}\n`);
    return results.some((r) => r.violations.length > 0) ? 1 : 0;
  }
  if (argv.includes("--json")) process.stdout.write(`${JSON.stringify(table, null, 1)}\n`);
  else if (argv.includes("--markdown")) process.stdout.write(`${formatAccessMarkdown(table)}\n`);
  else process.stdout.write(`${formatAccessText(table)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`access: ${error.message}\n`);
    process.exitCode = 2;
  },
);
