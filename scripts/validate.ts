/**
 * Terraform's own checks, when a `terraform` (or `tofu`) binary is on the PATH:
 *
 * - `terraform init -backend=false` and `terraform validate` on every synthesized stack and on
 *   the example root module of every exported module (which validates the module with it);
 * - `terraform fmt -check -recursive` on the exported modules (needs no provider, so it runs
 *   offline too).
 *
 * Prints that it skipped them when there is no binary, and when the binary cannot install the
 * AWS provider (no registry access and no plugin cache), so an offline run is never mistaken for
 * a validated one.
 *
 *   npm run validate [-- <cdktf.out> <dist/terraform-modules>]   (after npm run synth)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const OFFLINE =
  /could not connect to registry|Failed to query available provider packages|no such host|Failed to install provider/;

function findBinary(): string | undefined {
  for (const name of ["terraform", "tofu"]) {
    const probe = spawnSync(name, ["version"], { encoding: "utf8" });
    if (probe.status === 0) return name;
  }
  return undefined;
}

type Outcome = "ok" | "skipped" | "failed";

/** init + validate in one root module; `label` names it in the report. */
function validateRoot(binary: string, label: string, cwd: string): Outcome {
  const init = spawnSync(binary, ["init", "-backend=false", "-input=false", "-no-color"], {
    cwd,
    encoding: "utf8",
  });
  if (init.status !== 0) {
    const output = `${init.stdout}\n${init.stderr}`;
    if (OFFLINE.test(output)) {
      process.stdout.write(
        `SKIPPED ${label}: ${binary} could not install the AWS provider (no registry access or plugin cache)\n`,
      );
      return "skipped";
    }
    process.stdout.write(`FAILED ${label}: ${binary} init\n${output}\n`);
    return "failed";
  }
  const validate = spawnSync(binary, ["validate", "-no-color"], { cwd, encoding: "utf8" });
  if (validate.status === 0) {
    process.stdout.write(`ok ${label}\n`);
    return "ok";
  }
  process.stdout.write(
    `FAILED ${label}: ${binary} validate\n${validate.stdout}\n${validate.stderr}\n`,
  );
  return "failed";
}

function main(): number {
  const stacksDir = join(process.argv[2] ?? "cdktf.out", "stacks");
  const modulesDir = process.argv[3] ?? join("dist", "terraform-modules");
  for (const [dir, hint] of [
    [stacksDir, "npm run synth"],
    [modulesDir, "npm run modules"],
  ]) {
    if (!existsSync(dir)) {
      process.stderr.write(`${dir} does not exist; run ${hint} first\n`);
      return 1;
    }
  }
  const binary = findBinary();
  if (binary === undefined) {
    process.stdout.write("SKIPPED terraform validate: neither terraform nor tofu is on the PATH\n");
    return 0;
  }
  let failed = 0;
  for (const stack of readdirSync(stacksDir).sort()) {
    if (validateRoot(binary, stack, join(stacksDir, stack)) === "failed") failed++;
  }
  const fmt = spawnSync(binary, ["fmt", "-check", "-recursive", "-diff", "-no-color"], {
    cwd: modulesDir,
    encoding: "utf8",
  });
  if (fmt.status === 0) {
    process.stdout.write(`ok ${binary} fmt -check on ${modulesDir}\n`);
  } else {
    process.stdout.write(
      `FAILED ${binary} fmt -check on ${modulesDir}\n${fmt.stdout}${fmt.stderr}\n`,
    );
    failed++;
  }
  for (const module of readdirSync(modulesDir).sort()) {
    const example = join(modulesDir, module, "examples", "basic");
    if (validateRoot(binary, `module ${module}`, example) === "failed") failed++;
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
