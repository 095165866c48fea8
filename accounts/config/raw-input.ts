/**
 * Checks of a config file before the schema sees it: its size and encoding, JSON duplicate keys,
 * keys that are JavaScript object internals or hold control characters, and nesting depth; and
 * the escaping of everything a message prints. Each problem is one line naming where it is.
 */

/**
 * A platform config is a few kilobytes (250 deployment targets: about 40 KB); this bounds the
 * time and memory a file can cost (parsing the largest allowed file takes well under a second).
 */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** Deeper than any config the schema accepts (about 8 levels); bounds recursion. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * The longest line a config may have (the longest real one, a role ARN list on one line, is a few
 * hundred characters). YAML's error recovery is super-linear on a long line of bad syntax (a
 * 255 KiB line took minutes): refusing long lines first bounds parse time, not just size.
 */
export const MAX_CONFIG_LINE_CHARS = 4096;

/** Parse errors shown before the rest are counted: the first ones are what to fix. */
export const MAX_PARSE_PROBLEMS = 5;

/** The first line longer than MAX_CONFIG_LINE_CHARS, as a problem, or undefined. */
export function longLineProblem(text: string): string | undefined {
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    const end = text.indexOf("\n", start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > MAX_CONFIG_LINE_CHARS) {
      return `line ${line} is ${stop - start} characters long; a platform config's lines are at most ${MAX_CONFIG_LINE_CHARS}`;
    }
    if (end === -1) break;
    start = end + 1;
    line++;
  }
  return undefined;
}

/** At most MAX_PARSE_PROBLEMS problems, then one line counting the others. */
export function firstProblems(problems: string[]): string[] {
  if (problems.length <= MAX_PARSE_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_PARSE_PROBLEMS),
    `... and ${problems.length - MAX_PARSE_PROBLEMS} more problems of the same file; fix the ones above first`,
  ];
}

/** Keys that name JavaScript object internals: a map keyed by one is dropped or misread. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "prototype",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/**
 * `text` with every character that could move the cursor, change colours, reorder text, start
 * a new line or hide itself shown as a `\uXXXX` escape instead: C0 and C1 controls, DEL, line and
 * paragraph separators, bidirectional marks and overrides, zero-width and other invisible
 * formatting characters. A message can then never forge another line, and a key that holds one is
 * refused (`rawInputProblems`).
 */
export function escapeForTerminal(text: string): string {
  // One Unicode rule: controls (Cc), format characters (Cf: zero-width spaces and joiners, word
  // joiners, soft hyphens, bidirectional marks and overrides, tag characters, the BOM) and line
  // and paragraph separators (Zl, Zp).
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** `text` cut to `max` characters, saying how long it was. */
export function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 3)}... (${text.length} characters)` : text;
}

/**
 * The text of a config file: UTF-8, with a leading byte order mark dropped. Problems for a file
 * too large, UTF-16 or UTF-32 (a byte order mark or NUL bytes), or bytes that are not UTF-8.
 */
export function decodeConfigText(bytes: Buffer): { text?: string; problems: string[] } {
  if (bytes.length > MAX_CONFIG_BYTES) {
    return {
      problems: [
        `is more than ${MAX_CONFIG_BYTES} bytes; a platform config is at most ${MAX_CONFIG_BYTES} bytes`,
      ],
    };
  }
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    bytes.subarray(0, 64).includes(0);
  if (utf16) {
    return { problems: ["is UTF-16 or UTF-32 encoded (or binary); save it as UTF-8"] };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, problems: [] };
  } catch {
    return {
      problems: [`is not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)}); save it as UTF-8`],
    };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0) return i;
    for (let j = 1; j < length; j++) {
      if (i + j >= bytes.length || (bytes[i + j] & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return i;
}

function pathText(path: readonly (string | number)[]): string {
  return (
    path
      .map((p, i) =>
        typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${truncate(escapeForTerminal(p))}`,
      )
      .join("") || "(top level)"
  );
}

/**
 * Problems of the raw data that the schema could not report well: a mapping key that is a
 * JavaScript object internal (`__proto__`, `constructor`, `toString`, ...) or holds control
 * characters, and nesting deeper than any config.
 */
export function rawInputProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (value === null || typeof value !== "object") return;
    if (path.length > MAX_CONFIG_DEPTH) {
      problems.push(`${pathText(path)}: nested deeper than ${MAX_CONFIG_DEPTH} levels`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    for (const key of Object.keys(value)) {
      const shown = JSON.stringify(truncate(key));
      if (key === "<<") {
        problems.push(
          `${pathText(path)}: YAML merge keys (<<) are not supported; write the keys out in full`,
        );
      } else if (RESERVED_KEYS.has(key)) {
        problems.push(
          `${pathText(path)}: the key ${shown} is reserved (a JavaScript object internal); rename it`,
        );
      } else if (escapeForTerminal(key) !== key) {
        problems.push(
          `${pathText(path)}: the key ${escapeForTerminal(shown)} holds control or invisible formatting characters; rename it`,
        );
      }
      visit((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  visit(raw, []);
  return problems;
}

/**
 * Whether `[` / `{` brackets outside quoted strings nest deeper than any config: checked on the
 * text before a parser sees it, so a file of nested brackets costs a scan, not seconds and
 * hundreds of megabytes of parsing (and no parser's stack overflow).
 */
export function bracketsTooDeep(
  text: string,
  max = MAX_CONFIG_DEPTH * 2,
): { line: number; column: number } | undefined {
  let depth = 0;
  let quote: string | undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    }
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "[" || c === "{") {
      if (++depth > max) return { line, column: i - lineStart + 1 };
    } else if (c === "]" || c === "}") {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/**
 * Mapping keys written twice in one mapping, JSON or YAML (JSON.parse keeps the last silently),
 * one line each with its position. Linear: the YAML library's own `uniqueKeys` check compares
 * every key with every other and took over a minute on a file of 80,000 keys.
 */
export function duplicateKeys(
  document: import("yaml").Document,
  lines: import("yaml").LineCounter,
  format: "JSON" | "YAML",
): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMap, isScalar, visit } = require("yaml") as typeof import("yaml");
  const problems: string[] = [];
  visit(document, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) {
          const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          const at = offset === undefined ? undefined : lines.linePos(offset);
          problems.push(
            `not valid ${format}: the key ${JSON.stringify(truncate(key))} is repeated in one mapping${at ? ` at line ${at.line}, column ${at.col}` : ""}; keys must be unique`,
          );
        }
        seen.add(key);
      }
    },
  });
  return problems;
}

/** Parses `text` as YAML (JSON is YAML 1.2) without the library's quadratic duplicate check. */
export function parseYamlDocument(text: string): {
  document: import("yaml").Document;
  lines: import("yaml").LineCounter;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LineCounter, parseDocument } = require("yaml") as typeof import("yaml");
  const lines = new LineCounter();
  const document = parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: true,
    lineCounter: lines,
  });
  return { document, lines };
}
