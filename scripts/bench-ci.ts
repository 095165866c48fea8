/**
 * The plan workflow at organisation scale (`npm run bench -- --ci`): a repository whose
 * platform.yaml has 200 deployment targets, changed three ways, each measured as the workflow's
 * synth job runs it after `npm ci`: synthesize the head, `ci.js scope` (synthesize the base when
 * no shared file changed, compare, select), then the matrices. Reports the plan jobs each change
 * starts and the time to the matrix; with terraform and ../shared/tfmock, also a stack's
 * `terraform init` with and without the provider plugin cache.
 *
 * Exits 1 when a target below is missed, naming it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { parsePlatformConfig } from "../accounts/config/loader";
import type { PlatformConfigInput } from "../accounts/config/schema/platform";
import { ciMatrices } from "../ci/github/matrices";
import { scopedAccounts } from "../ci/plan-scope";
import { scopeFromGit } from "../ci/scope-from-git";
import { ciAccounts, ciStacks } from "../ci/stacks";
import { synthesizeCheckout } from "../synthesis/synthesize-checkout";
import { generatedPlatform } from "./generated-platform";

/** The documented targets (docs/performance.md, docs/ci.md). */
export const CI_TARGETS = {
  /** Plan jobs a change to one target account's config starts (its job, and dev's if dev names it). */
  oneAccountJobs: 3,
  /** From the checked-out, installed repository to the matrix, synthesizing head and base. */
  matrixMs: 60_000,
};

const TARGET_COUNT = 200;
const root = join(__dirname, "..", "..");

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A repository of this checkout's files (tracked and new, not ignored) with a 200-target config. */
function scratchRepository(work: string): string {
  const repo = join(work, "repo");
  mkdirSync(repo);
  const files = git(root, "ls-files", "--cached", "--others", "--exclude-standard").split("\n");
  for (const file of files.filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(root, file), join(repo, file));
  }
  symlinkSync(join(root, "node_modules"), join(repo, "node_modules"), "dir");
  writeFileSync(join(repo, "platform.yaml"), stringify(generatedPlatform(TARGET_COUNT)));
  git(repo, "init", "-q");
  commit(repo, "base");
  return repo;
}

function commit(repo: string, message: string): void {
  git(repo, "add", "-A");
  git(
    repo,
    "-c",
    "user.name=bench",
    "-c",
    "user.email=bench@example.com",
    "commit",
    "-qm",
    message,
  );
}

interface Scenario {
  readonly name: string;
  readonly change: (repo: string, config: PlatformConfigInput) => void;
}

interface Measured {
  readonly name: string;
  readonly stacks: number;
  readonly jobs: number;
  readonly matrixMs: number;
  readonly because: string;
}

function measure(repo: string, scenario: Scenario): Measured {
  git(repo, "checkout", "-q", "--detach", "HEAD");
  const config = generatedPlatform(TARGET_COUNT);
  scenario.change(repo, config);
  writeFileSync(join(repo, "platform.yaml"), stringify(config));
  commit(repo, scenario.name);
  const outdir = join(repo, "cdktf.out");
  rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  synthesizeCheckout(repo, outdir, join(repo, "platform.yaml"));
  const parsed = parsePlatformConfig(config, "platform.yaml");
  const scope = scopeFromGit({
    root: repo,
    baseRef: "HEAD^1",
    outdir,
    configSource: "platform.yaml",
    ciStacks: ciStacks(parsed).map((s) => s.stack),
  });
  const matrices = ciMatrices(scopedAccounts(ciAccounts(parsed), scope));
  const matrixMs = Number(process.hrtime.bigint() - started) / 1e6;
  git(repo, "checkout", "-q", "HEAD^1");
  return {
    name: scenario.name,
    stacks: scope.planned.length,
    jobs: matrices.reduce((n, m) => n + m.include.length, 0),
    matrixMs,
    because: scope.planned
      .map((p) => `${p.stack}: ${p.because}`)
      .join("; ")
      .slice(0, 160),
  };
}

