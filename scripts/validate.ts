/**
 * Runs `terraform init -backend=false` and `terraform validate` on every synthesized stack,
 * when a `terraform` (or `tofu`) binary is on the PATH. Prints that it skipped them otherwise,
 * and when the binary cannot install the AWS provider (no registry access and no plugin cache),
 * so an offline run is never mistaken for a validated one.
 *
 *   npm run validate            (after npm run synth)
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

function main(): number {
  const stacksDir = join(process.argv[2] ?? "cdktf.out", "stacks");
  if (!existsSync(stacksDir)) {
    process.stderr.write(`${stacksDir} does not exist; run npm run synth first\n`);
    return 1;
  }
  const binary = findBinary();
  if (binary === undefined) {
    process.stdout.write("SKIPPED terraform validate: neither terraform nor tofu is on the PATH\n");
    return 0;
  }
  let failed = 0;
  for (const stack of readdirSync(stacksDir).sort()) {
    const cwd = join(stacksDir, stack);
    const init = spawnSync(binary, ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd,
      encoding: "utf8",
    });
    if (init.status !== 0) {
      const output = `${init.stdout}\n${init.stderr}`;
      if (OFFLINE.test(output)) {
        process.stdout.write(
          `SKIPPED ${stack}: ${binary} could not install the AWS provider (no registry access or plugin cache)\n`,
        );
        continue;
      }
      process.stdout.write(`FAILED ${stack}: ${binary} init\n${output}\n`);
      failed++;
      continue;
    }
    const validate = spawnSync(binary, ["validate", "-no-color"], { cwd, encoding: "utf8" });
    process.stdout.write(
      validate.status === 0
        ? `ok ${stack}\n`
        : `FAILED ${stack}: ${binary} validate\n${validate.stdout}\n${validate.stderr}\n`,
    );
    if (validate.status !== 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
