import { DATA_BEARING_RESOURCE_TYPES } from "./address-stability";
import type { StackJson } from "../modules/core/terraform-json";

/**
 * What changed between two synthesis outputs, per stack: every addressable part of the stack
 * added, removed or changed — resources (`type.name`), data sources (`data.type.name`), provider
 * configurations with their default tags (`provider.aws`, `provider.aws.<alias>`), the backend
 * and the other `terraform` settings (`terraform.backend`, ...), outputs, variables, locals and
 * `moved` blocks — and data-bearing resources whose address went away, which Terraform would
 * destroy.
 */

export interface StackDiff {
  readonly stack: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  /** Removed data-bearing addresses: data loss unless a `moved` block carries them. */
  readonly dataBearingMoves: string[];
}

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  }
  return value;
}

type Json = Record<string, unknown>;

/** Every addressable part of a stack, keyed as the diff names it, with its JSON. */
function elements(stack: StackJson | undefined): Map<string, string> {
  const map = new Map<string, string>();
  const json = (stack ?? {}) as Json;
  const add = (key: string, value: unknown) => map.set(key, JSON.stringify(withoutMetadata(value)));
  for (const [kind, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Json>)) {
      for (const [name, config] of Object.entries(byName)) add(`${prefix}${type}.${name}`, config);
    }
  }
  for (const [name, configs] of Object.entries((json.provider ?? {}) as Record<string, Json[]>)) {
    for (const config of [configs].flat()) {
      add(`provider.${name}${config.alias ? `.${String(config.alias)}` : ""}`, config);
    }
  }
  for (const block of ["terraform", "output", "variable", "locals"]) {
    for (const [name, value] of Object.entries((json[block] ?? {}) as Json)) {
      add(`${block}.${name}`, value);
    }
  }
  if (json.moved !== undefined) add("moved", json.moved);
  return map;
}

/** Whether a key names a resource (the only parts that hold data). */
function isResource(key: string): boolean {
  return !/^(data|provider|terraform|output|variable|locals)\.|^moved$/.test(key);
}

/** Addresses that `moved` blocks in the new stack carry from an old address. */
function movedFrom(stack: StackJson | undefined): Set<string> {
  const moved = (stack as { moved?: { from: string }[] } | undefined)?.moved ?? [];
  return new Set(moved.map((m) => m.from));
}

export function diffStacks(
  base: Record<string, StackJson>,
  head: Record<string, StackJson>,
): StackDiff[] {
  const ids = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  return ids
    .map((stack) => {
      const before = elements(base[stack]);
      const after = elements(head[stack]);
      const moved = movedFrom(head[stack]);
      const added = [...after.keys()].filter((a) => !before.has(a)).sort();
      const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
      const changed = [...after.keys()]
        .filter((a) => before.has(a) && before.get(a) !== after.get(a))
        .sort();
      const dataBearingMoves = removed.filter(
        (a) =>
          isResource(a) && DATA_BEARING_RESOURCE_TYPES.includes(a.split(".")[0]) && !moved.has(a),
      );
      return { stack, added, removed, changed, dataBearingMoves };
    })
    .filter((d) => d.added.length + d.removed.length + d.changed.length > 0);
}

export function formatDiff(diffs: StackDiff[]): string {
  if (diffs.length === 0) return "No changes.";
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(
      `${d.stack}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
    );
    for (const a of d.added) lines.push(`  + ${a}`);
    for (const a of d.removed) lines.push(`  - ${a}`);
    for (const a of d.changed) lines.push(`  ~ ${a}`);
    for (const a of d.dataBearingMoves) {
      lines.push(
        `  DATA-BEARING ADDRESS CHANGED: ${a} is gone, so Terraform would destroy it. From a code change: keep the construct id, or add a moved block (resource.moveFromId("${a}")). From a config change (an account, bucket or user renamed or removed): keep the old name, or, if the data is to go, declare "<stack>:${a}" in intended-data-loss.txt.`,
      );
    }
  }
  return lines.join("\n");
}
