import { z } from "zod";
import { platformConfigSchema } from "./platform-schema";
import { RESERVED_KEYS } from "./raw-input";
import { REGION_CODE } from "./regions";
import { PRIVATE_CIDR_PATTERN } from "./schema/network";
import { MAX_CONFIG_TAGS, RESERVED_TAG_KEYS } from "./schema/tags";

/**
 * The config's JSON Schema and its reference page, both generated from the zod schema (field
 * descriptions are the schema's `.describe()` texts), so neither can drift from what the loader
 * accepts. `npm run config -- docs` writes them; a test fails when the committed files differ.
 */

/** Where the generated files live, relative to the repository root. */
export const CONFIG_SCHEMA_FILE = "docs/config.schema.json";
export const CONFIG_REFERENCE_FILE = "docs/config-reference.md";

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  maxProperties?: number;
  uniqueItems?: boolean;
  [key: string]: unknown;
};

/** The JSON Schema (draft 7) of a config file, as editors and validators read it. */
export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(platformConfigSchema, {
    // Draft 7: what editors' YAML and JSON language servers support best.
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  withLoaderRules(schema);
  return {
    $schema: schema.$schema,
    $id: "config.schema.json",
    title: "MLOps platform config",
    description:
      "The platform config (platform.yaml, or the file PLATFORM_CONFIG names). Generated from the zod schema in accounts/config/schema by `npm run config -- docs`; the loader also checks what JSON Schema cannot say (CIDR overlaps, names derived from the prefix, cross-account references).",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}

/** `text` as a pattern that matches it whatever the case of its letters. */
const anyCase = (text: string) =>
  text.replace(/[a-z]/g, (c) => `[${c.toUpperCase()}${c}]`).replace(/\./g, "\\.");

/** Adds `rule` to a schema's `propertyNames`, keeping what is there. */
function keyRule(node: JsonSchema, rule: JsonSchema): void {
  const existing = node.propertyNames;
  node.propertyNames = existing === undefined ? rule : { allOf: [existing, rule] };
}

/**
 * The rules the loader checks that JSON Schema can say too, added to the generated schema so an
 * editor refuses what the loader refuses (the rules zod keeps in refinements do not reach
 * `toJSONSchema`): region codes, the VPC block's shape (RFC 1918, /16 to /28), map keys that name
 * JavaScript object internals, account names ending in `-bootstrap`, reserved and too many tags,
 * lists that must not repeat, and the VPC fields that only a new (or only an existing) VPC takes. What the loader alone checks
 * (cross-field rules, derived names, published regions) is listed in docs/configuring.md.
 */
function withLoaderRules(node: JsonSchema, key?: string): void {
  if (key === "region" || key === "replicaRegion") {
    node.pattern = REGION_CODE.source;
  }
  if ((key === "availabilityZones" || key === "interfaceEndpoints") && node.type === "array") {
    node.uniqueItems = true;
  }
  if (node.type === "object" && typeof node.additionalProperties === "object") {
    keyRule(node, { not: { enum: [...RESERVED_KEYS] } });
    if (key === "accounts") keyRule(node, { not: { pattern: "-bootstrap$" } });
    if (key === "tags" || key === "defaultTags") {
      node.maxProperties = MAX_CONFIG_TAGS;
      keyRule(node, {
        not: { pattern: `^(${RESERVED_TAG_KEYS.map(anyCase).join("|")})$|^${anyCase("aws:")}` },
      });
    }
  }
  const properties = node.properties;
  if (properties?.cidr !== undefined && properties.existing !== undefined) {
    properties.cidr.pattern = PRIVATE_CIDR_PATTERN;
    node.allOf = [
      {
        if: { required: ["existing"] },
        then: { properties: { natGateways: { const: "none" } } },
      },
      {
        if: { not: { required: ["existing"] } },
        then: { properties: { manageDefaultSecurityGroup: { const: true } } },
      },
    ];
  }
  for (const [name, child] of Object.entries(properties ?? {})) withLoaderRules(child, name);
  // Alternatives are the same field (a number of zones, or a list of them).
  for (const list of [node.anyOf, node.oneOf]) list?.forEach((c) => withLoaderRules(c, key));
  if (typeof node.additionalProperties === "object") withLoaderRules(node.additionalProperties);
  if (node.items !== undefined) withLoaderRules(node.items);
}

/** One field of the reference: where it is, what it takes, its default, what it does. */
interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue?: unknown;
  readonly allowed: string;
  readonly description: string;
}

const code = (s: string) => `\`${s.replace(/\|/g, "\\|")}\``;

/** Alternatives that are all constants: one of a list of values. */
function constants(s: JsonSchema): unknown[] | undefined {
  const alternatives = s.anyOf ?? s.oneOf;
  if (!alternatives || !alternatives.every((a) => a.const !== undefined)) return undefined;
  return alternatives.map((a) => a.const);
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  const values = constants(s);
  if (values)
    return [...new Set(values.map((v) => (Number.isInteger(v) ? "integer" : typeof v)))].join(
      " or ",
    );
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(" or ");
  if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "any"}`;
  if (s.type === "object" && s.properties === undefined && s.additionalProperties) {
    const value = s.additionalProperties === true ? "any" : typeOf(s.additionalProperties);
    return `map of ${value}`;
  }
  if (s.type === "object") return "mapping";
  if (s.enum) return "string";
  return Array.isArray(s.type) ? s.type.join(" or ") : (s.type ?? "any");
}

function allowedOf(s: JsonSchema): string {
  const parts: string[] = [];
  const values = constants(s);
  if (values) return values.map((v) => code(JSON.stringify(v))).join(", ");
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives)
    return alternatives
      .map(allowedOf)
      .filter((a) => a !== "")
      .join("; or ");
  if (s.enum) parts.push(s.enum.map((v) => code(String(v))).join(", "));
  if (s.const !== undefined) parts.push(code(JSON.stringify(s.const)));
  if (s.minimum !== undefined || s.maximum !== undefined) {
    parts.push(`${s.minimum ?? "…"} to ${s.maximum ?? "…"}`);
  }
  if (s.minLength !== undefined || s.maxLength !== undefined) {
    parts.push(`${s.minLength ?? 0} to ${s.maxLength ?? "…"} characters`);
  }
  if (s.minItems !== undefined || s.maxItems !== undefined) {
    parts.push(`${s.minItems ?? 0} to ${s.maxItems ?? "…"} items`);
  }
  if (s.pattern !== undefined) parts.push(`pattern ${code(s.pattern)}`);
  if (s.format !== undefined) parts.push(`format ${s.format}`);
  if (s.type === "array" && s.items) {
    const items = allowedOf(s.items);
    if (items !== "") parts.push(`each: ${items}`);
  }
  if (s.propertyNames) {
    const keys = allowedOf(s.propertyNames);
    if (keys !== "") parts.push(`keys: ${keys}`);
  }
  if (
    s.type === "object" &&
    typeof s.additionalProperties === "object" &&
    s.additionalProperties.properties === undefined
  ) {
    const values = allowedOf(s.additionalProperties);
    if (values !== "") parts.push(`values: ${values}`);
  }
  return parts.join("; ");
}

/** The property whose constant tells alternatives of a union apart (`kind`, `type`). */
function discriminatorOf(s: JsonSchema): string | undefined {
  const [name] = Object.entries(s.properties ?? {}).find(([, p]) => p.const !== undefined) ?? [];
  return name === undefined ? undefined : `${name}: ${String(s.properties![name].const)}`;
}

type Child = { suffix: string; schema: JsonSchema; when?: string };

/** The mappings a schema holds (itself, or inside its alternatives, items or map values). */
function children(s: JsonSchema): Child[] {
  if (s.properties) return [{ suffix: "", schema: s }];
  const found: Child[] = [];
  const alternatives = s.anyOf ?? s.oneOf ?? [];
  for (const alternative of alternatives) {
    const when = alternatives.length > 1 ? discriminatorOf(alternative) : undefined;
    found.push(...children(alternative).map((c) => ({ ...c, when: when ?? c.when })));
  }
  if (s.type === "array" && s.items) {
    found.push(...children(s.items).map((c) => ({ ...c, suffix: `[]${c.suffix}` })));
  }
  if (typeof s.additionalProperties === "object") {
    found.push(
      ...children(s.additionalProperties).map((c) => ({ ...c, suffix: `.<key>${c.suffix}` })),
    );
  }
  return found;
}

function rowsOf(path: string, object: JsonSchema, rows: Row[], when?: string): void {
  for (const [name, field] of Object.entries(object.properties ?? {})) {
    const fieldPath = path === "" ? name : `${path}.${name}`;
    const description = field.description ?? "";
    rows.push({
      path: fieldPath,
      type: typeOf(field),
      required: (object.required ?? []).includes(name) && field.default === undefined,
      defaultValue: field.default,
      allowed: allowedOf(field),
      // Fields of one alternative of a union say which (`kind: saml`).
      description:
        when !== undefined && field.const === undefined
          ? `With \`${when}\`: ${description}`
          : description,
    });
    for (const child of children(field)) {
      rowsOf(`${fieldPath}${child.suffix}`, child.schema, rows, child.when);
    }
  }
}

