import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { extname, join } from "node:path";
import type { core } from "zod";
import { platformConfigSchema } from "./platform-schema";
import type { PlatformConfig } from "./schema/platform";
import { exampleConfig } from "./example";
import {
  bracketsTooDeep,
  decodeConfigText,
  firstProblems,
  longLineProblem,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_DEPTH,
  duplicateKeys,
  parseYamlDocument,
  escapeForTerminal,
  rawInputProblems,
} from "./raw-input";

/** The environment variable that names a JSON or YAML config file replacing the example. */
export const PLATFORM_CONFIG_ENV = "PLATFORM_CONFIG";

/** A config that cannot be used, with one line per problem. */
export class PlatformConfigError extends Error {
  /** One line per problem, every control character escaped. */
  readonly problems: readonly string[];

  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    super(
      `${escapeForTerminal(source)}: invalid platform config\n${problems.map((p) => `  ${escapeForTerminal(p)}`).join("\n")}`,
    );
    this.problems = problems.map(escapeForTerminal);
    this.name = "PlatformConfigError";
  }
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

/** "a mapping", naming the keys an object schema takes (required ones first) when it is one. */
function mappingOf(schema: unknown): string {
  const shape = (schema as { _zod?: { def?: { shape?: Record<string, core.$ZodType> } } })._zod?.def
    ?.shape;
  if (shape === undefined) return "a mapping";
  const keys = Object.entries(shape);
  // optin is set for a field that may be left out (optional, or with a default).
  const required = keys.filter(([, field]) => field._zod.optin === undefined).map(([k]) => k);
  const optional = keys.filter(([, field]) => field._zod.optin !== undefined).map(([k]) => k);
  const parts = [
    ...(required.length > 0 ? [`with ${required.join(", ")}`] : []),
    ...(optional.length > 0
      ? [`${required.length > 0 ? "and " : ""}optionally ${optional.join(", ")}`]
      : []),
  ];
  return parts.length > 0 ? `a mapping ${parts.join(" ")}` : "a mapping";
}

/** Per-parse messages for the checks that carry no message of their own. */
const errorMap: core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    const expected =
      issue.expected === "object"
        ? mappingOf(issue.inst)
        : issue.expected === "record"
          ? "a mapping"
          : `a ${issue.expected}`;
    const hint = issue.expected === "string" && typeof issue.input === "number" ? "; quote it" : "";
    return `must be ${expected}, not ${typeName(issue.input)}${hint}`;
  }
  if (issue.code === "too_small" || issue.code === "too_big") {
    const bound =
      issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
    return `must have ${bound} ${issue.origin === "array" ? "entries" : "characters"}`;
  }
  return undefined;
};

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === "number") return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, "");
}

/** One line per problem: the field path, what was found and what is allowed. */
export function formatIssue(issue: core.$ZodIssue): string {
  const path = pathText(issue.path) || "(top level)";
  if (issue.code === "invalid_key") {
    const inner = issue.issues.map((i) => i.message).join("; ");
    return `${path}: the name ${describeValue(issue.input)} ${inner}`;
  }
  let value = issue.input;
  if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
    // A discriminated union reports the whole object; show the discriminator's value.
    value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
  }
  const showValue =
    issue.code !== "unrecognized_keys" &&
    value !== undefined &&
    (typeof value !== "object" || value === null);
  return showValue
    ? `${path}: ${describeValue(value)} ${issue.message}`
    : `${path}: ${issue.message}`;
}

/** Validates raw config data; throws PlatformConfigError naming every problem. */
export function parsePlatformConfig(raw: unknown, source: string): PlatformConfig {
  if (raw === null || raw === undefined) {
    throw new PlatformConfigError(source, [
      "is empty; a platform config is a mapping with prefix, region and accounts",
    ]);
  }
  const rawProblems = rawInputProblems(raw);
  if (rawProblems.length > 0) throw new PlatformConfigError(source, rawProblems);
  const result = platformConfigSchema.safeParse(raw, { error: errorMap, reportInput: true });
  if (result.success) return result.data;
  throw new PlatformConfigError(source, result.error.issues.map(formatIssue));
}

