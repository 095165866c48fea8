import { existsSync, readFileSync } from "node:fs";
import type { StackJson } from "../../modules/core/terraform-json";
import { accessTable, type AccessCell, type AccessTable } from "./evaluate";
import { accessModel } from "./model";

/**
 * What a change grants and revokes: the access tables of the base and the head compared cell by
 * cell. A grant is a principal that may now do something it could not, or from somewhere it
 * could not (a removed condition shows as a new context); a revoke the reverse. Grants fail the
 * plan job unless intended-access.txt declares them, one `<principal ARN> may <capability>` per
 * line, so nobody widens access by accident.
 */

export const INTENDED_ACCESS = "intended-access.txt";
const OUTSIDE_ANY_ENDPOINT = "outside any VPC endpoint";

export interface AccessChange {
  readonly change: "grant" | "revoke";
  readonly principal: string;
  readonly label: string;
  readonly capability: string;
  /** The contexts gained or lost. */
  readonly contexts: readonly string[];
  readonly decidedBy: readonly string[];
  /** `<principal ARN> may <capability>`: what a declaration names. */
  readonly key: string;
}

const keyOf = (cell: { principal: string; capability: string }) =>
  `${cell.principal} may ${cell.capability}`;

export function accessDiff(base: AccessTable, head: AccessTable): AccessChange[] {
  const labels = new Map([...base.principals, ...head.principals].map((p) => [p.arn, p.label]));
  const before = new Map(base.cells.map((c) => [keyOf(c), c]));
  const after = new Map(head.cells.map((c) => [keyOf(c), c]));
  const changes: AccessChange[] = [];
  const add = (change: AccessChange["change"], cell: AccessCell, contexts: string[]) => {
    if (contexts.length === 0) return;
    changes.push({
      change,
      principal: cell.principal,
      label: labels.get(cell.principal) ?? cell.principal,
      capability: cell.capability,
      contexts,
      decidedBy: cell.decidedBy,
      key: keyOf(cell),
    });
  };
  for (const [key, cell] of after) {
    const old = before.get(key);
    add(
      "grant",
      cell,
      cell.contexts.filter((c) => !old?.contexts.includes(c)),
    );
  }
  for (const [key, cell] of before) {
    const now = after.get(key);
    // Allowed from outside any endpoint is allowed from anywhere: an endpoint no longer asked
    // about (its condition removed) is not a revoke.
    if (now?.contexts.includes(OUTSIDE_ANY_ENDPOINT)) continue;
    add(
      "revoke",
      cell,
      cell.contexts.filter((c) => !now?.contexts.includes(c)),
    );
  }
  return changes.sort((a, b) => a.change.localeCompare(b.change) || a.key.localeCompare(b.key));
}

export function formatAccessDiff(changes: readonly AccessChange[]): string {
  if (changes.length === 0) return "Access: no change (no principal gains or loses a capability).";
  return [
    `Access: ${changes.filter((c) => c.change === "grant").length} granted, ${changes.filter((c) => c.change === "revoke").length} revoked`,
    ...changes.map(
      (c) =>
        `${c.change === "grant" ? "+" : "-"} ${c.label} may ${c.capability} [${c.contexts.join(", ")}]${c.change === "grant" ? `: ${c.decidedBy.join(", ")}` : ""}`,
    ),
  ].join("\n");
}

/** Declared widenings, one `<principal ARN> may <capability>` per line (`#` comments). */
export function readIntendedAccess(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.replace(/#.*/, "").trim())
      .filter(Boolean),
  );
}

/** The grants nobody declared, each with the line that would declare it. */
export function undeclaredGrants(
  changes: readonly AccessChange[],
  declared: ReadonlySet<string>,
): string[] {
  return changes
    .filter((c) => c.change === "grant" && !declared.has(c.key))
    .map(
      (c) =>
        `NOT DECLARED: ${c.label} may ${c.capability} [${c.contexts.join(", ")}]; if intended, add the line "${c.key}" to ${INTENDED_ACCESS} in this pull request`,
    );
}

/**
 * The access review of a change between two syntheses: the diff as text, and the grants that
 * `intendedFile` does not declare (each a line that fails the gate).
 */
export async function reviewAccess(
  base: Record<string, StackJson>,
  head: Record<string, StackJson>,
  intendedFile: string,
): Promise<{ readonly text: string; readonly undeclared: readonly string[] }> {
  const changes = accessDiff(
    await accessTable(accessModel(base)),
    await accessTable(accessModel(head)),
  );
  const undeclared = undeclaredGrants(changes, readIntendedAccess(intendedFile));
  return { text: [formatAccessDiff(changes), ...undeclared].join("\n"), undeclared };
}
