/**
 * `npm run validate`: Terraform's own checks of everything the project writes, with the real
 * `terraform` binary:
 *
 * - every synthesized stack of the example config (`cdktf.out`) and, with `--fixtures`, of every
 *   good fixture config; every exported module and its example root module: `init`, `validate`
 *   and `plan`;
 * - `terraform fmt -check` on the exported modules and their tests;
 * - `terraform test` in every exported module that has tests.
 *
 * Which AWS provider: the real hashicorp/aws when `terraform init` can install it (registry or
 * plugin cache); then stacks and modules are validated, and plans and tests, which would need AWS
 * credentials, are skipped with a notice. Otherwise the offline stand-in `../shared/tfmock`
 * (or `$TFMOCK_DIR`) serves the provider's schema and plans with unknowns, so everything runs.
 * With neither, it says so and skips. `VALIDATE_PROVIDER=real|tfmock` forces the choice.
 * Any error or warning from Terraform fails the run.
 *
 *   npm run validate [-- [--fixtures <dir>] [<cdktf.out> [<dist/terraform-modules>]]]
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { loadPlatformConfig } from "../accounts/config/loader";
import { synthesizePlatform } from "../synthesis/synthesize";
import { awsProviderVersion } from "../modules/terraform-export/render-module";

const ROOT = resolve(__dirname, "..", "..");
const OFFLINE =
  /could not connect to registry|Failed to query available provider packages|no such host|Failed to install provider|could not query provider registry/;

type Provider =
  | { readonly kind: "real" }
  | { readonly kind: "tfmock"; readonly dir: string; readonly env: NodeJS.ProcessEnv }
  | { readonly kind: "none"; readonly why: string };

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    env: { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The tfmock folder, if there is one: $TFMOCK_DIR, else ../shared/tfmock beside the checkout. */
function tfmockDir(): string | undefined {
  const dir = process.env.TFMOCK_DIR ?? join(ROOT, "..", "shared", "tfmock");
  return existsSync(join(dir, "install.sh")) ? dir : undefined;
}

function useTfmock(why: string): Provider {
  const dir = tfmockDir();
  if (dir === undefined) return { kind: "none", why: `${why}, and no tfmock (set TFMOCK_DIR)` };
  const install = run("bash", [join(dir, "install.sh")], ROOT);
  if (install.status !== 0) {
    return { kind: "none", why: `${why}, and tfmock did not install: ${install.stderr.trim()}` };
  }
  const config = install.stdout.trim().split("\n").pop()!;
  say(`Using the offline stand-in for hashicorp/aws (tfmock, ${dir}): ${why}`);
  return { kind: "tfmock", dir, env: { ...process.env, TF_CLI_CONFIG_FILE: config } };
}

/** Whether `terraform init` can install the real provider here; else tfmock; else nothing. */
function chooseProvider(): Provider {
  if (run("terraform", ["version"], ROOT).status !== 0) {
    return { kind: "none", why: "no terraform binary on the PATH" };
  }
  const forced = process.env.VALIDATE_PROVIDER;
  if (forced === "tfmock") return useTfmock("VALIDATE_PROVIDER=tfmock");
  const probe = mkdtempSync(join(tmpdir(), "validate-probe-"));
  try {
    writeFileSync(
      join(probe, "versions.tf.json"),
      JSON.stringify({
        terraform: {
          required_providers: { aws: { source: "hashicorp/aws", version: awsProviderVersion() } },
        },
      }),
    );
    const init = run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], probe);
    if (init.status === 0) {
      say(`Using the real hashicorp/aws ${awsProviderVersion()}`);
      return { kind: "real" };
    }
    const output = `${init.stdout}\n${init.stderr}`;
    if (forced === "real" || !OFFLINE.test(output)) {
      return { kind: "none", why: `terraform init failed:\n${output.trim()}` };
    }
    return useTfmock("terraform cannot install the real provider here (no registry access)");
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Diagnostics as Terraform prints them: the lines from "Error:" or "Warning:" on. */
function diagnosticsOf(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => /^\s*(\|\s*)?(Error|Warning): /.test(line))
    .map((line) => line.trim());
}

/** init + validate (+ plan with tfmock) in every root; true when all passed with no diagnostic. */
function checkRoots(provider: Provider, roots: string[]): boolean {
  if (provider.kind === "tfmock") {
    const result = run("bash", [join(provider.dir, "run.sh"), "-j", "2", ...roots], ROOT);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    const warnings = diagnosticsOf(result.stdout).filter((d) => /Warning: /.test(d));
    if (warnings.length > 0) say(`FAILED: ${warnings.length} Terraform warning(s) above`);
    return result.status === 0 && warnings.length === 0;
  }
  let ok = true;
  for (const root of roots) {
    const init = run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], root);
    const validate =
      init.status === 0 ? run("terraform", ["validate", "-no-color"], root) : undefined;
    const output = `${init.stdout}${init.stderr}${validate?.stdout ?? ""}${validate?.stderr ?? ""}`;
    const diagnostics = diagnosticsOf(output);
    if (init.status !== 0 || validate?.status !== 0 || diagnostics.length > 0) {
      say(`FAIL  ${root}\n${output}`);
      ok = false;
    } else {
      say(`PASS  ${root}: init ok, validate ok (plan needs AWS credentials: not run)`);
    }
  }
  return ok;
}

