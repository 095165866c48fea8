import {
  estimate,
  money,
  round,
  type CostEstimate,
  type PricedResource,
} from "../synthesis/cost-estimate";
import { PRICES } from "../synthesis/prices";

/**
 * The cost difference a plan makes: the estimate (synthesis/cost-estimate.ts) of every managed
 * resource before the plan and after it, from `terraform show -json` (no-op resources count on
 * both sides), and the lines that differ. It goes into the plan report the pull request comment
 * shows.
 */

interface ProviderConfig {
  readonly expressions?: { readonly region?: { readonly constant_value?: string } };
}

export interface CostPlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: Record<string, any> | null;
      readonly after?: Record<string, any> | null;
      readonly after_unknown?: Record<string, any>;
    };
  }[];
  readonly configuration?: {
    readonly provider_config?: Readonly<Record<string, ProviderConfig>>;
    readonly root_module?: {
      readonly resources?: readonly {
        address: string;
        provider_config_key?: string;
        expressions?: Record<string, any>;
      }[];
    };
  };
}

export interface PlanCost {
  readonly before: CostEstimate;
  readonly after: CostEstimate;
  /** after − before, USD per month. */
  readonly difference: number;
  /** The items whose monthly cost changes: "+2 interface endpoint ssm (mlflow-server): +$16.06". */
  readonly changes: string[];
}

function regionOf(config: ProviderConfig | undefined): string | undefined {
  return config?.expressions?.region?.constant_value;
}

/** Lengths of lists whose elements are unknown (`after_unknown` holds `[true, true]`). */
function unknownLengths(unknown: Record<string, any> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(unknown ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? [[k, v.length]] : [])),
  );
}

/** The cost of a plan's resources before and after it, and what differs. */
export function planCost(plan: CostPlanJson): PlanCost {
  const providers = plan.configuration?.provider_config ?? {};
  const home = regionOf(providers.aws) ?? PRICES.fallbackRegion;
  const keyOf = new Map(
    (plan.configuration?.root_module?.resources ?? []).map((r) => [
      r.address,
      r.provider_config_key,
    ]),
  );
  const before: PricedResource[] = [];
  const after: PricedResource[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const key = keyOf.get(rc.address);
    const region = key !== undefined && key !== "aws" ? regionOf(providers[key]) : undefined;
    const base = { type: rc.type, address: rc.address, region };
    if (rc.change.before) before.push({ ...base, values: rc.change.before });
    if (rc.change.after || rc.change.actions.includes("create")) {
      after.push({
        ...base,
        values: rc.change.after ?? {},
        unknownLengths: unknownLengths(rc.change.after_unknown),
      });
    }
  }
  const b = estimate(home, before);
  const a = estimate(home, after);
  return {
    before: b,
    after: a,
    difference: round(a.monthly - b.monthly),
    changes: changedLines(b, a),
  };
}

const signed = (n: number) => `${n < 0 ? "-" : "+"}${money(Math.abs(n))}`;

function changedLines(before: CostEstimate, after: CostEstimate): string[] {
  const key = (l: CostEstimate["lines"][number]) => `${l.item} (${l.unit})`;
  const was = new Map(before.lines.map((l) => [key(l), l]));
  const now = new Map(after.lines.map((l) => [key(l), l]));
  const changes: string[] = [];
  for (const k of new Set([...was.keys(), ...now.keys()])) {
    const w = was.get(k);
    const n = now.get(k);
    const quantity = (n?.quantity ?? 0) - (w?.quantity ?? 0);
    const monthly = (n?.monthly ?? 0) - (w?.monthly ?? 0);
    if (quantity === 0 && Math.abs(monthly) < 0.005) continue;
    const line = (n ?? w)!;
    const amount = line.unitMonthly === undefined ? "not in the price table" : signed(monthly);
    changes.push(`${quantity >= 0 ? "+" : ""}${quantity} ${line.unit} ${line.item}: ${amount}`);
  }
  return changes.sort();
}

/** The plan report's cost lines: the difference with the price date, then each changed item. */
export function formatPlanCost(cost: PlanCost): string {
  if (cost.changes.length === 0) {
    return `cost before use: unchanged at ${money(cost.after.monthly)} per month (list prices of ${PRICES.asOf})`;
  }
  return [
    `cost before use: ${signed(cost.difference)} per month, ${money(cost.before.monthly)} -> ${money(cost.after.monthly)} (list prices of ${PRICES.asOf}, ${cost.after.region})`,
    ...cost.changes.map((c) => `  ${c}`),
  ].join("\n");
}
