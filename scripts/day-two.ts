/**
 * `npm run day-two`: the platform past its first apply, with real terraform on local state
 * (offline, ../shared/tfmock stands in for the AWS provider and applies with placeholders):
 *
 * 1. apply every stack of the example and of full.yaml (account ids replaced, so CI takes them);
 * 2. `ci.js plan` on that state through the real script: the data science stack's JSON plan is
 *    over 1 MiB (no buffer limit in the way) and every plan is empty (no perpetual diff);
 * 3. a change reviewed (`ci.js plan`), then a different value synthesized: `ci.js apply
 *    --reviewed` refuses, naming the address and both values; the reviewed change applies, and
 *    the next plan is empty;
 * 4. the bootstrap state migration as the docs say, twice (a synthesis between them deletes the
 *    stack's .terraform/): the "remote" state (a second local backend standing in for the
 *    bucket) holds every resource, the next plan is empty, and the second run changes nothing;
 * 5. upgrade: the stacks of a base revision (DAY_TWO_BASE, default HEAD~1) applied, then the
 *    current ones planned: no data-bearing resource is destroyed or replaced.
 *
 * Without terraform or tfmock it says so and exits 0 (nothing was checked); any failure exits 1.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { summarizePlan, unintendedDataLoss } from "../review/plan-summary";

const ROOT = resolve(__dirname, "..", "..");
const CI = join(ROOT, "dist", "scripts", "ci.js");
const MIGRATE = join(ROOT, "dist", "scripts", "migrate-state.js");
const APP = join(ROOT, "dist", "main.js");

let failures = 0;
function check(ok: boolean, what: string, detail = ""): void {
  process.stdout.write(`${ok ? "PASS" : "FAIL"}  ${what}${!ok && detail ? `\n${detail}` : ""}\n`);
  if (!ok) failures++;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    env: { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The tfmock CLI config, or why there is none. */
function tfmock(): { env: NodeJS.ProcessEnv } | { why: string } {
  if (spawnSync("terraform", ["version"]).status !== 0) return { why: "no terraform binary" };
  const dir = process.env.TFMOCK_DIR ?? join(ROOT, "..", "shared", "tfmock");
  if (!existsSync(join(dir, "install.sh"))) return { why: `no tfmock at ${dir} (set TFMOCK_DIR)` };
  const install = run("bash", [join(dir, "install.sh")], ROOT, process.env);
  if (install.status !== 0) return { why: `tfmock did not install: ${install.stderr}` };
  return { env: { ...process.env, TF_CLI_CONFIG_FILE: install.stdout.trim().split("\n").pop()! } };
}

