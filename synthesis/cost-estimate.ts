import { listOf, referenceOf, resourcesOf, type StackJson } from "../modules/core/terraform-json";
import { PRICES, type RegionPrices } from "./prices";

/**
 * What an account costs before anyone uses it: the monthly charges of the fixed-price resources
 * a stack creates (interface endpoints by zone, NAT gateways and their addresses, instances and
 * their volumes, databases, managed MLflow, keys, secrets, hosted zones), from the price table
 * (`prices.ts`), and the usage-based charges that apply, listed with their price. Read from
 * synthesized Terraform JSON (`fromStack`) or from a plan's before and after (`fromPlan`), so a
 * pull request shows the difference a change makes.
 */

/** A resource as the estimate sees it: its type, address and (known) attribute values. */
export interface PricedResource {
  readonly type: string;
  readonly address: string;
  readonly values: Record<string, any>;
  /** Known lengths of lists whose values are not known yet (a plan's `after_unknown`). */
  readonly unknownLengths?: Record<string, number>;
  /** The region it is in, when not the stack's (a provider alias). */
  readonly region?: string;
  /** An instance's launch template's values (its type and volumes, when the instance has none). */
  readonly launchTemplate?: Record<string, any>;
}

export interface CostLine {
  /** What is charged, with what it is for: "interface endpoint sagemaker.api (studio, jobs)". */
  readonly item: string;
  readonly quantity: number;
  /** "endpoint-zone", "gateway", "instance", ... */
  readonly unit: string;
  /** Per unit and month, USD; undefined when the table has no price for it. */
  readonly unitMonthly?: number;
  readonly monthly?: number;
  /** A region not in the table was priced as the fallback region. */
  readonly fallback?: boolean;
}

export interface CostEstimate {
  readonly region: string;
  readonly lines: CostLine[];
  /** Sum of the priced lines, USD per month. */
  readonly monthly: number;
  /** Items the table has no price for: listed, not guessed. */
  readonly unpriced: string[];
  /** Usage-based charges that apply to what the stack creates. */
  readonly usage: { what: string; price: string }[];
}

/** To the cent. */
export const round = (n: number) => Math.round(n * 100) / 100;

function pricesFor(region: string): { prices: RegionPrices; fallback: boolean } {
  const known = PRICES.regions[region];
  return known === undefined
    ? { prices: PRICES.regions[PRICES.fallbackRegion], fallback: true }
    : { prices: known, fallback: false };
}

/** How many items a list attribute has, known values or not. */
function lengthOf(resource: PricedResource, attribute: string): number {
  const value = resource.values[attribute];
  if (Array.isArray(value)) return value.length;
  return resource.unknownLengths?.[attribute] ?? 0;
}

/** `com.amazonaws.eu-west-1.sagemaker.api` → `sagemaker.api`. */
function endpointService(serviceName: string): string {
  const parts = String(serviceName).split(".");
  const region = parts.findIndex((p) => /\d$/.test(p));
  return region < 0 ? String(serviceName) : parts.slice(region + 1).join(".");
}

type Pricer = (
  r: PricedResource,
  p: RegionPrices,
) => { item: string; quantity: number; unit: string; unitMonthly?: number }[];

const HOURS = PRICES.hoursPerMonth;

