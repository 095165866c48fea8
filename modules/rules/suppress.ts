import type { IConstruct } from "constructs";
import { TerraformResource, TerraformStack } from "../core/cdktf";
import { RULE_IDS } from "./pack";
import type { RuleId } from "./types";

export const MIN_REASON_LENGTH = 10;

/**
 * Suppresses one rule on one construct (every resource under it) or on a stack, with a written
 * reason. The suppression is recorded in the synthesized JSON's metadata (`"//".suppressions`),
 * so reviewers see it and `npm run scan` honours it; the report lists it.
 */
export function suppressRule(scope: IConstruct, ruleId: RuleId, reason: string): void {
  if (!RULE_IDS.has(ruleId)) {
    throw new Error(
      `${scope.node.path}: cannot suppress unknown rule "${ruleId}"; rules: ${[...RULE_IDS].join(", ")}`,
    );
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `${scope.node.path}: the reason for suppressing ${ruleId} must say why in at least ${MIN_REASON_LENGTH} characters (got "${reason}")`,
    );
  }
  const entry = { id: ruleId, reason: reason.trim() };
  if (TerraformStack.isStack(scope)) {
    record(scope, "//.suppressions", entry);
    return;
  }
  const resources = scope.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
  if (resources.length === 0)
    throw new Error(`${scope.node.path}: has no resources to suppress ${ruleId} on`);
  for (const r of resources) record(r, "//.suppressions", entry);
}

const recorded = new WeakMap<object, { id: string; reason: string }[]>();

function record(
  target: TerraformStack | TerraformResource,
  path: string,
  entry: { id: string; reason: string },
): void {
  const list = recorded.get(target) ?? [];
  list.push(entry);
  recorded.set(target, list);
  target.addOverride(path, [...list]);
}
