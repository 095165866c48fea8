import { format } from "@cdktf/hcl-tools";
import { parse } from "@cdktf/hcl2json";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Node } from "constructs";
import {
  App,
  Fn,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
} from "../core/cdktf";
import { blockPathsOf } from "./blocks";
import {
  renderLocalsBlock,
  renderOutputBlock,
  renderResourceBlock,
  renderValue,
  renderVariableBlock,
} from "./hcl";
import { ModuleInputs, type ModuleDefinition, type VariableSpec } from "./module-definition";

/** Terraform >= 1.9 lets a variable's validation refer to other variables. */
export const MODULE_REQUIRED_TERRAFORM = ">= 1.9.0";

export { awsProviderVersion } from "../core/aws-provider-version";

/** The oldest AWS provider the modules are tested with (the cdktf flavour's; CDK Terrain's is newer). */
export const MODULE_AWS_PROVIDER_MINIMUM = "6.25.0";

/**
 * The provider versions a module accepts: from the oldest the project is tested with up to the
 * next major version (whose breaking changes a module release would have to follow). Fixed, so
 * both flavours export identical modules.
 */
export function awsProviderConstraint(): string {
  const [major] = MODULE_AWS_PROVIDER_MINIMUM.split(".");
  return `>= ${MODULE_AWS_PROVIDER_MINIMUM}, < ${Number(major) + 1}.0.0`;
}

/** Every module takes `tags`, merged into the tags of every resource that has them. */
export const TAGS_VARIABLE: VariableSpec = {
  name: "tags",
  type: "map(string)",
  description:
    "Tags for every resource of the module that takes tags (merged with the module's own).",
  default: {},
};

/**
 * Gives every taggable resource of `scope` the `tags` input, merged under the tags the construct
 * sets (a construct's own tag wins over the caller's).
 */
function applyTagsInput(scope: TerraformStack, tags: unknown): void {
  for (const node of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(node)) continue;
    const taggable = node as TerraformResource & {
      tags?: Record<string, string>;
      tagsInput?: Record<string, string>;
    };
    if (!("tagsInput" in taggable)) continue;
    const own = taggable.tagsInput;
    taggable.tags = Token.asStringMap(
      own === undefined || Object.keys(own).length === 0 ? tags : Fn.merge([tags, own]),
    );
  }
}

/** A resource renamed to `this` (the module's one resource of its type), and its old name. */
export interface Rename {
  readonly type: string;
  readonly from: string;
}

/**
 * The Terraform modules convention: the one resource of its type in a module is named `this`
 * (`aws_s3_bucket.this`). Renames each such resource in the module's JSON, references included,
 * and returns the renames, which become `moved` blocks so callers of a release that used the
 * construct-path names keep their resources.
 */
function nameTheOnlyResourceOfEachTypeThis(json: Record<string, unknown>): Rename[] {
  const resources = (json.resource ?? {}) as Blocks;
  const renames: Rename[] = [];
  for (const [type, byName] of Object.entries(resources)) {
    const names = Object.keys(byName);
    if (names.length === 1 && names[0] !== "this") renames.push({ type, from: names[0] });
  }
  let text = JSON.stringify(json);
  for (const { type, from } of renames) {
    const address = new RegExp(`(?<![A-Za-z0-9_.-])${type}\\.${from}(?![A-Za-z0-9_-])`, "g");
    text = text.replace(address, `${type}.this`);
  }
  const renamed = JSON.parse(text) as Record<string, unknown>;
  for (const { type, from } of renames) {
    const byName = (renamed.resource as Blocks)[type];
    (renamed.resource as Blocks)[type] = { this: byName[from] };
  }
  Object.assign(json, renamed);
  return renames;
}

/**
 * A stack whose resources get readable Terraform names from their construct path
 * (`vpc/flow-logs/role/role` becomes `vpc_flow_logs_role`) instead of cdktf's hashed ids: an exported
 * module's addresses are what its users read in plans and write in `moved` blocks.
 */
class ModuleStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const parts: string[] = [];
    for (const scope of node.scopes.slice(node.scopes.indexOf(this) + 1)) {
      const part = scope.node.id.replace(/[^A-Za-z0-9]+/g, "_");
      const sofar = parts.join("_");
      // `deployment-role/role` reads as deployment_role, not deployment_role_role.
      if (sofar !== part && !sofar.endsWith(`_${part}`)) parts.push(part);
    }
    const name = parts.join("_");
    const owner = this.allocated.get(name);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`${node.path} and ${owner} would both be named "${name}" in the module`);
    }
    this.allocated.set(name, node.path);
    return name;
  }
}

