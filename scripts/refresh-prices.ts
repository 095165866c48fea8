/**
 * Re-reads the cost estimate's prices from AWS's public price list files and rewrites the table
 * in synthesis/prices.ts with today's date (`npm run refresh-prices`). Only the regions and sizes
 * the table already has are refreshed. Needs the network (pricing.us-east-1.amazonaws.com; the
 * EC2 and RDS offer files are hundreds of MB per region); without it, it says what failed and
 * changes nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  offerUrl,
  PRICE_OFFERS,
  pricesFromOffer,
  rewritePricesSource,
  type OfferFile,
} from "../synthesis/price-list";
import { PRICE_REGIONS, type RegionPrices } from "../synthesis/prices";

const PRICES_FILE = join(__dirname, "..", "..", "synthesis", "prices.ts");

async function fetchOffer(offer: string, region: string): Promise<OfferFile> {
  const url = offerUrl(offer, region);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`GET ${url}: ${cause}`);
  }
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as OfferFile;
}

async function refreshedRegion(region: string, current: RegionPrices): Promise<RegionPrices> {
  let next: Record<string, any> = { ...current };
  const sizes = {
    ec2Hour: Object.keys(current.ec2Hour),
    rdsPostgresHour: Object.keys(current.rdsPostgresHour),
    mlflowTrackingServerHour: Object.keys(current.mlflowTrackingServerHour),
  };
  for (const offer of PRICE_OFFERS) {
    const found = pricesFromOffer(offer, await fetchOffer(offer, region), sizes);
    for (const [field, value] of Object.entries(found)) {
      next = {
        ...next,
        [field]: typeof value === "object" ? { ...next[field], ...value } : value,
      };
    }
  }
  return next as RegionPrices;
}

async function main(): Promise<number> {
  const regions: Record<string, RegionPrices> = {};
  try {
    for (const [region, prices] of Object.entries(PRICE_REGIONS)) {
      regions[region] = await refreshedRegion(region, prices);
    }
  } catch (error) {
    process.stderr.write(
      `refresh-prices: ${(error as Error).message}; synthesis/prices.ts is unchanged\n`,
    );
    return 1;
  }
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(
    PRICES_FILE,
    rewritePricesSource(readFileSync(PRICES_FILE, "utf8"), regions, today),
  );
  process.stdout.write(
    `refresh-prices: ${Object.keys(regions).join(", ")} as of ${today}; run npm run format, then review the diff\n`,
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`refresh-prices: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