/** The fixed-price resource types and how each is priced. */
const PRICERS: Record<string, Pricer> = {
  aws_vpc_endpoint: (r, p) => {
    if (r.values.vpc_endpoint_type !== "Interface") return [];
    const neededBy = String(r.values.tags?.["needed-by"] ?? "")
      .split(" ")
      .filter(Boolean);
    const service = endpointService(r.values.service_name);
    return [
      {
        item: `interface endpoint ${service}${neededBy.length > 0 ? ` (${neededBy.join(", ")})` : ""}`,
        quantity: lengthOf(r, "subnet_ids"),
        unit: "endpoint-zone",
        unitMonthly: p.interfaceEndpointZoneHour * HOURS,
      },
    ];
  },
  aws_nat_gateway: (_r, p) => [
    { item: "NAT gateway", quantity: 1, unit: "gateway", unitMonthly: p.natGatewayHour * HOURS },
  ],
  aws_eip: (_r, p) => [
    {
      item: "public IPv4 address (NAT)",
      quantity: 1,
      unit: "address",
      unitMonthly: p.publicIpv4Hour * HOURS,
    },
  ],
  aws_instance: (r, p) => {
    const template = r.launchTemplate ?? {};
    const type = String(r.values.instance_type ?? template.instance_type ?? "(type unknown)");
    const hourly = p.ec2Hour[type];
    const templateVolume = listOf(listOf(template.block_device_mappings)[0]?.ebs)[0]?.volume_size;
    const volume = Number(
      listOf(r.values.root_block_device)[0]?.volume_size ?? templateVolume ?? 8,
    );
    return [
      {
        item: `EC2 instance ${type}`,
        quantity: 1,
        unit: "instance",
        unitMonthly: hourly === undefined ? undefined : hourly * HOURS,
      },
      {
        item: `EC2 root volume (gp3, ${volume} GB)`,
        quantity: volume,
        unit: "GB",
        unitMonthly: p.ebsGp3GbMonth,
      },
    ];
  },
  aws_db_instance: (r, p) => {
    const cls = String(r.values.instance_class);
    const copies = r.values.multi_az === true ? 2 : 1;
    const hourly = p.rdsPostgresHour[cls];
    const storage = Number(r.values.allocated_storage ?? 0);
    const az = copies === 2 ? "Multi-AZ" : "Single-AZ";
    return [
      {
        item: `RDS PostgreSQL ${cls} (${az})`,
        quantity: copies,
        unit: "instance",
        unitMonthly: hourly === undefined ? undefined : hourly * HOURS,
      },
      {
        item: `RDS storage (gp3, ${storage} GB, ${az})`,
        quantity: storage * copies,
        unit: "GB",
        unitMonthly: p.rdsGp3GbMonth,
      },
    ];
  },
  aws_sagemaker_mlflow_tracking_server: (r, p) => {
    const size = String(r.values.tracking_server_size ?? "Small");
    const hourly = p.mlflowTrackingServerHour[size];
    return [
      {
        item: `SageMaker managed MLflow tracking server (${size})`,
        quantity: 1,
        unit: "server",
        unitMonthly: hourly === undefined ? undefined : hourly * HOURS,
      },
    ];
  },
  aws_kms_key: (_r, p) => [
    { item: "KMS key", quantity: 1, unit: "key", unitMonthly: p.kmsKeyMonth },
  ],
  aws_secretsmanager_secret: (_r, p) => [
    { item: "Secrets Manager secret", quantity: 1, unit: "secret", unitMonthly: p.secretMonth },
  ],
  aws_route53_zone: (_r, p) => [
    { item: "Route 53 hosted zone", quantity: 1, unit: "zone", unitMonthly: p.hostedZoneMonth },
  ],
};

/** The resources of a synthesized stack, with the region of each aliased provider's. */
export function fromStack(stack: StackJson): { region: string; resources: PricedResource[] } {
  const providers = listOf(stack.provider?.aws) as { region?: string; alias?: string }[];
  const region = String(providers.find((p) => p.alias === undefined)?.region ?? "us-east-1");
  const aliasRegion = new Map(providers.map((p) => [`aws.${p.alias}`, p.region]));
  const resources: PricedResource[] = [];
  const templates = resourcesOf(stack, "aws_launch_template");
  for (const type of Object.keys(PRICERS)) {
    for (const [name, values] of Object.entries(resourcesOf(stack, type))) {
      const aliased =
        typeof values.provider === "string" ? aliasRegion.get(values.provider) : undefined;
      const template = referenceOf(listOf(values.launch_template)[0]?.id);
      resources.push({
        type,
        address: `${type}.${name}`,
        values,
        region: aliased,
        launchTemplate: template === undefined ? undefined : templates[template.name],
      });
    }
  }
  return { region, resources };
}

/** Adds up the lines of equal item, unit and price. */
function merge(lines: CostLine[]): CostLine[] {
  const byKey = new Map<string, CostLine>();
  for (const line of lines) {
    const key = `${line.item}\u0000${line.unit}\u0000${line.unitMonthly}\u0000${line.fallback}`;
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen === undefined ? line : { ...seen, quantity: seen.quantity + line.quantity },
    );
  }
  return [...byKey.values()].map((l) => ({
    ...l,
    monthly: l.unitMonthly === undefined ? undefined : round(l.unitMonthly * l.quantity),
  }));
}