/** `terraform init` of the example's staging stack: no cache, a cold cache, a warm cache. */
function initTimes(work: string): Record<string, number> | string {
  const tfmock = join(root, "..", "shared", "tfmock", "install.sh");
  const stack = join(root, "cdktf.out", "stacks", "staging");
  if (!existsSync(tfmock) || !existsSync(stack)) return "no ../shared/tfmock or cdktf.out";
  if (spawnSync("terraform", ["version"]).status !== 0) return "no terraform";
  const cli = execFileSync("bash", [tfmock], { cwd: root, encoding: "utf8" }).trim();
  const cache = join(work, "plugin-cache");
  mkdirSync(cache);
  const init = (withCache: boolean): number => {
    const dir = mkdtempSync(join(work, "init-"));
    // The stack without its S3 backend (that needs AWS): the provider installation is measured.
    const json = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8"));
    delete json.terraform.backend;
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cli,
      CHECKPOINT_DISABLE: "1",
    };
    if (withCache) {
      env.TF_PLUGIN_CACHE_DIR = cache;
      env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = "true";
    }
    const started = process.hrtime.bigint();
    const r = spawnSync("terraform", ["init", "-input=false", "-no-color"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`terraform init failed: ${r.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const times = { "no cache": init(false), "cold cache": init(true), "warm cache": init(true) };
  // The cold init filled the cache, and the stacks' .terraform links to it.
  if (!existsSync(join(cache, "registry.terraform.io", "hashicorp", "aws")))
    return "the plugin cache stayed empty: terraform did not use TF_PLUGIN_CACHE_DIR";
  return times;
}

export function benchCi(): number {
  const work = mkdtempSync(join(tmpdir(), "bench-ci-"));
  try {
    process.stderr.write(`bench --ci: a repository with ${TARGET_COUNT} targets in ${work} ...\n`);
    const repo = scratchRepository(work);
    const scenarios: Scenario[] = [
      {
        name: "one target's config (VPC CIDR of target17)",
        change: (_repo, config) => (config.accounts.target17.vpc = { cidr: "10.200.0.0/20" }),
      },
      {
        name: "one target's account id (dev names its roles)",
        change: (_repo, config) => (config.accounts.target17.accountId = "499999999999"),
      },
      {
        name: "shared code (a module)",
        change: (repo) =>
          appendFileSync(join(repo, "modules", "core", "limits.ts"), "\n// changed\n"),
      },
    ];
    const results = scenarios.map((s) => {
      process.stderr.write(`bench --ci: ${s.name} ...\n`);
      return measure(repo, s);
    });
    for (const r of results) {
      console.log(
        `${r.name}: ${r.stacks} stacks in ${r.jobs} plan jobs, matrix in ${(r.matrixMs / 1000).toFixed(1)} s`,
      );
      console.log(`  ${r.because}${r.because.length >= 160 ? " ..." : ""}`);
    }
    const times = initTimes(work);
    if (typeof times === "string") console.log(`terraform init: not measured (${times})`);
    else
      console.log(
        `terraform init of a stack (tfmock, a local mirror): ${Object.entries(times)
          .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`)
          .join(", ")}`,
      );
    const [one, named, shared] = results;
    const checks: [string, boolean, string][] = [
      ["one target's config plans its job only", one.jobs === 1, `${one.jobs} jobs`],
      [
        `one target's account id plans at most ${CI_TARGETS.oneAccountJobs} jobs`,
        named.jobs <= CI_TARGETS.oneAccountJobs,
        `${named.jobs} jobs`,
      ],
      ["shared code plans every account", shared.jobs === TARGET_COUNT + 1, `${shared.jobs} jobs`],
      ...results.map((r): [string, boolean, string] => [
        `${r.name}: matrix in < ${CI_TARGETS.matrixMs / 1000} s`,
        r.matrixMs < CI_TARGETS.matrixMs,
        `${(r.matrixMs / 1000).toFixed(1)} s`,
      ]),
    ];
    console.log("");
    for (const [what, ok, value] of checks)
      console.log(`${what}: ${value} ${ok ? "ok" : "OVER TARGET"}`);
    return checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
