/**
 * Synthesizes the platform: one bootstrap stack and one account stack per account in the
 * platform config (PLATFORM_CONFIG, or the example in accounts/example-config.ts).
 *
 * A bad config prints one line per problem and exits 1 without writing anything.
 */
import { loadPlatformConfig, PlatformConfigError } from "./accounts/config-loader";
import { defaultOutdir, synthesizePlatform } from "./accounts/synthesize";

function main(): number {
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
    const stacks = synthesizePlatform(loaded.config, outdir);
    process.stdout.write(
      `Synthesized ${stacks.length} stacks from ${loaded.source} into ${outdir}/stacks: ${stacks.join(", ")}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(
      `Synthesis failed; ${outdir} was left unchanged.\n${(error as Error).message}\n`,
    );
    return 1;
  }
}

process.exitCode = main();
