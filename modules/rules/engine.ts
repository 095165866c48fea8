import { actionsIn } from "./iam/actions-exist";
import { ActionCatalogue } from "./catalogue";
import { RULE_PACK } from "./pack";
import type { Finding, ResourceView, Rule, RuleContext, StackJson, Suppression } from "./types";

function resourcesOf(json: StackJson): ResourceView[] {
  const views: ResourceView[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      const meta = (
        config as { "//"?: { metadata?: { path?: string }; suppressions?: Suppression[] } }
      )["//"];
      views.push({
        type,
        name,
        address: `${type}.${name}`,
        config,
        path: meta?.metadata?.path,
        suppressions: meta?.suppressions ?? [],
      });
    }
  }
  return views;
}

/** What a scan needs besides the stacks: the IAM catalogue, loaded for the actions they name. */
export async function loadCatalogue(stacks: Record<string, StackJson>): Promise<ActionCatalogue> {
  const catalogue = new ActionCatalogue();
  await catalogue.load(Object.values(stacks).flatMap((json) => actionsIn(resourcesOf(json))));
  return catalogue;
}

/** Runs the rules over one stack. Findings covered by a suppression carry its reason. */
export function scanStack(
  stackId: string,
  json: StackJson,
  catalogue: ActionCatalogue,
  rules: readonly Rule[] = RULE_PACK,
): { findings: Finding[]; resourceCount: number } {
  const resources = resourcesOf(json);
  const byType = new Map<string, ResourceView[]>();
  for (const r of resources) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  }
  const ctx: RuleContext = {
    stackId,
    json,
    resources,
    byType: (type) => byType.get(type) ?? [],
    actionExists: (action) => catalogue.exists(action),
  };
  const stackSuppressions = json["//"]?.suppressions ?? [];
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.kind === "stack") {
      const suppression = stackSuppressions.find((s) => s.id === rule.id);
      for (const message of rule.check(ctx)) {
        findings.push({
          ruleId: rule.id,
          level: rule.level,
          stackId,
          address: "stack",
          message,
          suppressedBecause: suppression?.reason,
        });
      }
      continue;
    }
    for (const type of rule.resourceTypes) {
      for (const resource of ctx.byType(type)) {
        const message = rule.check(resource, ctx);
        if (message === undefined) continue;
        const suppression = resource.suppressions.find((s) => s.id === rule.id);
        findings.push({
          ruleId: rule.id,
          level: rule.level,
          stackId,
          address: resource.address,
          path: resource.path,
          message,
          suppressedBecause: suppression?.reason,
        });
      }
    }
  }
  return { findings, resourceCount: resources.length };
}

export interface StackReport {
  readonly stackId: string;
  readonly resourceCount: number;
  readonly findings: Finding[];
}

export interface ScanReport {
  readonly stacks: StackReport[];
  /** Unsuppressed errors: any fails synthesis. */
  readonly errors: Finding[];
}

/** Scans every stack. */
export async function scanStacks(stacks: Record<string, StackJson>): Promise<ScanReport> {
  const catalogue = await loadCatalogue(stacks);
  const reports = Object.entries(stacks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stackId, json]) => ({ stackId, ...scanStack(stackId, json, catalogue) }));
  return {
    stacks: reports,
    errors: reports.flatMap((r) =>
      r.findings.filter((f) => f.level === "error" && f.suppressedBecause === undefined),
    ),
  };
}

export interface ReportOptions {
  /**
   * `list` shows each suppression with its reason (`npm run scan`); `count` only counts them per
   * stack, for the synthesis the team runs every day, and says where the reasons are.
   * @default "list"
   */
  readonly suppressions?: "list" | "count";
}

/** The report people read: a line per stack, then each finding and each suppression. */
export function formatReport(report: ScanReport, options: ReportOptions = {}): string {
  const lines: string[] = [];
  let suppressedTotal = 0;
  for (const s of report.stacks) {
    const open = s.findings.filter((f) => f.suppressedBecause === undefined);
    const count = (level: string) => open.filter((f) => f.level === level).length;
    const suppressed = s.findings.length - open.length;
    suppressedTotal += suppressed;
    lines.push(
      `${s.stackId}: ${s.resourceCount} resources, ${count("error")} errors, ${count("warning")} warnings, ${suppressed} suppressed`,
    );
    for (const f of open) {
      lines.push(
        `  ${f.level.toUpperCase()} ${f.ruleId} ${f.address}${f.path ? ` (${f.path})` : ""}: ${f.message}`,
      );
    }
    if (options.suppressions === "count") continue;
    for (const f of s.findings.filter((x) => x.suppressedBecause !== undefined)) {
      lines.push(`  SUPPRESSED ${f.ruleId} ${f.address}: ${f.suppressedBecause}`);
    }
  }
  if (options.suppressions === "count" && suppressedTotal > 0)
    lines.push(
      `${suppressedTotal} suppressed findings, each with its reason: npm run scan (or the rule pack's SARIF)`,
    );
  return lines.join("\n");
}
