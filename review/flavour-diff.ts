import type { StackJson } from "../modules/core/terraform-json";

/**
 * What may differ between the cdktf and the CDK Terrain flavour's output for one config: the
 * framework's own version in the metadata comment, and the AWS provider's source and version
 * pin (each framework's provider bindings name theirs). Everything else, every address and
 * argument, must be the same, so a team can move between flavours without a state change.
 */
function withoutFrameworkMarks(stack: StackJson): unknown {
  type Json = { [key: string]: Json | undefined };
  const copy = structuredClone(stack) as Json;
  delete copy["//"]?.metadata?.version;
  const aws = copy.terraform?.required_providers?.aws;
  if (aws !== undefined) {
    delete aws.source;
    delete aws.version;
  }
  return copy;
}

/** The JSON paths where two values differ (at most `limit`). */
function differingPaths(a: unknown, b: unknown, path: string, into: string[], limit: number): void {
  if (into.length >= limit) return;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    if (a !== b) into.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    into.push(`${path}: a list on one side only`);
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const next = `${path}.${key}`;
    if (!(key in a)) into.push(`${next}: only in the second`);
    else if (!(key in b)) into.push(`${next}: only in the first`);
    else {
      const left = (a as Record<string, unknown>)[key];
      differingPaths(left, (b as Record<string, unknown>)[key], next, into, limit);
    }
    if (into.length >= limit) return;
  }
}

/** Each difference between two outputs beyond the framework's marks, as `<stack><path>: ...`. */
export function flavourDifferences(
  first: Record<string, StackJson>,
  second: Record<string, StackJson>,
  limit = 50,
): string[] {
  const differences: string[] = [];
  for (const id of [...new Set([...Object.keys(first), ...Object.keys(second)])].sort()) {
    if (!(id in first) || !(id in second)) {
      differences.push(`${id}: stack only in the ${id in first ? "first" : "second"} output`);
      continue;
    }
    differingPaths(
      withoutFrameworkMarks(first[id]),
      withoutFrameworkMarks(second[id]),
      id,
      differences,
      limit,
    );
  }
  return differences.slice(0, limit);
}
