import type { AccessCell, AccessTable } from "./evaluate";
import type { InvariantResult } from "./invariants";

/**
 * The access table for people: per account, each principal of that account (and the external
 * principals of it) with what it may do, where from, and the statements that decide it; as text
 * for the terminal and as Markdown for a pull request comment.
 */

function where(cell: AccessCell): string {
  const via = cell.via
    ? `; after assuming ${cell.via.map((v) => v.split("/").pop()).join(" > ")}`
    : "";
  return `${cell.contexts.join(", ")}${via}`;
}

/** The platform's accounts, then the other accounts its policies name, each with its line. */
function accountsOf(table: AccessTable): { account: string; title: string; internet?: string }[] {
  const platform = table.accounts.map((a) => ({
    account: a.account,
    title: `Account ${a.account} (${a.stacks.join(", ")})`,
    internet: a.internet,
  }));
  const known = new Set(platform.map((a) => a.account));
  const others = [...new Set(table.principals.map((p) => p.account))]
    .filter((a) => !known.has(a))
    .sort()
    .map((account) => ({ account, title: `Account ${account} (outside the platform)` }));
  return [...platform, ...others];
}

function byPrincipal(table: AccessTable): Map<string, AccessCell[]> {
  const map = new Map<string, AccessCell[]>();
  for (const cell of table.cells)
    map.set(cell.principal, [...(map.get(cell.principal) ?? []), cell]);
  return map;
}

export function formatAccessText(table: AccessTable): string {
  const cells = byPrincipal(table);
  const lines: string[] = [];
  for (const account of accountsOf(table)) {
    lines.push(account.title);
    if (account.internet !== undefined) lines.push(`  internet from its VPCs: ${account.internet}`);
    for (const principal of table.principals.filter((p) => p.account === account.account)) {
      const own = cells.get(principal.arn) ?? [];
      const kind = principal.kind === "external" ? ", outside the platform" : "";
      lines.push(
        `  ${principal.label}${kind}: ${own.length === 0 ? "nothing the review asks about" : ""}`,
      );
      for (const m of principal.managed ?? [])
        lines.push(`    (has AWS managed policy ${m}: not read)`);
      for (const cell of own) {
        lines.push(`    may ${cell.capability} [${where(cell)}]`);
        lines.push(`      decided by ${cell.decidedBy.join(", ")}`);
      }
    }
  }
  return lines.join("\n");
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function formatAccessMarkdown(table: AccessTable): string {
  const cells = byPrincipal(table);
  const out: string[] = ["### Who can do what", ""];
  for (const account of table.accounts) {
    out.push(
      `**Account ${account.account}** (${account.stacks.join(", ")}); internet from its VPCs: ${account.internet}`,
      "",
    );
    out.push("| principal | may | where | decided by |", "| --- | --- | --- | --- |");
    for (const principal of table.principals.filter((p) => p.account === account.account)) {
      for (const cell of cells.get(principal.arn) ?? []) {
        out.push(
          `| ${code(principal.label)} | ${code(cell.capability)} | ${where(cell)} | ${cell.decidedBy.map(code).join("<br>")} |`,
        );
      }
    }
    out.push("");
  }
  return out.join("\n").trim();
}

export function formatInvariants(results: readonly InvariantResult[]): string {
  return results
    .map((r) =>
      r.violations.length === 0
        ? `ok      ${r.id}: ${r.promise}`
        : [`BROKEN  ${r.id}: ${r.promise}`, ...r.violations.map((v) => `          ${v}`)].join(
            "\n",
          ),
    )
    .join("\n");
}
