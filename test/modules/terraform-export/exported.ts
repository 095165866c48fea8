/**
 * Every Terraform module the constructs export, rendered and parsed once per test file that asks
 * (`exportAll` in a `beforeAll`), for the export's tests.
 */
import { parse as parseHcl } from "@cdktf/hcl2json";
import { TERRAFORM_MODULES } from "../../../modules/terraform-export";
import type { ModuleDefinition } from "../../../modules/terraform-export/module-definition";
import { renderModule, type RenderedModule } from "../../../modules/terraform-export/render-module";

export type Hcl = Record<string, any>;

export interface Exported {
  definition: ModuleDefinition;
  rendered: RenderedModule;
  /** File → HashiCorp's parse of it (blocks as lists, expressions as "${...}"). */
  parsed: Record<string, Hcl>;
}

/** The modules' names, for `describe.each`. */
export const NAMES = TERRAFORM_MODULES.map((m) => m.name);

/** Renders and parses every module into `into` (module name → its export). */
export async function exportAll(into: Record<string, Exported>): Promise<void> {
  for (const definition of TERRAFORM_MODULES) {
    const rendered = await renderModule(definition);
    const parsed: Record<string, Hcl> = {};
    for (const [path, text] of Object.entries(rendered.files)) {
      if (path.endsWith(".tf") || path.endsWith(".tftest.hcl")) {
        parsed[path] = await parseHcl(path, text);
      }
    }
    into[definition.name] = { definition, rendered, parsed };
  }
}
