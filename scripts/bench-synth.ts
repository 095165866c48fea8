/**
 * One benchmark run in its own process: synthesizes the example platform (no argument) or a
 * generated one with N deployment targets, into a temporary folder, and prints a JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlatformConfig } from "../accounts/config/loader";
import { exampleConfig } from "../accounts/config/example";
import { readSynthesizedStacks } from "../review/read-synthesized";
import { synthesizePlatform } from "../accounts/synthesize";
import { generatedPlatform } from "./generated-platform";

const targets = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
const input = targets === undefined ? exampleConfig : generatedPlatform(targets);
async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    const started = process.hrtime.bigint();
    const config = parsePlatformConfig(input, "bench");
    const { value: stacks } = await synthesizePlatform(config, join(work, "out"));
    const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const resources = Object.values(readSynthesizedStacks(join(work, "out"))).reduce(
      (n, s) => n + Object.values(s.resource ?? {}).reduce((m, r) => m + Object.keys(r).length, 0),
      0,
    );
    const accounts = Object.keys(config.accounts).length;
    process.stdout.write(
      `${JSON.stringify({ accounts, stacks: stacks.length, resources, synthMs, maxRssMb })}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
