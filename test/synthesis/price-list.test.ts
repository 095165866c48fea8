/** Reading AWS's price list files into the price table, and rewriting the table's file. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  offerUrl,
  pricesFromOffer,
  rewritePricesSource,
  type OfferFile,
} from "../../synthesis/price-list";
import { PRICE_REGIONS } from "../../synthesis/prices";
import { REPO_ROOT } from "../helpers";

const onDemand = (usd: string) => ({
  T1: { priceDimensions: { D1: { unit: "Hrs", pricePerUnit: { USD: usd } } } },
});

const vpc: OfferFile = {
  products: {
    A: { attributes: { usagetype: "EU-VpcEndpoint-Hours" } },
    B: { attributes: { usagetype: "EU-NatGateway-Hours" } },
    C: { attributes: { usagetype: "EU-VpcEndpoint-Bytes" } },
  },
  terms: {
    OnDemand: { A: onDemand("0.0110000000"), B: onDemand("0.0480000000"), C: onDemand("0.01") },
  },
};

const ec2: OfferFile = {
  products: {
    L: {
      attributes: {
        instanceType: "t3.large",
        operatingSystem: "Linux",
        tenancy: "Shared",
        preInstalledSw: "NA",
        capacitystatus: "Used",
        licenseModel: "No License required",
      },
    },
    W: {
      attributes: {
        instanceType: "t3.large",
        operatingSystem: "Windows",
        tenancy: "Shared",
        preInstalledSw: "NA",
        capacitystatus: "Used",
        licenseModel: "No License required",
      },
    },
    X: {
      attributes: {
        instanceType: "p5.48xlarge",
        operatingSystem: "Linux",
        tenancy: "Shared",
        preInstalledSw: "NA",
        capacitystatus: "Used",
        licenseModel: "No License required",
      },
    },
    G: { attributes: { productFamily: "Storage", volumeApiName: "gp3" } },
  },
  terms: {
    OnDemand: {
      L: onDemand("0.0912"),
      W: onDemand("0.12"),
      X: onDemand("98.32"),
      G: onDemand("0.088"),
    },
  },
};

describe("the price list reader", () => {
  test("takes the endpoint-hour and NAT-hour products, not the per-GB ones", () => {
    expect(pricesFromOffer("AmazonVPC", vpc, {})).toEqual({
      interfaceEndpointZoneHour: 0.011,
      natGatewayHour: 0.048,
    });
  });

  test("Linux shared on-demand of the sizes the table has; gp3 storage; nothing else", () => {
    expect(pricesFromOffer("AmazonEC2", ec2, { ec2Hour: ["t3.large", "t3.medium"] })).toEqual({
      ec2Hour: { "t3.large": 0.0912 },
      ebsGp3GbMonth: 0.088,
    });
  });

  test("the offer file's address", () => {
    expect(offerUrl("AmazonVPC", "eu-west-1")).toBe(
      "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/eu-west-1/index.json",
    );
  });

  test("rewrites prices.ts's date and table, and the result still holds both blocks", () => {
    const source = readFileSync(join(REPO_ROOT, "synthesis", "prices.ts"), "utf8");
    const regions = { "eu-west-1": { ...PRICE_REGIONS["eu-west-1"], natGatewayHour: 0.05 } };
    const rewritten = rewritePricesSource(source, regions, "2027-01-31");
    expect(rewritten).toContain('export const PRICES_AS_OF = "2027-01-31";');
    expect(rewritten).toContain('"natGatewayHour": 0.05');
    expect(rewritten).not.toContain('"us-east-1": {');
    expect(rewritePricesSource(rewritten, PRICE_REGIONS, "2027-02-01")).toContain("2027-02-01");
    expect(() => rewritePricesSource("export const X = 1;", regions, "2027-01-31")).toThrow(
      /no PRICES_AS_OF or PRICE_REGIONS block/,
    );
  });
});
