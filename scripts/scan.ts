/**
 * Runs the rule pack over an existing synthesis output without synthesizing again.
 *
 *   npm run scan [-- <outdir>] [-- --sarif <file>]      (default cdktf.out)
 *
 * Prints the per-stack report; with --sarif also writes the findings (and the suppressed ones,
 * with their reasons) as SARIF 2.1.0 for GitHub code scanning, whose rules link to
 * docs/rule-pack.md of the commit when GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA are
 * set (as in a workflow). Exits 1 on any unsuppressed error (the SARIF file is written first).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { formatReport, scanStacks } from "../modules/rules/engine";
import { sarifLog } from "../modules/rules/sarif";

function helpUri(): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA } = process.env;
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_SHA) return undefined;
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}/docs/rule-pack.md`;
}

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf("--sarif");
  const sarif = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && (sarif === undefined || sarif.startsWith("--"))) {
    process.stderr.write("usage: scan.js [<outdir>] [--sarif <file>]\n");
    return 2;
  }
  const outdir = argv.filter((_, i) => at < 0 || (i !== at && i !== at + 1))[0] ?? "cdktf.out";
  if (!existsSync(join(outdir, "stacks"))) {
    process.stderr.write(`${outdir}/stacks does not exist; run npm run synth first\n`);
    return 1;
  }
  const report = await scanStacks(readSynthesizedStacks(outdir));
  process.stdout.write(`${formatReport(report)}\n`);
  if (sarif !== undefined) {
    const log = sarifLog(report, {
      outdir,
      stackText: (id) => readFileSync(join(outdir, "stacks", id, "cdk.tf.json"), "utf8"),
      helpUri: helpUri(),
    });
    writeFileSync(sarif, `${JSON.stringify(log, null, 1)}\n`);
    process.stderr.write(`scan: SARIF written to ${sarif}\n`);
  }
  if (report.errors.length > 0) {
    process.stderr.write(`${report.errors.length} unsuppressed error(s)\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
