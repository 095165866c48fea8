/**
 * Terraform JSON (what cdktf synthesizes) rendered as native HCL.
 *
 * The two syntaxes share their template language: a JSON string value is a template with
 * `${...}` interpolations, exactly like a quoted HCL string, so a value converts by escaping the
 * literal parts and copying the interpolations verbatim. A string that is one interpolation
 * becomes the bare expression (`bucket = aws_s3_bucket.data.id`), which Terraform evaluates the
 * same way. What JSON cannot say is whether an object is a nested block or a map attribute;
 * `BlockPaths` (from the provider schema, see blocks.ts) answers that.
 *
 * cdktf has an HCL renderer of its own; it leaves quotes unescaped in JSON policy strings and
 * renders variable validations as strings, so Terraform would reject its output.
 */

/** For one resource or data source type: the attribute paths (`rule`, `rule.filter`) that are blocks. */
export type BlockPaths = ReadonlySet<string>;

/**
 * Attributes that the AWS provider declares as blocks but also accepts in attribute syntax
 * ("attributes as blocks"), where `= []` means "no rules" and omitting means "not managed".
 */
const ATTRIBUTES_AS_BLOCKS = new Set(["ingress", "egress"]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Index after the `}` closing an interpolation whose expression starts at `i`. */
function endOfExpression(s: string, i: number): number {
  let depth = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = endOfQuotedTemplate(s, i + 1);
      continue;
    }
    if (c === "{") depth += 1;
    if (c === "}") {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error(`unterminated interpolation in ${JSON.stringify(s)}`);
}

/** Index after the `"` closing a quoted template whose content starts at `i`. */
function endOfQuotedTemplate(s: string, i: number): number {
  while (i < s.length) {
    if (s[i] === "\\") {
      i += 2;
    } else if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      i += 3;
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      i = endOfExpression(s, i + 2);
    } else if (s[i] === '"') {
      return i + 1;
    } else {
      i += 1;
    }
  }
  throw new Error(`unterminated string in ${JSON.stringify(s)}`);
}

function escapeLiteral(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
}

const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
/** Brackets whose content is at most this long stay on one line. */
const INLINE_LIMIT = 70;

/**
 * An expression laid out for reading: a list or object whose content is long gets one element
 * per line (`terraform fmt` then indents them). Calls and string literals stay as they are.
 */
export function layoutExpression(expression: string): string {
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (c === '"') {
      const end = endOfQuotedTemplate(expression, i + 1);
      out += expression.slice(i, end);
      i = end;
    } else if (c in CLOSING) {
      const { end, items } = bracketItems(expression, i);
      const inner = expression.slice(i + 1, end - 1);
      if (/^\s*for\s/.test(inner)) {
        // A for expression: a trailing comma would end it; keep it on one line.
        out += expression.slice(i, end);
      } else if (inner.length <= INLINE_LIMIT || (c === "(" && !/[\w]$/.test(out))) {
        // Short, or a parenthesized expression (not a call), where a trailing comma is wrong.
        out += c + items.map((item) => layoutExpression(item)).join(", ") + CLOSING[c];
      } else {
        out += `${c}\n${items.map((item) => layoutExpression(item)).join(",\n")},\n${CLOSING[c]}`;
      }
      i = end;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The top-level comma-separated items of the bracket opening at `start`, and the index after it. */
function bracketItems(s: string, start: number): { end: number; items: string[] } {
  const items: string[] = [];
  let depth = 0;
  let itemStart = start + 1;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = endOfQuotedTemplate(s, i + 1);
      continue;
    }
    if (c in CLOSING) depth += 1;
    if (c === ")" || c === "]" || c === "}") {
      depth -= 1;
      if (depth === 0) {
        const last = s.slice(itemStart, i).trim();
        if (last !== "") items.push(last);
        return { end: i + 1, items };
      }
    }
    if (c === "," && depth === 1) {
      items.push(s.slice(itemStart, i).trim());
      itemStart = i + 1;
    }
    i += 1;
  }
  throw new Error(`unbalanced brackets in ${s}`);
}

/** A Terraform JSON string value as an HCL expression. */
export function renderString(value: string): string {
  if (value.startsWith("${")) {
    const end = endOfExpression(value, 2);
    if (end === value.length) return layoutExpression(value.slice(2, -1));
  }
  let out = "";
  let i = 0;
  let literalStart = 0;
  while (i < value.length) {
    if (value.startsWith("$${", i) || value.startsWith("%%{", i)) {
      i += 3;
    } else if (value.startsWith("${", i) || value.startsWith("%{", i)) {
      out += escapeLiteral(value.slice(literalStart, i));
      const end = endOfExpression(value, i + 2);
      out += value.slice(i, end);
      i = end;
      literalStart = i;
    } else {
      i += 1;
    }
  }
  out += escapeLiteral(value.slice(literalStart));
  return `"${out}"`;
}

function renderKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/**
 * A policy document written as a JSON string (`"{\"Version\":...}"`), parsed so that it can be
 * written as `jsonencode({...})`, which HCL readers review far more easily. Undefined for any
 * other string.
 */