export interface RenderedModule {
  readonly name: string;
  /** Path inside the module folder → content. */
  readonly files: Record<string, string>;
}

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Runs `fn` without the framework's warning about `${` inside arguments of Terraform functions:
 * it fires for every reference or IAM policy variable written into a string inside
 * `jsonencode()`, which resolves correctly (the module tests parse every rendered file and check
 * its references). The warning prints the notice and the string, both holding `${`; it is
 * recognised by that, not by its wording, which differs between cdktf and CDK Terrain. Other
 * warnings pass through.
 */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("${")) return;
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

export function synthesizeModule(definition: ModuleDefinition): {
  json: Record<string, unknown>;
  blocks: ReturnType<typeof blockPathsOf>;
  renames: Rename[];
} {
  const app = new App({ outdir: "cdktf.out", skipBackendValidation: true });
  const stack = new ModuleStack(app, definition.name);
  // Satisfies cdktf's provider check; the module itself declares no provider (removed below):
  // it inherits the caller's.
  new AwsProvider(stack, "aws", {});
  const inputs = new ModuleInputs(stack, [...definition.variables, TAGS_VARIABLE]);
  const outputs = definition.build(stack, inputs);
  applyTagsInput(stack, inputs.map(TAGS_VARIABLE.name));
  for (const output of outputs) {
    // Outputs may share a name with a variable (bucket_name); construct ids may not.
    new TerraformOutput(stack, `output-${output.name}`, {
      description: output.description,
      value: output.value,
    }).overrideLogicalId(output.name);
  }
  const json = JSON.parse(quietly(() => Testing.synth(stack, true))) as Record<string, unknown>;
  delete json.provider;
  delete json.terraform;
  const renames = nameTheOnlyResourceOfEachTypeThis(json);
  return { json, blocks: blockPathsOf(stack), renames };
}

function renderMain(json: Record<string, unknown>, blocks: ReturnType<typeof blockPathsOf>) {
  const parts: string[] = [];
  if (json.locals !== undefined)
    parts.push(renderLocalsBlock(json.locals as Record<string, unknown>));
  for (const kind of ["data", "resource"] as const) {
    for (const [type, byName] of Object.entries((json[kind] ?? {}) as Blocks)) {
      for (const [name, body] of Object.entries(byName)) {
        parts.push(
          renderResourceBlock(kind, type, name, body, blocks.get(`${kind}.${type}`) ?? new Set()),
        );
      }
    }
  }
  return parts.join("\n\n");
}

/** The module's `terraform test` suite: a provider, the example's inputs, the definition's runs. */
function renderTests(definition: ModuleDefinition): string {
  return [
    "# terraform test (plans only): the secure defaults, options and validation rules.",
    'provider "aws" {',
    '  region = "eu-west-1"',
    "}",
    "",
    "variables {",
    ...Object.entries(definition.example).map(([k, v]) => `  ${k} = ${v}`),
    "}",
    "",
    definition.tests,
  ].join("\n");
}

function renderMoved(renames: Rename[]): string {
  return [
    "# Addresses of earlier releases (construct-path names) moved to the current ones.",
    ...renames.map(
      ({ type, from }) => `moved {\n  from = ${type}.${from}\n  to   = ${type}.this\n}\n`,
    ),
  ].join("\n");
}

function renderVersions(): string {
  return [
    "terraform {",
    `  required_version = "${MODULE_REQUIRED_TERRAFORM}"`,
    "",
    "  required_providers {",
    "    aws = {",
    '      source  = "hashicorp/aws"',
    `      version = "${awsProviderConstraint()}"`,
    "    }",
    "  }",
    "}",
  ].join("\n");
}

function defaultText(spec: VariableSpec): string {
  return "default" in spec ? `\`${renderValue(spec.default).replace(/\s+/g, " ")}\`` : "n/a";
}

/** Table cell text: pipes escaped, one line, and `<name>` kept visible (not read as HTML). */
function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** README with a usage example and input and output tables generated from the definition. */
/** The `module` block of the README's usage example, formatted as `terraform fmt` would. */
async function usageBlock(definition: ModuleDefinition): Promise<string> {
  const lines = [
    `module "${definition.name.replace(/-/g, "_")}" {`,
    `  source = "git::https://github.com/<org>/<repo>.git//terraform-modules/${definition.name}?ref=<tag>"`,
    "",
    ...Object.entries(definition.example).map(([k, v]) => `  ${k} = ${v}`),
    "}",
  ];
  return (await format(`${lines.join("\n")}\n`)).trimEnd();
}