/** The estimate of a list of resources in a region (`types`: what else the stack has, for usage). */
export function estimate(
  region: string,
  resources: readonly PricedResource[],
  types: readonly string[] = resources.map((r) => r.type),
): CostEstimate {
  const lines: CostLine[] = [];
  for (const r of resources) {
    const pricer = PRICERS[r.type];
    if (pricer === undefined) continue;
    const { prices, fallback } = pricesFor(r.region ?? region);
    for (const line of pricer(r, prices)) {
      if (line.quantity > 0) lines.push({ ...line, fallback: fallback || undefined });
    }
  }
  const merged = merge(lines).sort(
    (a, b) => (b.monthly ?? 0) - (a.monthly ?? 0) || a.item.localeCompare(b.item),
  );
  const present = new Set(types);
  return {
    region,
    lines: merged,
    monthly: round(merged.reduce((sum, l) => sum + (l.monthly ?? 0), 0)),
    unpriced: merged.filter((l) => l.monthly === undefined).map((l) => l.item),
    usage: PRICES.usage
      .filter((u) => u.resourceTypes.some((t) => present.has(t)))
      .map(({ what, price }) => ({ what, price })),
  };
}

/** The estimate of a synthesized stack. */
export function estimateStack(stack: StackJson): CostEstimate {
  const { region, resources } = fromStack(stack);
  return estimate(region, resources, Object.keys(stack.resource ?? {}));
}

export const money = (n: number): string =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The estimate as Markdown: a table of the priced lines, the unpriced items, the usage prices. */
export function formatEstimate(stackId: string, e: CostEstimate): string {
  const fallback = e.lines.some((l) => l.fallback)
    ? ` (${e.region} is not in the price table: ${PRICES.fallbackRegion} prices)`
    : "";
  return [
    `### ${stackId}: ${money(e.monthly)} per month before use (${e.region}${fallback})`,
    "",
    ...(e.lines.length === 0
      ? ["No fixed-price resources."]
      : [
          "| item | quantity | per unit and month | per month |",
          "| --- | ---: | ---: | ---: |",
          ...e.lines.map(
            (l) =>
              `| ${l.item} | ${l.quantity} ${l.unit}${l.quantity === 1 || l.unit === "GB" ? "" : "s"} | ${l.unitMonthly === undefined ? "not in the table" : money(l.unitMonthly)} | ${l.monthly === undefined ? "?" : money(l.monthly)} |`,
          ),
        ]),
    "",
    ...(e.unpriced.length > 0
      ? [`Not priced (no price in the table): ${e.unpriced.join("; ")}.`, ""]
      : []),
    ...(e.usage.length > 0
      ? ["By use, not estimated:", "", ...e.usage.map((u) => `- ${u.what}: ${u.price}`), ""]
      : []),
  ].join("\n");
}

/** The estimate of every stack, as the Markdown file synthesis writes (`cost-estimate.md`). */
export function costReport(stacks: Readonly<Record<string, StackJson>>): {
  markdown: string;
  totals: Record<string, number>;
} {
  const totals: Record<string, number> = {};
  const sections: string[] = [];
  for (const [id, stack] of Object.entries(stacks)) {
    const e = estimateStack(stack);
    totals[id] = e.monthly;
    sections.push(formatEstimate(id, e));
  }
  const all = round(Object.values(totals).reduce((a, b) => a + b, 0));
  return {
    markdown: [
      "# What the platform costs before anyone uses it",
      "",
      `USD per month (${PRICES.hoursPerMonth} hours) at AWS's on-demand list prices of ${PRICES.asOf} (${PRICES.basis}). Taxes, discounts, Savings Plans and the free tier are not counted. All stacks: ${money(all)}.`,
      "",
      ...sections,
    ].join("\n"),
    totals,
  };
}

/** The synthesis report's lines: each stack's fixed monthly cost, with the price date. */
export function costSummary(totals: Readonly<Record<string, number>>): string {
  const all = round(Object.values(totals).reduce((a, b) => a + b, 0));
  return [
    `Cost before use, USD per month at list prices of ${PRICES.asOf} (cost-estimate.md has the lines and the usage prices): ${money(all)}`,
    ...Object.entries(totals).map(([id, total]) => `  ${id}: ${money(total)}`),
  ].join("\n");
}
