/**
 * Synthesizes the platform: one bootstrap stack and one account stack per account in the
 * platform config (PLATFORM_CONFIG, or the example in accounts/config/example.ts), then runs the
 * rule pack over every stack and prints its report.
 *
 * A bad config prints one line per problem and exits 1 without writing anything; so does a stack
 * with an unsuppressed rule error.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { loadPlatformConfig, PlatformConfigError } from "./accounts/config/loader";
import { defaultOutdir, RulePackError, synthesizePlatform } from "./synthesis/synthesize";
import { formatReport } from "./modules/rules/engine";
import { escapeForTerminal } from "./accounts/config/raw-input";
import { PLATFORM_ACCOUNTS_ENV, selectedAccounts } from "./accounts/platform";
import { costSummary } from "./synthesis/cost-estimate";

/**
 * SYNTH_BREAKDOWN=<file>: write how long each phase took (ms) to that file as JSON, for
 * `npm run bench -- --breakdown`, with the peak resident memory so far (maxRssMib).
 */
function phaseClock(file: string | undefined) {
  const phases: Record<string, number> = {
    "node start": performance.nodeTiming.bootstrapComplete,
    "module load": performance.now() - performance.nodeTiming.bootstrapComplete,
  };
  let last = performance.now();
  return {
    end(phase: string) {
      const now = performance.now();
      phases[phase] = now - last;
      last = now;
    },
    write() {
      if (file) {
        const maxRssMib = process.resourceUsage().maxRSS / 1024;
        writeFileSync(file, JSON.stringify({ ...phases, maxRssMib }));
      }
    },
  };
}

async function main(): Promise<number> {
  const clock = phaseClock(process.env.SYNTH_BREAKDOWN);
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
  const selection = selectedAccounts(loaded.config, process.env[PLATFORM_ACCOUNTS_ENV]);
  if (selection.problems.length > 0) {
    process.stderr.write(`${selection.problems.map(escapeForTerminal).join("\n")}\n`);
    return 1;
  }
  clock.end("config");
  const outdir = defaultOutdir(process.env);
  try {
    const {
      value: stacks,
      report,
      cost,
    } = await synthesizePlatform(loaded.config, outdir, {
      onPhaseEnd: (phase) => clock.end(phase),
      accounts: selection.accounts,
    });
    clock.write();
    process.stdout.write(`Rule pack report\n${formatReport(report, { suppressions: "count" })}\n`);
    process.stdout.write(`${costSummary(cost)}\n`);
    process.stdout.write(
      `Synthesized ${stacks.length} stacks from ${loaded.source} into ${outdir}/stacks: ${stacks.join(", ")}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RulePackError)
      process.stderr.write(`Rule pack report\n${formatReport(error.report)}\n`);
    // One escaped line per problem: a message may quote config values.
    const lines = String((error as Error).message)
      .split("\n")
      .map(escapeForTerminal);
    process.stderr.write(`Synthesis failed; ${outdir} was left unchanged.\n${lines.join("\n")}\n`);
    return 1;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // A defect, not bad input: still one escaped line per line of the message, no stack trace.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `synthesis failed unexpectedly (please report it): ${message.split("\n").map(escapeForTerminal).join("\n")}\n`,
    );
    process.exitCode = 2;
  },
);
