import { createHash } from "node:crypto";
import { RULE_PACK } from "./pack";
import type { ScanReport } from "./engine";
import type { Finding, Rule } from "./types";

/**
 * The rule pack's findings as SARIF 2.1.0, the format GitHub code scanning reads: one run of the
 * tool `mlops-rule-pack`, a reporting descriptor per rule (its summary, its explanation as help,
 * its level), a result per finding located at the stack's `cdk.tf.json` (the line where the
 * resource starts) and logically at `<stack>/<address>`, with a fingerprint that stays the same
 * from run to run for the same rule, stack and address (so code scanning tracks one alert, not
 * one per push). A suppressed finding is a result with an `inSource` suppression carrying the
 * written reason: code scanning shows it as dismissed, with why.
 */

export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifOptions {
  /** The synthesis folder as the repository names it (`cdktf.out`). */
  readonly outdir: string;
  /** Each stack's `cdk.tf.json` text, for the line a resource starts on. @default none (no regions) */
  readonly stackText?: (stackId: string) => string | undefined;
  /** Where the rule pack's docs are read (`https://github.com/o/r/blob/<sha>/docs/rule-pack.md`). */
  readonly helpUri?: string;
  readonly rules?: readonly Rule[];
}

/** The 1-based line of each resource (`type.name`) in a stack's cdk.tf.json as synthesis writes it. */
export function resourceLines(text: string): Map<string, number> {
  const lines = text.split("\n");
  const found = new Map<string, number>();
  let inResources = false;
  let type: string | undefined;
  lines.forEach((line, i) => {
    if (/^ {2}"/.test(line)) {
      inResources = line.startsWith('  "resource": {');
      return;
    }
    if (!inResources) return;
    const typeMatch = /^ {4}"([^"]+)": \{/.exec(line);
    if (typeMatch) type = typeMatch[1];
    const nameMatch = /^ {6}"([^"]+)": \{/.exec(line);
    if (nameMatch && type !== undefined) found.set(`${type}.${nameMatch[1]}`, i + 1);
  });
  return found;
}

function fingerprint(finding: Finding): string {
  return createHash("sha256")
    .update(`${finding.ruleId}\0${finding.stackId}\0${finding.address}`)
    .digest("hex")
    .slice(0, 32);
}

export function sarifLog(report: ScanReport, options: SarifOptions): object {
  const rules = options.rules ?? RULE_PACK;
  const index = new Map<string, number>(rules.map((rule, i) => [rule.id, i]));
  const lineCache = new Map<string, Map<string, number>>();
  const lineOf = (finding: Finding): number | undefined => {
    if (options.stackText === undefined) return undefined;
    if (!lineCache.has(finding.stackId)) {
      const text = options.stackText(finding.stackId);
      lineCache.set(finding.stackId, text === undefined ? new Map() : resourceLines(text));
    }
    return lineCache.get(finding.stackId)!.get(finding.address);
  };
  const results = report.stacks.flatMap((stack) =>
    stack.findings.map((finding) => {
      const line = lineOf(finding);
      return {
        ruleId: finding.ruleId,
        ...(index.has(finding.ruleId) ? { ruleIndex: index.get(finding.ruleId) } : {}),
        level: finding.level,
        message: {
          text: `${finding.stackId}: ${finding.address}${finding.path ? ` (${finding.path})` : ""}: ${finding.message}`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: `${options.outdir}/stacks/${finding.stackId}/cdk.tf.json` },
              ...(line !== undefined ? { region: { startLine: line } } : {}),
            },
            logicalLocations: [
              {
                name: finding.address,
                fullyQualifiedName: `${finding.stackId}/${finding.address}`,
                kind: finding.address === "stack" ? "module" : "resource",
              },
            ],
          },
        ],
        partialFingerprints: { "mlopsRuleStackAddress/v1": fingerprint(finding) },
        ...(finding.suppressedBecause !== undefined
          ? {
              suppressions: [
                { kind: "inSource", status: "accepted", justification: finding.suppressedBecause },
              ],
            }
          : {}),
      };
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlops-rule-pack",
            informationUri: options.helpUri,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/\W/g, ""),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.explanation },
              help: { text: `${rule.summary}. ${rule.explanation}` },
              ...(options.helpUri !== undefined ? { helpUri: options.helpUri } : {}),
              defaultConfiguration: { level: rule.level },
              properties: { tags: ["security", rule.id.split(".")[0]] },
            })),
          },
        },
        results,
      },
    ],
  };
}
