/**
 * Runs the rule pack over an existing synthesis output without synthesizing again.
 *
 *   npm run scan [-- <outdir>]      (default cdktf.out)
 *
 * Prints the per-stack report; exits 1 on any unsuppressed error.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { formatReport, scanStacks } from "../modules/rules/engine";

async function main(): Promise<number> {
  const outdir = process.argv[2] ?? "cdktf.out";
  if (!existsSync(join(outdir, "stacks"))) {
    process.stderr.write(`${outdir}/stacks does not exist; run npm run synth first\n`);
    return 1;
  }
  const report = await scanStacks(readSynthesizedStacks(outdir));
  process.stdout.write(`${formatReport(report)}\n`);
  if (report.errors.length > 0) {
    process.stderr.write(`${report.errors.length} unsuppressed error(s)\n`);
    return 1;
  }
  return 0;
}

main().then((code) => (process.exitCode = code));
