/**
 * Synthesizes the platform: one bootstrap stack and one account stack per account in the
 * platform config (PLATFORM_CONFIG, or the example in accounts/config/example.ts), then runs the
 * rule pack over every stack and prints its report.
 *
 * A bad config prints one line per problem and exits 1 without writing anything; so does a stack
 * with an unsuppressed rule error.
 */
import { loadPlatformConfig, PlatformConfigError } from "./accounts/config/loader";
import { defaultOutdir, RulePackError, synthesizePlatform } from "./accounts/synthesize";
import { formatReport } from "./modules/rules/engine";

async function main(): Promise<number> {
  let loaded;
  try {
    loaded = loadPlatformConfig(process.env);
  } catch (error) {
    if (error instanceof PlatformConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const outdir = defaultOutdir(process.env);
  try {
    const { value: stacks, report } = await synthesizePlatform(loaded.config, outdir);
    process.stdout.write(`Rule pack report\n${formatReport(report)}\n`);
    process.stdout.write(
      `Synthesized ${stacks.length} stacks from ${loaded.source} into ${outdir}/stacks: ${stacks.join(", ")}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RulePackError)
      process.stderr.write(`Rule pack report\n${formatReport(error.report)}\n`);
    process.stderr.write(
      `Synthesis failed; ${outdir} was left unchanged.\n${(error as Error).message}\n`,
    );
    return 1;
  }
}

main().then((code) => (process.exitCode = code));
