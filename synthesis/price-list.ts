import type { RegionPrices } from "./prices";

/**
 * Reads AWS's public price list files (the Price List Bulk API's offer files,
 * `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json`)
 * into the price table's fields: which products of which offer give which price. Used by
 * `npm run refresh-prices`; pure, so it is tested on small offer files.
 */

type Attributes = Readonly<Record<string, string | undefined>>;

/** An offer file, as much of it as the table needs. */
export interface OfferFile {
  readonly products: Readonly<Record<string, { readonly attributes?: Attributes }>>;
  readonly terms?: {
    readonly OnDemand?: Readonly<
      Record<
        string,
        Readonly<
          Record<
            string,
            {
              readonly priceDimensions: Readonly<
                Record<string, { readonly unit?: string; readonly pricePerUnit: { USD?: string } }>
              >;
            }
          >
        >
      >
    >;
  };
}

type ScalarField = Exclude<
  keyof RegionPrices,
  "ec2Hour" | "rdsPostgresHour" | "mlflowTrackingServerHour"
>;
type SizedField = "ec2Hour" | "rdsPostgresHour" | "mlflowTrackingServerHour";

/** Which products of an offer set which field: a scalar, or a size's entry of a sized field. */
export interface PriceRule {
  readonly offer: string;
  readonly field: ScalarField | SizedField;
  /** The size key for a sized field, `""` for a scalar field, undefined when it does not apply. */
  readonly match: (a: Attributes) => string | undefined;
}

const usage = (a: Attributes) => a.usagetype ?? "";

export const PRICE_RULES: readonly PriceRule[] = [
  {
    offer: "AmazonVPC",
    field: "interfaceEndpointZoneHour",
    match: (a) => (usage(a).endsWith("VpcEndpoint-Hours") ? "" : undefined),
  },
  {
    offer: "AmazonVPC",
    field: "natGatewayHour",
    match: (a) => (usage(a).endsWith("NatGateway-Hours") ? "" : undefined),
  },
  {
    offer: "AmazonVPC",
    field: "publicIpv4Hour",
    match: (a) => (usage(a).endsWith("PublicIPv4:InUseAddress") ? "" : undefined),
  },
  {
    offer: "AmazonEC2",
    field: "ec2Hour",
    match: (a) =>
      a.operatingSystem === "Linux" &&
      a.tenancy === "Shared" &&
      a.preInstalledSw === "NA" &&
      a.capacitystatus === "Used" &&
      a.licenseModel === "No License required"
        ? a.instanceType
        : undefined,
  },
  {
    offer: "AmazonEC2",
    field: "ebsGp3GbMonth",
    match: (a) => (a.productFamily === "Storage" && a.volumeApiName === "gp3" ? "" : undefined),
  },
  {
    offer: "AmazonRDS",
    field: "rdsPostgresHour",
    match: (a) =>
      a.databaseEngine === "PostgreSQL" &&
      a.deploymentOption === "Single-AZ" &&
      a.productFamily === "Database Instance"
        ? a.instanceType
        : undefined,
  },
  {
    offer: "AmazonRDS",
    field: "rdsGp3GbMonth",
    match: (a) =>
      a.productFamily === "Database Storage" &&
      a.databaseEngine === "PostgreSQL" &&
      a.deploymentOption === "Single-AZ" &&
      a.volumeType === "General Purpose-GP3"
        ? ""
        : undefined,
  },
  {
    offer: "awskms",
    field: "kmsKeyMonth",
    match: (a) => (usage(a).endsWith("KMS-Keys") ? "" : undefined),
  },
  {
    offer: "AWSSecretsManager",
    field: "secretMonth",
    match: (a) => (usage(a).endsWith("AWSSecretsManager-Secrets") ? "" : undefined),
  },
];

/** The offers the rules read. */
export const PRICE_OFFERS = [...new Set(PRICE_RULES.map((r) => r.offer))];

/** The first non-zero on-demand USD price of a product (the first tier of a tiered price). */
function onDemandPrice(offer: OfferFile, sku: string): number | undefined {
  for (const term of Object.values(offer.terms?.OnDemand?.[sku] ?? {})) {
    for (const dimension of Object.values(term.priceDimensions)) {
      const usd = Number(dimension.pricePerUnit.USD);
      if (Number.isFinite(usd) && usd > 0) return usd;
    }
  }
  return undefined;
}

/**
 * The table's fields an offer file gives, for the sizes `sizes` lists per sized field (only those
 * the table already prices: the table does not grow by every instance type AWS sells).
 */
export function pricesFromOffer(
  offerName: string,
  offer: OfferFile,
  sizes: Readonly<Partial<Record<SizedField, readonly string[]>>>,
): Partial<Record<ScalarField, number>> & Partial<Record<SizedField, Record<string, number>>> {
  const found: Record<string, any> = {};
  for (const rule of PRICE_RULES.filter((r) => r.offer === offerName)) {
    for (const [sku, product] of Object.entries(offer.products)) {
      const key = rule.match(product.attributes ?? {});
      if (key === undefined) continue;
      const price = onDemandPrice(offer, sku);
      if (price === undefined) continue;
      if (key === "") {
        found[rule.field] ??= price;
      } else if ((sizes[rule.field as SizedField] ?? []).includes(key)) {
        found[rule.field] = {
          ...(found[rule.field] ?? {}),
          [key]: found[rule.field]?.[key] ?? price,
        };
      }
    }
  }
  return found;
}

/** The offer file's address for a region. */
export function offerUrl(offer: string, region: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${offer}/current/${region}/index.json`;
}

/**
 * synthesis/prices.ts with its date and regional table replaced; an error when the file no longer
 * has the two places to replace (it was edited by hand).
 */
export function rewritePricesSource(
  source: string,
  regions: Readonly<Record<string, RegionPrices>>,
  date: string,
): string {
  const dated = /export const PRICES_AS_OF = "[^"]*";/;
  const table =
    /(export const PRICE_REGIONS: Readonly<Record<string, RegionPrices>> = )[\s\S]*?;\n\/\/ End of PRICE_REGIONS\./;
  if (!dated.test(source) || !table.test(source)) {
    throw new Error("synthesis/prices.ts has no PRICES_AS_OF or PRICE_REGIONS block to rewrite");
  }
  return source
    .replace(dated, `export const PRICES_AS_OF = "${date}";`)
    .replace(
      table,
      (_m, head: string) => `${head}${JSON.stringify(regions, null, 2)};\n// End of PRICE_REGIONS.`,
    );
}
