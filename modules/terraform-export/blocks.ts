import type { IConstruct } from "constructs";
import { TerraformDataSource, TerraformResource } from "../core/cdktf";
import type { BlockPaths } from "./hcl";

interface HclAttribute {
  readonly value?: unknown;
  readonly isBlock?: boolean;
}

function isHclAttribute(v: unknown): v is HclAttribute {
  return typeof v === "object" && v !== null && "isBlock" in v;
}

function collect(attributes: Record<string, unknown>, path: string, into: Set<string>): void {
  for (const [key, attribute] of Object.entries(attributes)) {
    if (!isHclAttribute(attribute)) continue;
    const keyPath = path === "" ? key : `${path}.${key}`;
    if (attribute.isBlock !== true) continue;
    into.add(keyPath);
    const elements = Array.isArray(attribute.value) ? attribute.value : [attribute.value];
    for (const element of elements) {
      if (typeof element === "object" && element !== null) {
        collect(element as Record<string, unknown>, keyPath, into);
      }
    }
  }
}

/**
 * Which attributes of each resource and data source type in `scope` are nested blocks, as the
 * provider bindings (generated from the provider's schema) describe them for HCL output.
 * Keyed `resource.<type>` and `data.<type>`.
 */
export function blockPathsOf(scope: IConstruct): Map<string, BlockPaths> {
  const result = new Map<string, Set<string>>();
  for (const node of scope.node.findAll()) {
    const kind = TerraformResource.isTerraformResource(node)
      ? "resource"
      : TerraformDataSource.isTerraformDataSource(node)
        ? "data"
        : undefined;
    if (kind === undefined) continue;
    const element = node as TerraformResource;
    const fragment = element.toHclTerraform() as Record<
      string,
      Record<string, Record<string, Record<string, unknown>>>
    >;
    const byName = fragment[kind][element.terraformResourceType];
    const key = `${kind}.${element.terraformResourceType}`;
    const paths = result.get(key) ?? new Set<string>();
    for (const attributes of Object.values(byName)) collect(attributes, "", paths);
    result.set(key, paths);
  }
  return result;
}