/** Every field of the config, in schema order, with the account kinds as their own sections. */
export function configRows(): { section: string; rows: Row[] }[] {
  const schema = configJsonSchema();
  const { accounts, ...platform } = schema.properties!;
  const top: Row[] = [];
  rowsOf("", { ...schema, properties: platform }, top);
  const sections = [{ section: "Platform", rows: top }];
  const kinds = (accounts.additionalProperties as JsonSchema).oneOf!;
  for (const kind of kinds) {
    const rows: Row[] = [];
    rowsOf("accounts.<name>", kind, rows);
    sections.push({ section: `Accounts of type ${String(kind.properties!.type.const)}`, rows });
  }
  return sections;
}

/** The reference page: every field, its type, default, allowed values and description. */
export function configReference(): string {
  const out = [
    "# Config reference",
    "",
    "<!-- Generated from accounts/config/schema by `npm run config -- docs`; do not edit. -->",
    "",
    "Every field of the platform config (`platform.yaml` at the repository root, or the file",
    "`PLATFORM_CONFIG` names; YAML or JSON). Unknown keys are errors. Editors complete and check",
    "configs with the JSON Schema beside this page (`config.schema.json`): start a YAML file with",
    "`# yaml-language-server: $schema=docs/config.schema.json`. `npm run config -- resolve <file>`",
    "prints a config with every default filled in. The loader also checks what a schema cannot",
    "say: overlapping CIDRs, names derived from the prefix, references between accounts, sizes",
    "AWS enforces at apply.",
    "",
  ];
  for (const { section, rows } of configRows()) {
    out.push(`## ${section}`, "", "| field | type | required | default | allowed | description |");
    out.push("| --- | --- | --- | --- | --- | --- |");
    for (const r of rows) {
      const defaultValue = r.defaultValue === undefined ? "" : code(JSON.stringify(r.defaultValue));
      out.push(
        `| ${code(r.path)} | ${r.type.replace(/\|/g, "\\|")} | ${r.required ? "yes" : ""} | ${defaultValue} | ${r.allowed} | ${r.description.replace(/\|/g, "\\|")} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