function policyDocumentIn(value: string): Record<string, unknown> | undefined {
  if (!value.startsWith('{"Version":')) return undefined;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    return "Statement" in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Any JSON value as an HCL expression (objects become object constructors). */
export function renderValue(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    const policy = policyDocumentIn(value);
    return policy === undefined
      ? renderString(value)
      : `jsonencode(${renderValue(policy, indent)})`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${renderValue(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries
    .map(([k, v]) => `${inner}${renderKey(k)} = ${renderValue(v, inner)}`)
    .join("\n")}\n${indent}}`;
}

/**
 * The body of a block: attributes as `name = value`, nested blocks (per `blocks`, by dotted
 * path from the resource) as `name { ... }`, one per element of a JSON list.
 */
export function renderBody(
  body: Record<string, unknown>,
  blocks: BlockPaths,
  indent: string,
  path = "",
): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || value === undefined) continue;
    const keyPath = path === "" ? key : `${path}.${key}`;
    if (blocks.has(keyPath) && !(ATTRIBUTES_AS_BLOCKS.has(key) && Array.isArray(value))) {
      for (const element of Array.isArray(value) ? value : [value]) {
        lines.push(`${indent}${key} {`);
        lines.push(
          ...renderBody(element as Record<string, unknown>, blocks, `${indent}  `, keyPath),
        );
        lines.push(`${indent}}`);
      }
      continue;
    }
    lines.push(`${indent}${key} = ${renderValue(value, indent)}`);
  }
  return lines;
}

/** References in meta-arguments are bare traversals in HCL but strings in JSON. */
function bareReferences(list: unknown): string {
  const items = (list as string[]).map((r) => r.replace(/^\$\{(.*)\}$/s, "$1"));
  return `[${items.join(", ")}]`;
}

/**
 * A resource or data source block. Meta-arguments (`count`, `for_each`, `depends_on`,
 * `lifecycle`, `provider`) come first, as `terraform fmt` users expect.
 */
export function renderResourceBlock(
  kind: "resource" | "data",
  type: string,
  name: string,
  body: Record<string, unknown>,
  blocks: BlockPaths,
): string {
  const { count, for_each, depends_on, lifecycle, provider, ...attributes } = body as Record<
    string,
    unknown
  >;
  const lines = [`${kind} "${type}" "${name}" {`];
  if (count !== undefined) lines.push(`  count = ${renderValue(count, "  ")}`);
  if (for_each !== undefined) lines.push(`  for_each = ${renderValue(for_each, "  ")}`);
  if (provider !== undefined) lines.push(`  provider = ${String(provider)}`);
  lines.push(...renderBody(attributes, blocks, "  "));
  if (depends_on !== undefined && (depends_on as unknown[]).length > 0) {
    lines.push(`  depends_on = ${bareReferences(depends_on)}`);
  }
  if (lifecycle !== undefined) {
    const { ignore_changes, ...rest } = lifecycle as Record<string, unknown>;
    lines.push("  lifecycle {");
    lines.push(...renderBody(rest, new Set(), "    "));
    if (ignore_changes !== undefined) {
      lines.push(`    ignore_changes = ${bareReferences(ignore_changes)}`);
    }
    lines.push("  }");
  }
  lines.push("}");
  return lines.join("\n");
}

/** Terraform's type constraint syntax is an expression in HCL, a string in JSON. */
export function renderVariableBlock(name: string, body: Record<string, unknown>): string {
  const lines = [`variable "${name}" {`];
  if (body.description !== undefined) {
    lines.push(`  description = ${renderValue(body.description)}`);
  }
  if (body.type !== undefined) lines.push(`  type        = ${String(body.type)}`);
  if ("default" in body) lines.push(`  default     = ${renderValue(body.default, "  ")}`);
  if (body.nullable !== undefined) lines.push(`  nullable    = ${String(body.nullable)}`);
  if (body.sensitive !== undefined) lines.push(`  sensitive   = ${String(body.sensitive)}`);
  for (const rule of (body.validation as Record<string, string>[] | undefined) ?? []) {
    lines.push("", "  validation {");
    lines.push(`    condition     = ${renderString(rule.condition)}`);
    lines.push(`    error_message = ${renderString(rule.error_message)}`);
    lines.push("  }");
  }
  lines.push("}");
  return lines.join("\n");
}

export function renderOutputBlock(name: string, body: Record<string, unknown>): string {
  const lines = [`output "${name}" {`];
  if (body.description !== undefined) {
    lines.push(`  description = ${renderValue(body.description)}`);
  }
  lines.push(`  value       = ${renderValue(body.value, "  ")}`);
  if (body.sensitive !== undefined) lines.push(`  sensitive   = ${String(body.sensitive)}`);
  lines.push("}");
  return lines.join("\n");
}

export function renderLocalsBlock(locals: Record<string, unknown>): string {
  return `locals {\n${renderBody(locals, new Set(), "  ").join("\n")}\n}`;
}
