/**
 * Measures synthesis of the example platform and of generated platforms with 10 and 30
 * deployment targets. Each run is a fresh Node process on the compiled JavaScript, as
 * `npm run synth` is, so module loading counts; the table shows the median of the runs.
 *
 *   npm run bench [-- --runs 5]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

const TARGETS = { exampleMs: 1500, exampleMb: 300, perAccountMs: 100 };

interface Run {
  accounts: number;
  stacks: number;
  resources: number;
  synthMs: number;
  maxRssMb: number;
  wallMs: number;
}

function runOnce(targets?: number): Run {
  const args = [
    join(__dirname, "bench-synth.js"),
    ...(targets === undefined ? [] : [String(targets)]),
  ];
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    throw new Error(`benchmark run failed (${child.status}):\n${child.stderr}`);
  }
  return { ...JSON.parse(child.stdout.trim().split("\n").pop()!), wallMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(targets: number | undefined, runs: number): Run {
  const all = Array.from({ length: runs }, () => runOnce(targets));
  return {
    ...all[0],
    synthMs: median(all.map((r) => r.synthMs)),
    wallMs: median(all.map((r) => r.wallMs)),
    maxRssMb: median(all.map((r) => r.maxRssMb)),
  };
}

const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 3;

const scenarios: [string, number | undefined][] = [
  ["example (dev, staging, prod)", undefined],
  ["dev + 10 targets", 10],
  ["dev + 30 targets", 30],
];
const results = scenarios.map(([name, targets]) => ({ name, ...measure(targets, runs) }));

const header = [
  "platform",
  "accounts",
  "stacks",
  "resources",
  "wall ms",
  "synth ms",
  "peak RSS MB",
];
const rows = results.map((r) => [
  r.name,
  String(r.accounts),
  String(r.stacks),
  String(r.resources),
  r.wallMs.toFixed(0),
  r.synthMs.toFixed(0),
  r.maxRssMb.toFixed(0),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
rows.forEach((row) => console.log(line(row)));

const [example, ten, thirty] = results;
const perAccount = (thirty.wallMs - ten.wallMs) / (thirty.accounts - ten.accounts);
console.log("");
console.log(
  `median of ${runs} runs, each a fresh node process on compiled JavaScript (${process.version}, ${cpus().length} cores)`,
);
const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
console.log(
  `example wall time ${example.wallMs.toFixed(0)} ms (target < ${TARGETS.exampleMs}): ${verdict(example.wallMs < TARGETS.exampleMs)}`,
);
console.log(
  `example peak RSS ${example.maxRssMb.toFixed(0)} MB (target < ${TARGETS.exampleMb}): ${verdict(example.maxRssMb < TARGETS.exampleMb)}`,
);
console.log(
  `each extra account ${perAccount.toFixed(1)} ms (target < ${TARGETS.perAccountMs}): ${verdict(perAccount < TARGETS.perAccountMs)}`,
);

// The export of the plain Terraform modules (npm run modules): six modules, formatted and parsed.
const exportMs = median(
  Array.from({ length: runs }, () => {
    const out = mkdtempSync(join(tmpdir(), "bench-modules-"));
    const started = process.hrtime.bigint();
    const child = spawnSync(
      process.execPath,
      [join(__dirname, "modules.js"), "--out", join(out, "modules")],
      { encoding: "utf8" },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    rmSync(out, { recursive: true, force: true });
    if (child.status !== 0) throw new Error(`module export failed:\n${child.stderr}`);
    return ms;
  }),
);
console.log(`module export (npm run modules, 6 modules) wall time ${exportMs.toFixed(0)} ms`);
