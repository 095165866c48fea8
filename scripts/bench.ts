/**
 * Benchmarks the main job exactly as users run it: `node scripts/synth.cjs` (the bundled app
 * with its code cache), a fresh process per run, on the example platform and on generated
 * platforms with more deployment targets. Each scenario's runs are interleaved with runs of
 * `node -e 0` and `node -e "require('cdktf')"`, so the ratios to them are measured under the
 * same machine load and still mean something on a noisy machine.
 *
 *   npm run bench [-- --runs 5] [-- --breakdown]
 *
 * --breakdown adds the median time of each phase of the example's synthesis (node start, module
 * load, config, construct tree, synth, rule pack, write), reported by main.ts through
 * SYNTH_BREAKDOWN.
 *
 *   npm run bench -- --ci        the plan workflow at 200 targets instead (scripts/bench-ci.ts)
 *
 * Exits 1 when a target below is missed, naming it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { benchCi } from "./bench-ci";
import { generatedPlatform } from "./generated-platform";

/** The documented targets (docs/performance.md). */
export const TARGETS = {
  /** Example platform, wall time of the main job on a quiet 2-core machine. */
  exampleMs: 800,
  /** Example platform, at most this multiple of `node -e "require('cdktf')"` in the same run. */
  exampleVsCdktf: 2.5,
  /** Example platform, peak resident memory. */
  exampleMib: 120,
  /** Each deployment target beyond the first ten. */
  perAccountMs: 100,
  /** 200 deployment targets (402 stacks) in one synthesis: peak resident memory. */
  twoHundredMib: 1024,
};

const root = join(__dirname, "..", "..");
const launcher = join(root, "scripts", "synth.cjs");

function timed(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    encoding: "utf8",
    cwd: root,
    env: { ...process.env, ...env },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    throw new Error(`${args.join(" ")} failed (${child.status}):\n${child.stderr}`);
  }
  return wallMs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Scenario {
  name: string;
  targets?: number;
  /** Fewer runs for the largest platform (seconds each). */
  runs?: number;
}

interface Result {
  name: string;
  accounts: number;
  stacks: number;
  resources: number;
  wallMs: number;
  maxRssMib: number;
  nodeMs: number;
  cdktfMs: number;
  phases: Record<string, number>;
}

function measure(scenario: Scenario, runs: number, work: string): Result {
  const env: NodeJS.ProcessEnv = { CDKTF_OUTDIR: join(work, "out"), PLATFORM_CONFIG: "" };
  if (scenario.targets !== undefined) {
    const file = join(work, `platform-${scenario.targets}.json`);
    writeFileSync(file, JSON.stringify(generatedPlatform(scenario.targets), null, 1));
    env.PLATFORM_CONFIG = file;
  }
  const breakdown = join(work, "phases.json");
  timed([launcher], env); // fills the code cache if the bundle changed
  const app: number[] = [];
  const node: number[] = [];
  const cdktf: number[] = [];
  const phases: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timed(["-e", "0"]));
    cdktf.push(timed(["-e", "require('cdktf')"]));
    app.push(timed([launcher], { ...env, SYNTH_BREAKDOWN: breakdown }));
    phases.push(JSON.parse(readFileSync(breakdown, "utf8")));
  }
  const stacks = readSynthesizedStacks(join(work, "out"));
  const resources = Object.values(stacks).reduce(
    (n, s) => n + Object.values(s.resource ?? {}).reduce((m, r) => m + Object.keys(r).length, 0),
    0,
  );
  return {
    name: scenario.name,
    accounts: 1 + (scenario.targets ?? 2),
    stacks: Object.keys(stacks).length,
    resources,
    wallMs: median(app),
    maxRssMib: median(phases.map((p) => p.maxRssMib)),
    nodeMs: median(node),
    cdktfMs: median(cdktf),
    phases: Object.fromEntries(
      Object.keys(phases[0])
        .filter((phase) => phase !== "maxRssMib")
        .map((phase) => [phase, median(phases.map((p) => p[phase]))]),
    ),
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

function main(): number {
  if (process.argv.includes("--ci")) return benchCi();
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const scenarios: Scenario[] = [
    { name: "example (dev, staging, prod)" },
    { name: "dev + 10 targets", targets: 10 },
    { name: "dev + 30 targets", targets: 30 },
    { name: "dev + 200 targets", targets: 200, runs: Math.min(runs, 2) },
  ];
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  let results: Result[];
  try {
    results = scenarios.map((s) => measure(s, s.runs ?? runs, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    table(
      [
        "platform",
        "accounts",
        "stacks",
        "resources",
        "wall ms",
        "× node -e 0",
        "× require cdktf",
        "peak RSS MiB",
      ],
      results.map((r) => [
        r.name,
        String(r.accounts),
        String(r.stacks),
        String(r.resources),
        r.wallMs.toFixed(0),
        (r.wallMs / r.nodeMs).toFixed(2),
        (r.wallMs / r.cdktfMs).toFixed(2),
        r.maxRssMib.toFixed(0),
      ]),
    ),
  );
  const [example, ten, thirty, twoHundred] = results;
  console.log(
    `\nmedian of ${runs} runs, each a fresh process of node scripts/synth.cjs (${process.version}, ${cpus().length} cores); in the same run node -e 0 took ${example.nodeMs.toFixed(0)} ms and require('cdktf') ${example.cdktfMs.toFixed(0)} ms`,
  );
  if (process.argv.includes("--breakdown")) {
    const total = Object.values(example.phases).reduce((a, b) => a + b, 0);
    console.log(`\nexample platform, median time per phase:\n`);
    console.log(
      table(
        ["phase", "ms", "share"],
        Object.entries(example.phases).map(([phase, ms]) => [
          phase,
          ms.toFixed(0),
          `${((100 * ms) / total).toFixed(0)} %`,
        ]),
      ),
    );
  }
  const perAccount = (thirty.wallMs - ten.wallMs) / (thirty.accounts - ten.accounts);
  const perAccountAtScale =
    (twoHundred.wallMs - thirty.wallMs) / (twoHundred.accounts - thirty.accounts);
  const mibPerAccount =
    (twoHundred.maxRssMib - thirty.maxRssMib) / (twoHundred.accounts - thirty.accounts);
  console.log(
    `\nper extra account: ${perAccount.toFixed(1)} ms from 10 to 30 targets, ${perAccountAtScale.toFixed(1)} ms and ${mibPerAccount.toFixed(2)} MiB from 30 to 200`,
  );
  const checks: [string, number, number][] = [
    ["example wall ms", example.wallMs, TARGETS.exampleMs],
    ["example × require('cdktf')", example.wallMs / example.cdktfMs, TARGETS.exampleVsCdktf],
    ["example peak RSS MiB", example.maxRssMib, TARGETS.exampleMib],
    ["ms per extra account", perAccount, TARGETS.perAccountMs],
    ["ms per extra account, 30 to 200 targets", perAccountAtScale, TARGETS.perAccountMs],
    ["200 targets peak RSS MiB", twoHundred.maxRssMib, TARGETS.twoHundredMib],
  ];
  console.log("");
  let over = 0;
  for (const [what, value, target] of checks) {
    const ok = value < target;
    if (!ok) over++;
    console.log(`${what}: ${value.toFixed(2)} (target < ${target}) ${ok ? "ok" : "OVER TARGET"}`);
  }
  return over === 0 ? 0 : 1;
}

process.exitCode = main();