function renderReadme(
  definition: ModuleDefinition,
  outputs: { name: string; description: string }[],
  usage: string,
) {
  return [
    `# ${definition.title}`,
    "",
    "Generated by `npm run modules` from the platform's construct; do not edit by hand.",
    "",
    definition.summary,
    "",
    "## Usage",
    "",
    "```hcl",
    usage,
    "```",
    "",
    "The module declares no provider and no backend: it uses the caller's `aws` provider (its",
    "account, region and partition come from data sources) and the caller's state.",
    "",
    ...(definition.notes.length > 0
      ? ["## Notes", "", ...definition.notes.map((n) => `- ${n}`), ""]
      : []),
    "Addresses: the one resource of its type is named `this`; `moved.tf` carries the earlier",
    "construct-path names over, so upgrading keeps every resource. Changes: `../CHANGELOG.md`.",
    "",
    "<!-- BEGIN_TF_DOCS -->",
    "## Requirements",
    "",
    "| Name | Version |",
    "|------|---------|",
    `| terraform | \`${MODULE_REQUIRED_TERRAFORM}\` |`,
    `| hashicorp/aws | \`${awsProviderConstraint()}\` |`,
    "",
    "## Inputs",
    "",
    "| Name | Description | Type | Default | Required |",
    "|------|-------------|------|---------|:--------:|",
    ...[...definition.variables, TAGS_VARIABLE].map(
      (v) =>
        `| ${v.name} | ${escapeCell(v.description)} | \`${v.type}\` | ${escapeCell(defaultText(v))} | ${"default" in v ? "no" : "yes"} |`,
    ),
    "",
    "## Outputs",
    "",
    "| Name | Description |",
    "|------|-------------|",
    ...outputs.map((o) => `| ${o.name} | ${escapeCell(o.description)} |`),
    "<!-- END_TF_DOCS -->",
    "",
  ].join("\n");
}

function renderExample(definition: ModuleDefinition, outputs: { name: string }[]): string {
  return [
    "# A root module that calls the module from this repository's checkout.",
    renderVersions(),
    "",
    'provider "aws" {',
    '  region = "eu-west-1"',
    "}",
    "",
    `module "${definition.name.replace(/-/g, "_")}" {`,
    '  source = "../.."',
    "",
    ...Object.entries(definition.example).map(([k, v]) => `  ${k} = ${v}`),
    "}",
    "",
    ...outputs.map(
      (o) =>
        `output "${o.name}" {\n  value = module.${definition.name.replace(/-/g, "_")}.${o.name}\n}\n`,
    ),
  ].join("\n");
}

/** Renders one module: main.tf, variables.tf, outputs.tf, versions.tf, README and example. */
export async function renderModule(definition: ModuleDefinition): Promise<RenderedModule> {
  const { json, blocks, renames } = synthesizeModule(definition);
  const variables = Object.entries(
    (json.variable ?? {}) as Record<string, Record<string, unknown>>,
  );
  const outputs = Object.entries((json.output ?? {}) as Record<string, Record<string, unknown>>);
  const outputList = outputs.map(([name, body]) => ({
    name,
    description: String(body.description),
  }));
  const tf = {
    "main.tf": renderMain(json, blocks),
    "variables.tf": variables.map(([name, body]) => renderVariableBlock(name, body)).join("\n\n"),
    "outputs.tf": outputs.map(([name, body]) => renderOutputBlock(name, body)).join("\n\n"),
    "versions.tf": renderVersions(),
    "moved.tf": renderMoved(renames),
    "tests/module.tftest.hcl": renderTests(definition),
    "examples/basic/main.tf": renderExample(definition, outputList),
  };
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(tf)) {
    files[path] = await format(`${text}\n`);
    // HashiCorp's HCL parser (compiled to WebAssembly) must read every file back.
    await parse(path, files[path]).catch((error: Error) => {
      throw new Error(`${definition.name}/${path} is not valid HCL: ${error.message}`);
    });
  }
  files["README.md"] = renderReadme(definition, outputList, await usageBlock(definition));
  return { name: definition.name, files };
}