/** A config file with the example's placeholder account ids replaced, so CI plans and applies it. */
function dayTwoConfig(
  source: string,
  target: string,
  change: (text: string) => string = (t) => t,
): void {
  const ids: Record<string, string> = {
    "111111111111": "210987654321",
    "222222222222": "321098765432",
    "333333333333": "432109876543",
  };
  let text = readFileSync(source, "utf8").replace(/^# yaml-language-server.*\n/, "");
  for (const [from, to] of Object.entries(ids)) text = text.split(from).join(to);
  writeFileSync(target, change(text));
}

interface Project {
  readonly dir: string;
  readonly config: string;
  readonly out: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Synthesizes the project's config (compiled app, or `app`), then points every stack whose state
 * is remote (S3 or HCP Terraform) at a local file in `state/` instead: the stand-in for the bucket.
 */
function synth(p: Project, app = APP): void {
  const r = run("node", [app], p.dir, { ...p.env, PLATFORM_CONFIG: p.config, CDKTF_OUTDIR: p.out });
  if (r.status !== 0) throw new Error(`synthesis of ${p.config} failed:\n${r.stderr}`);
  mkdirSync(join(p.dir, "state"), { recursive: true });
  for (const stack of readdirSync(join(p.out, "stacks"))) {
    const file = join(p.out, "stacks", stack, "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    if (json.terraform.backend?.local !== undefined) continue; // a bootstrap stack before migration
    delete json.terraform.cloud;
    json.terraform.backend = { local: { path: join(p.dir, "state", `${stack}.tfstate`) } };
    writeFileSync(file, JSON.stringify(json, null, 2));
  }
}

function stacksOf(p: Project): string[] {
  // Bootstrap stacks first: the order a first deployment takes.
  const all = readdirSync(join(p.out, "stacks"));
  return [
    ...all.filter((s) => s.endsWith("-bootstrap")),
    ...all.filter((s) => !s.endsWith("-bootstrap")),
  ];
}

function terraform(p: Project, stack: string, args: string[]): SpawnSyncReturns<string> {
  return run("terraform", args, join(p.out, "stacks", stack), p.env);
}

function applyAll(p: Project, label: string): boolean {
  for (const stack of stacksOf(p)) {
    const init = terraform(p, stack, ["init", "-input=false", "-no-color", "-reconfigure"]);
    const apply =
      init.status === 0
        ? terraform(p, stack, ["apply", "-input=false", "-no-color", "-auto-approve"])
        : init;
    if (apply.status !== 0) {
      check(false, `${label}: apply ${stack}`, `${apply.stdout}${apply.stderr}`.slice(-4000));
      return false;
    }
  }
  check(true, `${label}: applied ${stacksOf(p).length} stacks`);
  return true;
}

function ci(p: Project, args: string[]): SpawnSyncReturns<string> {
  return run("node", [CI, ...args], p.dir, {
    ...p.env,
    PLATFORM_CONFIG: p.config,
    CDKTF_OUTDIR: p.out,
  });
}

function ciStacks(p: Project): string[] {
  return (JSON.parse(ci(p, ["stacks"]).stdout).include as { stack: string }[]).map((s) => s.stack);
}

/** `ci.js plan` then `ci.js apply --reviewed` of every CI stack on applied state: both empty. */
function planAndApplyReviewed(p: Project, label: string): void {
  const stacks = ciStacks(p);
  check(stacks.length > 0, `${label}: CI manages ${stacks.length} stacks`);
  for (const stack of stacks) {
    const dir = join(p.out, "stacks", stack);
    const plan = ci(p, ["plan", stack]);
    const size = existsSync(join(dir, "plan.json")) ? statSync(join(dir, "plan.json")).size : 0;
    const empty = /: 0 to create, 0 to update, 0 to replace, 0 to delete/.test(plan.stdout);
    check(
      plan.status === 0 && empty,
      `${label}: ci.js plan ${stack} on applied state: no changes (JSON plan ${(size / 1024 / 1024).toFixed(2)} MiB)`,
      `${plan.stdout}${plan.stderr}`.slice(-6000),
    );
    const apply = ci(p, ["apply", stack, "--reviewed", join(dir, "reviewed-plan.json")]);
    check(
      apply.status === 0 && /applied the reviewed plan/.test(apply.stdout),
      `${label}: ci.js apply ${stack} --reviewed`,
      `${apply.stdout}${apply.stderr}`.slice(-4000),
    );
  }
  const dev = join(p.out, "stacks", stacks.find((s) => !s.endsWith("-bootstrap"))!, "plan.json");
  check(
    statSync(dev).size > 1024 * 1024,
    `${label}: the data science stack's JSON plan is over 1 MiB (${statSync(dev).size} bytes)`,
  );
}

/** A value reviewed, another synthesized: apply refuses naming both; the reviewed one applies. */
function valueChangeAfterReview(p: Project, source: string, label: string): void {
  const retention = (days: number) => (text: string) =>
    text.replace(
      "      cidr: 10.10.0.0/16\n",
      `      cidr: 10.10.0.0/16\n      flowLogRetentionDays: ${days}\n`,
    );
  dayTwoConfig(source, p.config, retention(731));
  synth(p);
  const plan = ci(p, ["plan", "dev"]);
  const reviewedFile = join(p.dir, "reviewed-dev.json");
  copyFileSync(join(p.out, "stacks", "dev", "reviewed-plan.json"), reviewedFile);
  check(
    /1 to update/.test(plan.stdout),
    `${label}: the reviewed change plans one update`,
    plan.stdout,
  );
  dayTwoConfig(source, p.config, retention(1827));
  synth(p);
  const refused = ci(p, ["apply", "dev", "--reviewed", reviewedFile]);
  check(
    refused.status === 1 &&
      /NOT APPLIED: the plan differs from the reviewed one/.test(refused.stdout) &&
      /~ aws_cloudwatch_log_group\.[^:]+: after\.retention_in_days: reviewed 731, now 1827/.test(
        refused.stdout,
      ),
    `${label}: a value changed after review is refused, naming the address and both values`,
    refused.stdout,
  );
  dayTwoConfig(source, p.config, retention(731));
  synth(p);
  const applied = ci(p, ["apply", "dev", "--reviewed", reviewedFile]);
  check(
    applied.status === 0,
    `${label}: the reviewed change applies`,
    applied.stdout + applied.stderr,
  );
  const again = ci(p, ["plan", "dev"]);
  check(
    /: 0 to create, 0 to update, 0 to replace, 0 to delete/.test(again.stdout),
    `${label}: the next plan is empty`,
    again.stdout,
  );
}

/** The bootstrap state migration, as documented, twice. */
function migration(p: Project, source: string): void {
  const label = "migration";
  const local = join(p.dir, "terraform.dev-bootstrap.tfstate");
  check(existsSync(local), `${label}: the first apply left the local state ${local}`);
  dayTwoConfig(source, p.config, (t) =>
    t.replace("bootstrapBackend: local", "bootstrapBackend: s3"),
  );
  for (const round of [1, 2]) {
    synth(p); // deletes every stack's .terraform/, the record of the old backend
    if (round === 2) terraform(p, "dev-bootstrap", ["init", "-input=false", "-no-color"]);
    const r = run("node", [MIGRATE, "dev-bootstrap"], p.dir, { ...p.env, CDKTF_OUTDIR: p.out });
    const remote = join(p.dir, "state", "dev-bootstrap.tfstate");
    const held = existsSync(remote)
      ? (JSON.parse(readFileSync(remote, "utf8")).resources ?? []).length
      : 0;
    check(
      r.status === 0 && held > 0,
      `${label} (run ${round}): the remote state holds ${held} resources`,
      r.stdout + r.stderr,
    );
    process.stdout.write(`${r.stdout.trimEnd().replace(/^/gm, "      ")}\n`);
    const plan = terraform(p, "dev-bootstrap", [
      "plan",
      "-input=false",
      "-no-color",
      "-detailed-exitcode",
    ]);
    check(
      plan.status === 0,
      `${label} (run ${round}): the next plan is empty`,
      plan.stdout.slice(-3000) + plan.stderr,
    );
  }
  check(
    !existsSync(local) && existsSync(`${local}.migrated`),
    `${label}: the local file was moved aside, not deleted`,
  );
}

/** The stacks of a base revision applied, the current ones planned: no undeclared data loss. */
function upgrade(env: NodeJS.ProcessEnv, source: string): void {
  const base = process.env.DAY_TWO_BASE ?? "HEAD~1";
  const rev = run("git", ["rev-parse", "--verify", "--quiet", `${base}^{commit}`], ROOT, env);
  if (rev.status !== 0) {
    process.stdout.write(`SKIP  upgrade: no revision ${base} in this checkout\n`);
    return;
  }
  const tree = mkdtempSync(join(tmpdir(), "day-two-base-"));
  try {
    run("git", ["worktree", "add", "--detach", tree, rev.stdout.trim()], ROOT, env);
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
    const build = run(
      "node",
      [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      tree,
      env,
    );
    if (build.status !== 0) {
      check(false, `upgrade: build ${base}`, build.stdout + build.stderr);
      return;
    }
    const p = project(env, "upgrade");
    dayTwoConfig(source, p.config);
    synth(p, join(tree, "dist", "main.js"));
    if (!applyAll(p, `upgrade: the stacks of ${base}`)) return;
    synth(p);
    for (const stack of stacksOf(p)) {
      const init = terraform(p, stack, ["init", "-input=false", "-no-color", "-reconfigure"]);
      const plan =
        init.status === 0
          ? terraform(p, stack, ["plan", "-input=false", "-no-color", "-out=upgrade.tfplan"])
          : init;
      const show =
        plan.status === 0 ? terraform(p, stack, ["show", "-json", "upgrade.tfplan"]) : plan;
      if (show.status !== 0) {
        check(false, `upgrade: plan ${stack}`, show.stdout + show.stderr);
        continue;
      }
      const summary = summarizePlan(stack, JSON.parse(show.stdout));
      const loss = unintendedDataLoss([summary], new Set());
      check(
        loss.length === 0,
        `upgrade: ${stack} from ${base}: ${summary.changes.length} changes, no data-bearing resource destroyed or replaced`,
        loss.map((c) => `  ${c.kind} ${c.address}`).join("\n"),
      );
    }
  } finally {
    run("git", ["worktree", "remove", "--force", tree], ROOT, env);
    rmSync(tree, { recursive: true, force: true });
  }
}

const WORK = mkdtempSync(join(tmpdir(), "day-two-"));

function project(env: NodeJS.ProcessEnv, name: string): Project {
  const dir = join(WORK, name);
  mkdirSync(dir, { recursive: true });
  return { dir, config: join(dir, "platform.yaml"), out: join(dir, "cdktf.out"), env };
}

function main(): number {
  const mock = tfmock();
  if ("why" in mock) {
    process.stdout.write(`SKIP  the day-two suite: ${mock.why}\n`);
    return 0;
  }
  try {
    const example = join(ROOT, "docs", "platform.example.yaml");
    const full = join(ROOT, "test", "fixtures", "configs", "good", "full.yaml");
    for (const [name, source] of [
      ["example", example],
      ["full.yaml", full],
    ]) {
      const p = project(mock.env, name);
      dayTwoConfig(source, p.config);
      synth(p);
      if (!applyAll(p, name)) continue;
      planAndApplyReviewed(p, name);
      if (name === "example") {
        valueChangeAfterReview(p, source, name);
        migration(p, source);
      }
    }
    upgrade(mock.env, example);
  } finally {
    if (!process.env.DAY_TWO_KEEP) rmSync(WORK, { recursive: true, force: true });
  }
  process.stdout.write(
    `${failures === 0 ? "day-two suite passed" : `day-two suite: ${failures} FAILED`}\n`,
  );
  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