/** Reads a JSON or YAML config file into plain data, without validating it. */
export function readConfigFile(path: string): unknown {
  const extension = extname(path).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(extension)) {
    throw new PlatformConfigError(path, [
      `${PLATFORM_CONFIG_ENV}: "${path}" must end in .json, .yaml or .yml`,
    ]);
  }
  const bytes = readAtMost(path, MAX_CONFIG_BYTES + 1);
  const decoded = decodeConfigText(bytes);
  if (decoded.text === undefined) throw new PlatformConfigError(path, decoded.problems);
  const text = decoded.text;
  const longLine = longLineProblem(text);
  if (longLine !== undefined) throw new PlatformConfigError(path, [longLine]);
  const tooDeep = bracketsTooDeep(text);
  if (tooDeep !== undefined) {
    throw new PlatformConfigError(path, [
      `line ${tooDeep.line}, column ${tooDeep.column}: brackets nest deeper than ${MAX_CONFIG_DEPTH * 2} levels there; a platform config nests at most ${MAX_CONFIG_DEPTH}`,
    ]);
  }
  if (extension === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new PlatformConfigError(path, [
        `not valid JSON: ${jsonErrorText(text, error as Error)}`,
      ]);
    }
    const { document, lines } = parseYamlDocument(text);
    const duplicates = duplicateKeys(document, lines, "JSON");
    if (duplicates.length > 0) throw new PlatformConfigError(path, duplicates);
    return value;
  }
  // YAML 1.2 core schema: `no` stays a string, duplicate keys are errors, `<<` is no merge key
  // and an unknown tag is an error. The YAML parser is loaded only here, so synthesis of the
  // example or a JSON config does not pay for it.
  const { document, lines } = parseYamlDocument(text);
  const problems = [...document.errors, ...document.warnings].map((e) =>
    e.code === "MULTIPLE_DOCS"
      ? "not valid YAML: it holds more than one document (a second ---); a platform config is one"
      : `not valid YAML: ${e.message.split("\n")[0].replace(/:$/, "")}`,
  );
  if (problems.length > 0) throw new PlatformConfigError(path, firstProblems(problems));
  const duplicates = duplicateKeys(document, lines, "YAML");
  if (duplicates.length > 0) throw new PlatformConfigError(path, duplicates);
  try {
    // Aliases expand at most 100 times: a "billion laughs" file stops here, not in memory.
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new PlatformConfigError(path, [`not valid YAML: ${(error as Error).message}`]);
  }
}

/**
 * At most `limit` bytes of a file, read in chunks: a file larger than the config cap (or an endless
 * one such as /dev/zero, or a pipe) costs the cap, never its size. A regular file's size is
 * checked first, so a huge one is refused without reading it.
 */
function readAtMost(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new PlatformConfigError(path, [
      `${PLATFORM_CONFIG_ENV}: cannot read "${path}": ${(error as Error).message}`,
    ]);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      throw new PlatformConfigError(path, [
        `${PLATFORM_CONFIG_ENV}: "${path}" is a folder; name the config file`,
      ]);
    }
    if (stat.isFile() && stat.size > MAX_CONFIG_BYTES) {
      throw new PlatformConfigError(path, [
        `is ${stat.size} bytes; a platform config is at most ${MAX_CONFIG_BYTES} bytes`,
      ]);
    }
    const buffer = Buffer.alloc(limit);
    let read = 0;
    while (read < limit) {
      const n = readSync(fd, buffer, read, limit - read, null);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } catch (error) {
    if (error instanceof PlatformConfigError) throw error;
    throw new PlatformConfigError(path, [
      `${PLATFORM_CONFIG_ENV}: cannot read "${path}": ${(error as Error).message}`,
    ]);
  } finally {
    closeSync(fd);
  }
}

/**
 * A JSON syntax error as one line that is the same on every Node version: the parser's reason
 * and the line and column we compute (Node 20 gives only a position, Node 22 adds its own).
 */
function jsonErrorText(text: string, error: Error): string {
  const reason = error.message.replace(/\s*(in JSON )?at position \d+.*$/s, "");
  const position = /at position (\d+)/.exec(error.message);
  if (position === null) return reason;
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${reason} (line ${line}, column ${column})`;
}

/** A team's config file, at the repository root (where synthesis runs), used when present. */
export const DEFAULT_CONFIG_FILE = "platform.yaml";

/** Where the config came from when it is the TypeScript example. */
export const EXAMPLE_SOURCE = "accounts/config/example.ts";

/** The example's account ids: placeholders that must never reach a plan or apply. */
export const PLACEHOLDER_ACCOUNT_IDS: readonly string[] = [
  ...new Set(Object.values(exampleConfig.accounts).map((a) => a.accountId)),
];

/**
 * The platform config: the file named by PLATFORM_CONFIG when set, else `platform.yaml` in `cwd`
 * (the repository root) when it exists, else the TypeScript example. Throws PlatformConfigError
 * with every problem found.
 */
export function loadPlatformConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): {
  config: PlatformConfig;
  source: string;
} {
  const path = env[PLATFORM_CONFIG_ENV];
  if (path !== undefined && path !== "") {
    return { config: parsePlatformConfig(readConfigFile(path), path), source: path };
  }
  const teamFile = join(cwd, DEFAULT_CONFIG_FILE);
  if (existsSync(teamFile)) {
    return {
      config: parsePlatformConfig(readConfigFile(teamFile), DEFAULT_CONFIG_FILE),
      source: DEFAULT_CONFIG_FILE,
    };
  }
  return { config: parsePlatformConfig(exampleConfig, EXAMPLE_SOURCE), source: EXAMPLE_SOURCE };
}

/**
 * Why a config must not be planned or applied against real accounts: it is the example, or it
 * still holds the example's placeholder account ids. One line per problem; empty when fine.
 */
export function placeholderProblems(config: PlatformConfig, source: string): string[] {
  if (source === EXAMPLE_SOURCE) {
    return [
      `the platform config is the example (${EXAMPLE_SOURCE}), whose accounts are placeholders: put your config in ${DEFAULT_CONFIG_FILE} at the repository root, or name it with ${PLATFORM_CONFIG_ENV}`,
    ];
  }
  return Object.entries(config.accounts)
    .filter(([, account]) => PLACEHOLDER_ACCOUNT_IDS.includes(account.accountId))
    .map(
      ([name, account]) =>
        `${source}: accounts.${name}.accountId "${account.accountId}" is a placeholder of the example; set the real account id`,
    );
}
