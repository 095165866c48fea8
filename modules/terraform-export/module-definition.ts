import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { Construct } from "constructs";
import type { AwsEnvironment } from "../core/aws-environment";
import { Op, TerraformVariable, Token } from "../core/cdktf";

/** One validation rule of a variable, in Terraform's own expression language. */
export interface ValidationRule {
  /** A boolean expression over `var.<name>` (and, Terraform >= 1.9, other variables). */
  readonly condition: string;
  /** Says what is allowed; may interpolate the value (`${var.name}`). */
  readonly message: string;
}

export interface VariableSpec {
  readonly name: string;
  /** Terraform type constraint: `string`, `number`, `bool`, `list(string)`. */
  readonly type: "string" | "number" | "bool" | "list(string)" | "map(string)";
  readonly description: string;
  /** Omit for a required input; `null` for an optional one that may stay unset. */
  readonly default?: unknown;
  /** The construct's own checks, restated for Terraform. */
  readonly validation?: readonly ValidationRule[];
}

export interface OutputSpec {
  readonly name: string;
  readonly description: string;
  readonly value: unknown;
}

/** A construct exported as a plain Terraform module for teams that do not use cdktf. */
export interface ModuleDefinition {
  /** Folder name under dist/terraform-modules/. */
  readonly name: string;
  readonly title: string;
  /** What the module creates and guarantees (README). */
  readonly summary: string;
  /** Choices fixed in the module, and what its user must do elsewhere (README). */
  readonly notes: readonly string[];
  readonly variables: readonly VariableSpec[];
  /** Builds the construct from the inputs; returns the outputs. */
  build(scope: Construct, inputs: ModuleInputs): OutputSpec[];
  /** Arguments of the example root module's `module` block, as HCL expressions. */
  readonly example: Readonly<Record<string, string>>;
  /**
   * `run` blocks of the module's `terraform test` suite (`tests/module.tftest.hcl`), with the
   * example's arguments as its variables: the secure defaults, each documented option, and
   * `expect_failures` for the variables' validation rules. Plans only. Kept in
   * `definitions/<module>.tftest.hcl` (`moduleTests`), real HCL an editor and `terraform fmt` read.
   */
  readonly tests: string;
}

/**
 * The module's inputs as Terraform variables, and where its resources live (the account, region
 * and partition of the caller's provider, from data sources).
 */
export class ModuleInputs {
  private readonly variables = new Map<string, TerraformVariable>();
  private readonly scope: Construct;
  private env?: AwsEnvironment;

  constructor(scope: Construct, specs: readonly VariableSpec[]) {
    for (const spec of specs) {
      const variable = new TerraformVariable(scope, spec.name, {
        type: spec.type,
        description: spec.description,
        default: spec.default === null ? undefined : spec.default,
        nullable: spec.default === null ? true : undefined,
        validation: (spec.validation ?? []).map((rule) => ({
          condition: `\${${rule.condition}}`,
          errorMessage: rule.message,
        })),
      });
      // cdktf drops a null default; a nullable input with no default would be required.
      if (spec.default === null) variable.addOverride("default", null);
      this.variables.set(spec.name, variable);
    }
    this.scope = scope;
  }

  /** Made on first use, so a module that needs none of them has no data sources. */
  get environment(): AwsEnvironment {
    if (this.env === undefined) {
      const identity = new DataAwsCallerIdentity(this.scope, "current");
      const region = new DataAwsRegion(this.scope, "current-region");
      const partition = new DataAwsPartition(this.scope, "current-partition");
      this.env = {
        accountId: identity.accountId,
        region: region.region,
        partition: partition.partition,
        dnsSuffix: partition.dnsSuffix,
      };
    }
    return this.env;
  }

  private variable(name: string): TerraformVariable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`the module declares no variable "${name}"`);
    return variable;
  }

  string(name: string): string {
    return this.variable(name).stringValue;
  }

  number(name: string): number {
    return this.variable(name).numberValue;
  }

  list(name: string): string[] {
    return this.variable(name).listValue;
  }

  bool(name: string): unknown {
    return this.variable(name).booleanValue;
  }

  /** A `map(string)` input, as a Terraform expression. */
  map(name: string): unknown {
    return this.variable(name).value;
  }

  /** `var.<name> != null`: whether an optional input is set. */
  isSet(name: string): unknown {
    return Op.neq(this.variable(name).value, Token.nullValue());
  }
}

/**
 * The `run` blocks of a module's test suite, from `definitions/<module>.tftest.hcl` beside its
 * definition (its leading comment left out). Read from the source tree, also when running from
 * `dist/` (tsc does not copy `.hcl` files).
 */
export function moduleTests(module: string): string {
  const file = `${module}.tftest.hcl`;
  const beside = join(__dirname, "definitions", file);
  const path = existsSync(beside)
    ? beside
    : join(__dirname, "..", "..", "..", "modules", "terraform-export", "definitions", file);
  const lines = readFileSync(path, "utf8").split("\n");
  const firstCode = lines.findIndex((line) => !line.startsWith("#"));
  return `\n${lines.slice(firstCode).join("\n")}`;
}
