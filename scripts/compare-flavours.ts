/**
 * Compares two synthesis outputs (the cdktf and the CDK Terrain flavour's, for one config): exit
 * 0 when they differ only in the framework's marks (review/flavour-diff.ts), 1 with the
 * differences otherwise.
 *
 *   node dist/scripts/compare-flavours.js <cdktf.out of one> <cdktf.out of the other>
 */
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { flavourDifferences } from "../review/flavour-diff";

function main(argv: string[]): number {
  if (argv.length !== 2) {
    process.stderr.write("usage: compare-flavours <outdir> <outdir>\n");
    return 2;
  }
  const [first, second] = argv.map(readSynthesizedStacks);
  const differences = flavourDifferences(first, second);
  if (differences.length > 0) {
    process.stdout.write(`The flavours' outputs differ:\n${differences.join("\n")}\n`);
    return 1;
  }
  process.stdout.write(
    `The flavours' outputs are the same for ${Object.keys(first).length} stacks, but for the framework version and the provider pin\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
