/**
 * Checks of a config file before the schema sees it: its size and encoding, JSON duplicate keys,
 * keys that are JavaScript object internals or hold control characters, and nesting depth; and
 * the escaping of everything a message prints. Each problem is one line naming where it is.
 */

/** A platform config is a few kilobytes; this bounds the time and memory a file can cost. */
export const MAX_CONFIG_BYTES = 1_000_000;

/** Deeper than any config the schema accepts (about 8 levels); bounds recursion. */
export const MAX_CONFIG_DEPTH = 32;

/** Keys that name JavaScript object internals: a map keyed by one is dropped or misread. */
const RESERVED_KEYS = new Set([
  "__proto__",
  "prototype",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/**
 * `text` with every character that could move the cursor, change colours, reorder text or start
 * a new line shown as a `\uXXXX` escape instead: C0 and C1 controls, DEL, line and paragraph
 * separators and bidirectional overrides. A message can then never forge another line.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
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
        `is ${bytes.length} bytes; a platform config is at most ${MAX_CONFIG_BYTES} bytes`,
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

/** A mapping key written twice in a JSON text (JSON.parse keeps the last silently). */
export function duplicateJsonKeys(text: string): string[] {
  // The YAML parser reads JSON (YAML 1.2 is a superset) and reports duplicate keys with their
  // position; only those are taken from it, JSON.parse has judged the syntax already.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDocument } = require("yaml") as typeof import("yaml");
  const document = parseDocument(text, { uniqueKeys: true });
  return document.errors
    .filter((e) => e.code === "DUPLICATE_KEY")
    .map((e) => {
      const at = e.linePos?.[0];
      return `not valid JSON: a key is repeated in one object${at ? ` at line ${at.line}, column ${at.col}` : ""}; JSON keys must be unique`;
    });
}
