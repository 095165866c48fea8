/**
 * The cost estimate: its arithmetic pinned on full.yaml (counts × prices, written out here), the
 * endpoints a feature needs and nothing else, the synthesis report and docs/cost.md showing what
 * synthesis computes, and the difference a plan makes (the PR comment's lines).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planCost, formatPlanCost, type CostPlanJson } from "../../review/plan-cost";
import { costReport, costSummary, estimateStack } from "../../synthesis/cost-estimate";
import { PRICES } from "../../synthesis/prices";
import {
  FIXTURES,
  goodFixture,
  REPO_ROOT,
  resourcesOf,
  synthPlatform,
  synthWith,
} from "../helpers";

const H = 730;
const full = synthPlatform(goodFixture("full.yaml")).json;
const example = synthPlatform().json;

describe("the estimate's arithmetic (full.yaml, eu-central-1)", () => {
  test("staging: 8 hosting endpoints in 3 zones, 3 NAT gateways and their addresses, 3 keys", () => {
    const e = estimateStack(full.staging);
    const endpoint = 0.012 * H; // per endpoint-zone
    const expected = 8 * 3 * endpoint + 3 * 0.052 * H + 3 * 0.005 * H + 3 * 1;
    expect(e.region).toBe("eu-central-1");
    expect(e.monthly).toBeCloseTo(expected, 2);
    expect(e.lines.find((l) => l.item === "NAT gateway")).toMatchObject({
      quantity: 3,
      monthly: 113.88,
    });
    expect(e.lines.find((l) => l.item === "interface endpoint sts (hosting)")).toMatchObject({
      quantity: 3,
      unit: "endpoint-zone",
      monthly: 26.28,
    });
    expect(e.unpriced).toEqual([]);
  });

  test("dev: the MLflow server's t3.large and root volume, Multi-AZ db.t4g.medium with 50 GB twice, its secret, zone, keys", () => {
    const e = estimateStack(full.dev);
    const line = (prefix: string) => e.lines.find((l) => l.item.startsWith(prefix));
    expect(line("EC2 instance t3.large")).toMatchObject({ quantity: 1, monthly: 70.08 }); // 0.096 × 730
    // The launch template's 30 GB root volume: 30 × 0.0952.
    expect(line("EC2 root volume (gp3, 30 GB)")).toMatchObject({ quantity: 30, monthly: 2.86 });
    expect(line("RDS PostgreSQL db.t4g.medium (Multi-AZ)")).toMatchObject({
      quantity: 2,
      monthly: 108.04,
    }); // 2 × 0.074 × 730
    expect(line("RDS storage (gp3, 50 GB, Multi-AZ)")).toMatchObject({
      quantity: 100,
      monthly: 13.7,
    }); // 100 × 0.137
    expect(line("Route 53 hosted zone")).toMatchObject({ quantity: 1, monthly: 0.5 });
    const keys = Object.keys(resourcesOf(full.dev, "aws_kms_key")).length;
    expect(line("KMS key")).toMatchObject({ quantity: keys, monthly: keys });
    const zones = 3;
    const endpoints = Object.values(resourcesOf(full.dev, "aws_vpc_endpoint")).filter(
      (v) => v.vpc_endpoint_type === "Interface",
    ).length;
    const endpointTotal = e.lines
      .filter((l) => l.item.startsWith("interface endpoint"))
      .reduce((s, l) => s + l.monthly!, 0);
    expect(endpointTotal).toBeCloseTo(endpoints * zones * 0.012 * H, 1);
    expect(e.monthly).toBeCloseTo(
      e.lines.reduce((s, l) => s + (l.monthly ?? 0), 0),
      2,
    );
  });

  test("a size the table lacks is listed, not guessed; a region it lacks uses us-east-1's prices and says so", () => {
    const managed = synthPlatform(goodFixture("managed-mlflow.yaml")).json;
    const e = estimateStack(managed.dev);
    expect(e.unpriced).toEqual([
      expect.stringMatching(/^SageMaker managed MLflow tracking server \((Small|Medium|Large)\)$/),
    ]);
    const elsewhere = synthWith((c) => (c.region = "ap-southeast-2"));
    const far = estimateStack(elsewhere.prod);
    expect(far.lines.every((l) => l.fallback === true)).toBe(true);
    expect(
      far.lines.find((l) => l.item.startsWith("interface endpoint sts"))!.unitMonthly,
    ).toBeCloseTo(PRICES.regions["us-east-1"].interfaceEndpointZoneHour * H, 5);
  });
});

describe("endpoints only where a feature needs them", () => {
  const endpoints = (json: Record<string, any>, stack = "dev") =>
    Object.values(resourcesOf(json[stack], "aws_vpc_endpoint"))
      .filter((e) => e.vpc_endpoint_type === "Interface")
      .map((e) => `${e.tags.Name.replace(/^mlops-dev-/, "")} [${e.tags["needed-by"]}]`)
      .sort();
  const base = endpoints(example);

  test("turning projects off removes exactly the Service Catalog endpoint", () => {
    const off = endpoints(synthWith((c) => (c.accounts.dev.sagemaker.projects = false)));
    expect(base.filter((e) => !off.includes(e))).toEqual(["servicecatalog [projects]"]);
    expect(off.filter((e) => !base.includes(e))).toEqual([]);
  });

  test("the MLflow server adds Session Manager's endpoints; the managed one its own; none, neither", () => {
    const ec2 = endpoints(synthWith((c) => (c.accounts.dev.mlflow = { mode: "ec2" })));
    const nameOnly = (list: string[]) => list.map((e) => e.split(" ")[0]);
    expect(nameOnly(ec2).filter((e) => !nameOnly(base).includes(e))).toEqual([
      "ec2messages",
      "ssm",
      "ssmmessages",
    ]);
    expect(ec2).toContain("ssm [mlflow-server]");
    expect(ec2).toContain("secretsmanager [studio mlflow-server]");
    expect(ec2).toContain("logs [jobs mlflow-server]");
    const managed = endpoints(synthWith((c) => (c.accounts.dev.mlflow = { mode: "managed" })));
    expect(nameOnly(managed).filter((e) => !nameOnly(base).includes(e))).toEqual([
      "sagemaker.experiments",
    ]);
    expect(managed).toContain("sagemaker.api [studio jobs managed-mlflow]");
  });

  test("the package path's endpoints go with it", () => {
    const without = endpoints(
      synthWith((c) => (c.accounts.dev.packages = { codeArtifact: false })),
    );
    expect(base.filter((e) => !without.includes(e))).toEqual([
      "codeartifact.api [packages]",
      "codeartifact.repositories [packages]",
    ]);
  });

  test("an endpoint config lists that no feature needs says so in its tag", () => {
    const json = synthWith(
      (c) => (c.accounts.prod.vpc.interfaceEndpoints = ["sts", "servicecatalog"]),
    );
    const tags = Object.values(resourcesOf(json.prod, "aws_vpc_endpoint"))
      .filter((e) => e.vpc_endpoint_type === "Interface")
      .map((e) => [e.tags.Name, e.tags["needed-by"]])
      .sort();
    expect(tags).toEqual([
      ["mlops-prod-servicecatalog", "configured"],
      ["mlops-prod-sts", "hosting"],
    ]);
  });

  test("a shared services VPC's endpoints are not created, and policies name the shared one", () => {
    const shared = synthWith((c) => {
      c.accounts.dev.mlflow = { mode: "managed" };
      c.accounts.dev.vpc.sharedEndpoints = {
        "sagemaker.experiments": "vpce-0123456789abcdef0",
        sts: "vpce-0fedcba9876543210",
      };
    });
    const names = endpoints(shared);
    expect(names.some((e) => e.startsWith("sagemaker.experiments"))).toBe(false);
    expect(names.some((e) => e.startsWith("sts "))).toBe(false);
    expect(JSON.stringify(shared.dev)).toContain("vpce-0123456789abcdef0");
  });
});

describe("where the estimate is shown", () => {
  test("synthesis writes cost-estimate.md and reports each stack's total with the price date", () => {
    const report = costReport(example);
    expect(report.markdown).toContain(`list prices of ${PRICES.asOf}`);
    expect(Object.keys(report.totals).sort()).toEqual(Object.keys(example).sort());
    expect(costSummary(report.totals)).toMatch(
      new RegExp(`^Cost before use, USD per month at list prices of ${PRICES.asOf}`),
    );
  });

  test("docs/cost.md shows the example's estimate as synthesis computes it", () => {
    const page = readFileSync(join(REPO_ROOT, "docs", "cost.md"), "utf8");
    for (const [id, stack] of Object.entries(example)) {
      const e = estimateStack(stack);
      expect([
        id,
        page.includes(`### ${id}: $${e.monthly.toFixed(2)} per month before use`),
      ]).toEqual([id, true]);
    }
  });

  test("a plan's difference: endpoints added and removed, Multi-AZ on, a NAT gateway in another region", () => {
    const plan = JSON.parse(
      readFileSync(join(FIXTURES, "plans", "cost-change.json"), "utf8"),
    ) as CostPlanJson;
    const cost = planCost(plan);
    // ssm +2 × 8.03, servicecatalog −2 × 8.03, RDS 52.56 → 2 × 52.56, storage 2.54 → 5.08, NAT (us-east-1) 32.85.
    expect(cost.difference).toBeCloseTo(16.06 - 16.06 + 105.12 - 52.56 + 5.08 - 2.54 + 32.85, 2);
    expect(formatPlanCost(cost).split("\n")).toEqual([
      `cost before use: +$87.95 per month, $88.22 -> $176.17 (list prices of ${PRICES.asOf}, eu-west-1)`,
      "  +1 gateway NAT gateway: +$32.85",
      "  +2 endpoint-zone interface endpoint ssm (mlflow-server): +$16.06",
      "  +2 instance RDS PostgreSQL db.t4g.medium (Multi-AZ): +$105.12",
      "  +40 GB RDS storage (gp3, 20 GB, Multi-AZ): +$5.08",
      "  -1 instance RDS PostgreSQL db.t4g.medium (Single-AZ): -$52.56",
      "  -2 endpoint-zone interface endpoint servicecatalog (projects): -$16.06",
      "  -20 GB RDS storage (gp3, 20 GB, Single-AZ): -$2.54",
    ]);
  });

  test("a plan that changes nothing priced says so", () => {
    const plan = JSON.parse(
      readFileSync(join(FIXTURES, "plans", "updates.json"), "utf8"),
    ) as CostPlanJson;
    expect(formatPlanCost(planCost(plan))).toBe(
      `cost before use: unchanged at $1.00 per month (list prices of ${PRICES.asOf})`,
    );
  });
});