/** `terraform test` in every module that has tests (plans only: tfmock, or AWS credentials). */
function testModules(provider: Provider, modulesDir: string): boolean {
  let ok = true;
  for (const module of readdirSync(modulesDir).sort()) {
    const dir = join(modulesDir, module);
    if (!existsSync(join(dir, "tests"))) continue;
    if (provider.kind !== "tfmock") {
      say(`SKIPPED terraform test ${module}: its plans need AWS credentials or tfmock`);
      continue;
    }
    const work = mkdtempSync(join(tmpdir(), `tftest-${module}-`));
    try {
      // A copy, so init writes no .terraform or lock file into the module.
      run("cp", ["-R", `${dir}/.`, work], ROOT);
      const init = run("terraform", ["init", "-input=false", "-no-color"], work, provider.env);
      const test =
        init.status === 0 ? run("terraform", ["test", "-no-color"], work, provider.env) : undefined;
      const output = `${init.status === 0 ? "" : init.stdout + init.stderr}${test?.stdout ?? ""}${test?.stderr ?? ""}`;
      const summary = /^(Success!|Failure!).*$/m.exec(output)?.[0] ?? "no summary";
      const warnings = diagnosticsOf(output).filter((d) => /Warning: /.test(d));
      if (test?.status === 0 && warnings.length === 0) {
        say(`PASS  terraform test ${module}: ${summary}`);
      } else {
        say(`FAIL  terraform test ${module}: ${summary}\n${output}`);
        ok = false;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return ok;
}

/** Synthesizes every good fixture config into `outdir/<fixture>`; returns their stack folders. */
async function synthesizeFixtures(fixturesDir: string, outdir: string): Promise<string[]> {
  const roots: string[] = [];
  for (const file of readdirSync(fixturesDir).sort()) {
    const target = join(outdir, basename(file).replace(/\.[a-z]+$/, ""));
    const { config } = loadPlatformConfig({ PLATFORM_CONFIG: join(fixturesDir, file) });
    const { value: stacks } = await synthesizePlatform(config, target);
    roots.push(...stacks.sort().map((stack) => join(target, "stacks", stack)));
  }
  return roots;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const at = args.indexOf("--fixtures");
  const fixturesDir = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const outdir = args[0] ?? "cdktf.out";
  const modulesDir = args[1] ?? join("dist", "terraform-modules");
  const stacksDir = join(outdir, "stacks");
  for (const [dir, hint] of [
    [stacksDir, "npm run synth"],
    [modulesDir, "npm run modules"],
  ]) {
    if (!existsSync(dir)) {
      process.stderr.write(`${dir} does not exist; run ${hint} first\n`);
      return 1;
    }
  }
  const provider = chooseProvider();
  let ok = true;

  // fmt needs no provider: it runs wherever terraform does.
  if (provider.kind !== "none" || run("terraform", ["version"], ROOT).status === 0) {
    const fmt = run("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color"], modulesDir);
    if (fmt.status === 0) {
      say(`PASS  terraform fmt -check on ${modulesDir}`);
    } else {
      say(`FAIL  terraform fmt -check on ${modulesDir}\n${fmt.stdout}${fmt.stderr}`);
      ok = false;
    }
  }
  if (provider.kind === "none") {
    say(`SKIPPED terraform init/validate/plan/test: ${provider.why}`);
    return ok ? 0 : 1;
  }

  const work = mkdtempSync(join(tmpdir(), "validate-fixtures-"));
  try {
    const roots = readdirSync(stacksDir)
      .sort()
      .map((stack) => join(stacksDir, stack));
    if (fixturesDir !== undefined) roots.push(...(await synthesizeFixtures(fixturesDir, work)));
    for (const module of readdirSync(modulesDir).sort()) {
      roots.push(join(modulesDir, module), join(modulesDir, module, "examples", "basic"));
    }
    say(`Checking ${roots.length} root modules`);
    ok = checkRoots(provider, roots) && ok;
    ok = testModules(provider, modulesDir) && ok;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  say(ok ? "validate: all passed" : "validate: FAILED");
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`validate: ${error.message}\n`);
    process.exitCode = 1;
  },
);
