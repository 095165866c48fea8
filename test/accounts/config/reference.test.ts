import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { exampleConfig } from "../../../accounts/config/example";
import { parsePlatformConfig, readConfigFile } from "../../../accounts/config/loader";
import { configRows } from "../../../accounts/config/reference";
import { platformConfigSchema } from "../../../accounts/config/platform-schema";
import {
  EXAMPLE_YAML_FILE,
  generatedDocs,
  initConfig,
  resolvedConfig,
} from "../../../scripts/config";
import { FIXTURES, REPO_ROOT } from "../../helpers";

const rows = configRows().flatMap((s) => s.rows);
const paths = new Set(rows.map((r) => r.path));

/**
 * Every field path of the zod schema, walked independently of the JSON Schema the reference is
 * made from: `[]` for list items, `.<key>` for map values, every alternative of a union.
 */
function schemaPaths(schema: z.ZodType, path: string, out: Set<string>): Set<string> {
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      return schemaPaths(def.innerType, path, out);
    case "pipe":
      return schemaPaths(def.in, path, out);
    case "array":
      return schemaPaths(def.element, `${path}[]`, out);
    case "record":
      return schemaPaths(def.valueType, `${path}.<key>`, out);
    case "union":
      for (const option of def.options) schemaPaths(option, path, out);
      return out;
    case "object":
      for (const [name, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        const fieldPath = path === "" ? name : `${path}.${name}`;
        out.add(fieldPath);
        schemaPaths(field, fieldPath, out);
      }
      return out;
    default:
      return out;
  }
}

