/**
 * The platform config, from the command line:
 *
 *   npm run config -- resolve [file]   prints the config with every default filled in (YAML): the
 *                                      file, else the usual one (PLATFORM_CONFIG, platform.yaml,
 *                                      the example)
 *   npm run config -- init             writes platform.yaml from docs/platform.example.yaml, with
 *                                      the editor schema line pointing at docs/ (never overwrites)
 *   npm run config -- docs             writes docs/config.schema.json and docs/config-reference.md
 *                                      from the schema (a test fails when they are stale)
 *
 * A bad config prints one line per problem and exits 1.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  DEFAULT_CONFIG_FILE,
  loadPlatformConfig,
  parsePlatformConfig,
  PlatformConfigError,
  readConfigFile,
} from "../accounts/config/loader";
import {
  CONFIG_REFERENCE_FILE,
  CONFIG_SCHEMA_FILE,
  configJsonSchema,
  configReference,
} from "../accounts/config/reference";
import { escapeForTerminal } from "../accounts/config/raw-input";

export const EXAMPLE_YAML_FILE = "docs/platform.example.yaml";

/** Writes a file whole or not at all. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** The generated documentation files and their contents. */
export function generatedDocs(): Record<string, string> {
  return {
    [CONFIG_SCHEMA_FILE]: `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
    [CONFIG_REFERENCE_FILE]: configReference(),
  };
}

/** The config with every default filled in, as YAML, headed by where it came from. */
export function resolvedConfig(file: string | undefined, root: string): string {
  const { config, source } =
    file === undefined
      ? loadPlatformConfig(process.env, root)
      : { config: parsePlatformConfig(readConfigFile(file), file), source: file };
  return `# ${source}, with every default filled in\n${stringify(config)}`;
}

/**
 * Writes `platform.yaml` in `root` from the example YAML, its editor schema line pointing at
 * docs/; never overwrites. Returns the problem, or undefined when written.
 */
export function initConfig(root: string): string | undefined {
  const target = join(root, DEFAULT_CONFIG_FILE);
  if (existsSync(target)) return `${DEFAULT_CONFIG_FILE} exists; not overwritten`;
  const example = readFileSync(join(root, EXAMPLE_YAML_FILE), "utf8").replace(
    "$schema=config.schema.json",
    `$schema=${CONFIG_SCHEMA_FILE}`,
  );
  writeAtomically(target, example);
  return undefined;
}

function main(argv: string[], root: string): number {
  const [command, file] = argv;
  try {
    if (command === "resolve") {
      process.stdout.write(resolvedConfig(file, root));
      return 0;
    }
    if (command === "docs") {
      for (const [path, text] of Object.entries(generatedDocs())) {
        writeAtomically(join(root, path), text);
        console.log(`wrote ${path}`);
      }
      return 0;
    }
    if (command === "init") {
      const problem = initConfig(root);
      if (problem !== undefined) {
        process.stderr.write(`${problem}\n`);
        return 1;
      }
      console.log(
        `wrote ${DEFAULT_CONFIG_FILE} from ${EXAMPLE_YAML_FILE}: put in your prefix, region and account ids`,
      );
      return 0;
    }
  } catch (error) {
    if (error instanceof PlatformConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `${escapeForTerminal(`config: ${error instanceof Error ? error.message : String(error)}`)}\n`,
    );
    return 2;
  }
  process.stderr.write("usage: npm run config -- resolve [file] | init | docs\n");
  return 2;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.cwd());
}