describe("the generated config reference and JSON Schema", () => {
  test("the committed files are what the schema generates", () => {
    for (const [file, text] of Object.entries(generatedDocs())) {
      const committed = readFileSync(join(REPO_ROOT, file), "utf8");
      if (committed !== text) {
        const old = new Set(committed.split("\n"));
        const changed = text.split("\n").filter((line) => !old.has(line));
        throw new Error(
          `${file} does not describe the current schema; the schema now says:\n${changed.slice(0, 20).join("\n")}\n(npm run config -- docs writes it)`,
        );
      }
    }
  });

  test("every field of the schema is in the reference, with a description", () => {
    const fromZod = [...schemaPaths(platformConfigSchema, "", new Set())]
      .filter((p) => p !== "accounts" && !p.startsWith("accounts.<key>."))
      .concat(
        [...schemaPaths(platformConfigSchema, "", new Set())]
          .filter((p) => p.startsWith("accounts.<key>."))
          .map((p) => p.replace("accounts.<key>.", "accounts.<name>.")),
      )
      // Free-form maps (tags, environments) have no fields of their own.
      .filter((p) => !p.endsWith(".<key>"));
    expect(fromZod.length).toBeGreaterThan(100);
    expect(fromZod.filter((p) => !paths.has(p))).toEqual([]);
    expect(
      rows.filter((r) => !/[a-z]{3}/i.test(r.description.replace(/^With `[^`]+`: /, ""))),
    ).toEqual([]);
  });

  test("a row states type, required, default and allowed values", () => {
    const row = (path: string) => rows.find((r) => r.path === path);
    expect(row("accounts.<name>.vpc.natGateways")).toMatchObject({
      type: "string",
      required: false,
      defaultValue: "none",
      allowed: "`none`, `one-per-az`, `single`",
    });
    expect(row("accounts.<name>.accountId")).toMatchObject({
      required: true,
      allowed: "pattern `^\\d{12}$`",
    });
    expect(row("accounts.<name>.mlflow.server.port")).toMatchObject({
      type: "integer",
      defaultValue: 5000,
      allowed: "1024 to 65535",
    });
    expect(row("accounts.<name>.sagemaker.identity.providerArn")!.description).toMatch(
      /^With `kind: saml`: /,
    );
  });

  test("the JSON Schema refuses unknown keys and names every account kind", () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, "docs/config.schema.json"), "utf8"));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["prefix", "region", "accounts"]);
    const kinds = schema.properties.accounts.additionalProperties.oneOf;
    expect(kinds.map((k: any) => k.properties.type.const)).toEqual([
      "data-science",
      "deployment-target",
    ]);
    expect(kinds.every((k: any) => k.additionalProperties === false)).toBe(true);
  });
});

describe("the JSON Schema, as an editor's validator reads it", () => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, "docs/config.schema.json"), "utf8"));
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(
    schema,
  );
  const load = (file: string) => {
    const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    return file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  };
  const good = readdirSync(join(FIXTURES, "configs/good"));

  test.each(good)("accepts the good fixture %s", (file) => {
    expect(validate(load(join(FIXTURES, "configs/good", file))) ? [] : validate.errors).toEqual([]);
  });

  test("accepts the example YAML", () => {
    expect(validate(load(join(REPO_ROOT, EXAMPLE_YAML_FILE)))).toBe(true);
  });

  test.each([
    ["misspelled-key.yaml", "additionalProperties"],
    ["unknown-access-level.yaml", "enum"],
    ["dataset-origin-invalid.yaml", "pattern"],
    ["lifecycle-archive-after-expiry.yaml", "const"],
  ])("refuses the bad fixture %s (%s)", (file, keyword) => {
    expect(validate(load(join(FIXTURES, "configs/bad", file)))).toBe(false);
    expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
  });
});

describe("the JSON Schema and the loader agree", () => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, "docs/config.schema.json"), "utf8"));
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(
    schema,
  );
  const badDir = join(FIXTURES, "configs/bad");
  /**
   * Bad fixtures only the loader can refuse, and why JSON Schema cannot say it: rules across
   * fields or accounts, names derived from several fields, what AWS publishes. docs/configuring.md
   * lists the same kinds.
   */
  const LOADER_ONLY: Record<string, string> = {
    "account-name-under-user-pattern.yaml": "derived role names across accounts",
    "bucket-name-one-over.yaml": "a derived bucket name's length",
    "bucket-name-too-long.yaml": "a derived bucket name's length",
    "cidr-host-bits.yaml": "host bits of a block",
    "cidr-too-small-for-nat.yaml": "block size against zones and NAT",
    "cidr-too-small.yaml": "block size against zones",
    "data-key-other-region.yaml": "an ARN's region and account against other fields",
    "dataset-other-account-without-origin.yaml": "a principal's account against the account's",
    "lifecycle-out-of-order.yaml": "numbers compared across fields",
    "overlapping-cidr.yaml": "blocks compared across accounts",
    "persona-arn-other-partition.yaml": "an ARN's partition against the region's",
    "secret-other-partition.yaml": "an ARN's partition against the region's",
    "subnets-too-small-for-endpoints.yaml": "subnet size against the endpoints",
    "two-data-science-accounts.yaml": "exactly one map value of a kind",
    "two-role-names-differ-by-case.yaml": "derived role names compared without case",
    "unknown-data-science-account.yaml": "a reference to another account's name",
    "unknown-region.yaml": "whether AWS publishes a region (the schema has its shape)",
    "user-role-matches-target-pattern.yaml": "derived role names across accounts",
    "zone-of-other-region.yaml": "a zone against the region",
  };
  const fixtures = readdirSync(badDir)
    .filter((file) => !file.endsWith(".expected"))
    .flatMap((file) => {
      try {
        return [[file, readConfigFile(join(badDir, file))] as [string, unknown]];
      } catch {
        return []; // refused while reading (YAML syntax, duplicate keys, size): no schema sees it
      }
    });

  test.each(fixtures)(
    "the loader refuses %s, and so does the schema unless it cannot say why",
    (file, raw) => {
      expect(() => parsePlatformConfig(raw, file)).toThrow();
      expect([file, validate(raw)]).toEqual([file, file in LOADER_ONLY]);
    },
  );

  test("every loader-only fixture exists and is read", () => {
    const read = new Set(fixtures.map(([f]) => f));
    expect(Object.keys(LOADER_ONLY).filter((f) => !read.has(f))).toEqual([]);
  });
});

describe("config files for editors and people", () => {
  test("the example YAML is the example platform, and editors find its schema", () => {
    const text = readFileSync(join(REPO_ROOT, EXAMPLE_YAML_FILE), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=config.schema.json");
    expect(parsePlatformConfig(parseYaml(text), EXAMPLE_YAML_FILE)).toEqual(
      parsePlatformConfig(exampleConfig, "example"),
    );
  });

  test("init writes platform.yaml from the example with the schema line for the root, once", () => {
    const root = mkdtempSync(join(tmpdir(), "config-init-"));
    try {
      mkdirSync(join(root, "docs"));
      copyFileSync(join(REPO_ROOT, EXAMPLE_YAML_FILE), join(root, EXAMPLE_YAML_FILE));
      expect(initConfig(root)).toBeUndefined();
      const written = readFileSync(join(root, "platform.yaml"), "utf8");
      expect(written.split("\n")[0]).toBe(
        "# yaml-language-server: $schema=docs/config.schema.json",
      );
      expect(parseYaml(written)).toEqual(
        parseYaml(readFileSync(join(REPO_ROOT, EXAMPLE_YAML_FILE), "utf8")),
      );
      writeFileSync(join(root, "platform.yaml"), "prefix: mine\n");
      expect(initConfig(root)).toBe("platform.yaml exists; not overwritten");
      expect(readFileSync(join(root, "platform.yaml"), "utf8")).toBe("prefix: mine\n");
      expect(readdirSync(root).sort()).toEqual(["docs", "platform.yaml"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("the resolved config fills in every default", () => {
    const text = resolvedConfig(join(FIXTURES, "configs/good/minimal.yaml"), REPO_ROOT);
    expect(text.split("\n")[0]).toMatch(/^# .*minimal\.yaml, with every default filled in$/);
    const resolved = parseYaml(text);
    expect(resolved.deployRoleName).toBe("terraform-deploy");
    expect(resolved.state).toEqual({
      locking: "lockfile",
      bootstrapBackend: "local",
      noncurrentVersionExpirationDays: 90,
      noncurrentVersionsRetained: 10,
    });
    // What it prints is a config the loader accepts as it is.
    expect(parsePlatformConfig(resolved, "resolved")).toEqual(resolved);
  });

  test("the good fixtures together set every field of the reference; full.yaml every section", () => {
    const bucket = (p: string) =>
      p.replace(/\.buckets\.(data|models|mlflow|accessLogs)\./, ".buckets.<bucket>.");
    const set = new Set<string>();
    const fullSet = new Set<string>();
    const walk = (value: unknown, path: string, into: Set<string>[]) => {
      if (Array.isArray(value)) return value.forEach((v) => walk(v, `${path}[]`, into));
      if (value === null || typeof value !== "object") return;
      for (const [key, v] of Object.entries(value)) {
        const segment = path === "accounts" ? "<name>" : key;
        const p = path === "" ? segment : `${path}.${segment}`;
        into.forEach((s) => s.add(bucket(p)));
        if (!/\.(tags|environments)$|^tags$/.test(p)) walk(v, p, into);
      }
    };
    const dir = join(FIXTURES, "configs/good");
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), "utf8").replace(/^\uFEFF/, "");
      const value = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
      walk(value, "", file === "full.yaml" ? [set, fullSet] : [set]);
    }
    expect([...paths].map(bucket).filter((p) => !set.has(p))).toEqual([]);
    // The sections (fields holding fields), except alternatives full.yaml cannot combine.
    const sections = [...paths].filter((p) => [...paths].some((q) => q.startsWith(`${p}.`)));
    expect(sections.map(bucket).filter((p) => !fullSet.has(p))).toEqual([
      "state.hcpTerraform",
      "accounts.<name>.vpc.existing",
      "accounts.<name>.mlflow.managed",
    ]);
  });
});
