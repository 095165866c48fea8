import "@microsoft/jest-sarif";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanStacks, type ScanReport } from "../../../modules/rules/engine";
import { RULE_PACK } from "../../../modules/rules/pack";
import { resourceLines, sarifLog } from "../../../modules/rules/sarif";
import type { StackJson } from "../../../modules/rules/types";
import { synthesizePlatform } from "../../../synthesis/synthesize";
import { exampleInput, parse } from "../../helpers";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

/** A stack with a bare bucket (many findings), one of them suppressed with a reason. */
const insecure: StackJson = {
  terraform: { backend: { s3: { bucket: "state", key: "k", encrypt: true, use_lockfile: true } } },
  resource: {
    aws_s3_bucket: {
      scratch: {
        bucket: "acme-scratch",
        "//": {
          suppressions: [{ id: "S3.Versioning", reason: "scratch data, recreated each run" }],
        },
      },
    },
  },
};

let work: string;
let report: ScanReport;
let text: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sarif-test-"));
  report = await scanStacks({ s: insecure });
  text = JSON.stringify(insecure, null, 2);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const log = (r: ScanReport = report, helpUri?: string) =>
  sarifLog(r, { outdir: "cdktf.out", stackText: () => text, helpUri }) as any;

describe("the rule pack as SARIF 2.1.0 for code scanning", () => {
  test("is valid against the SARIF 2.1.0 schema, and the schema check would catch a bad log", () => {
    expect(log()).toBeValidSarifLog();
    expect(log(report, "https://github.com/o/r/blob/abc/docs/rule-pack.md")).toBeValidSarifLog();
    const broken = log();
    broken.runs[0].results[0].level = "fatal";
    expect(broken).not.toBeValidSarifLog();
  });

  test("describes every rule of the pack once, with its summary, explanation and level", () => {
    const rules = log().runs[0].tool.driver.rules;
    expect(rules.map((r: any) => r.id)).toEqual(RULE_PACK.map((r) => r.id));
    const versioning = RULE_PACK.findIndex((r) => r.id === "S3.Versioning");
    expect(rules[versioning]).toEqual({
      id: "S3.Versioning",
      name: "S3Versioning",
      shortDescription: { text: RULE_PACK[versioning].summary },
      fullDescription: { text: RULE_PACK[versioning].explanation },
      help: { text: `${RULE_PACK[versioning].summary}. ${RULE_PACK[versioning].explanation}` },
      defaultConfiguration: { level: "error" },
      properties: { tags: ["security", "S3"] },
    });
    const linked = log(report, "https://github.com/o/r/blob/abc/docs/rule-pack.md");
    expect(linked.runs[0].tool.driver.rules[versioning].helpUri).toBe(
      "https://github.com/o/r/blob/abc/docs/rule-pack.md",
    );
  });

  test("a finding is a result at the stack's file and resource line, and at stack/address", () => {
    const results = log().runs[0].results;
    const open = report.stacks[0].findings.filter((f) => f.suppressedBecause === undefined);
    expect(results).toHaveLength(report.stacks[0].findings.length);
    const access = results.find((r: any) => r.ruleId === "S3.AccessLogging");
    const finding = open.find((f) => f.ruleId === "S3.AccessLogging")!;
    const line = text.split("\n").findIndex((l) => l === '      "scratch": {') + 1;
    expect(access).toEqual({
      ruleId: "S3.AccessLogging",
      ruleIndex: RULE_PACK.findIndex((r) => r.id === "S3.AccessLogging"),
      level: "error",
      message: { text: `s: aws_s3_bucket.scratch: ${finding.message}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "cdktf.out/stacks/s/cdk.tf.json" },
            region: { startLine: line },
          },
          logicalLocations: [
            {
              name: "aws_s3_bucket.scratch",
              fullyQualifiedName: "s/aws_s3_bucket.scratch",
              kind: "resource",
            },
          ],
        },
      ],
      partialFingerprints: { "mlopsRuleStackAddress/v1": expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
  });

  test("a suppressed finding is a result with an accepted in-source suppression and its reason", () => {
    const suppressed = log()
      .runs[0].results.filter((r: any) => r.suppressions !== undefined)
      .map((r: any) => [r.ruleId, r.suppressions]);
    expect(suppressed).toEqual([
      [
        "S3.Versioning",
        [
          {
            kind: "inSource",
            status: "accepted",
            justification: "scratch data, recreated each run",
          },
        ],
      ],
    ]);
  });

  test("fingerprints are stable from run to run and differ by rule, stack and address", async () => {
    const again = log(await scanStacks({ s: structuredClone(insecure) })).runs[0].results;
    const first = log().runs[0].results;
    const prints = (rs: any[]) => rs.map((r) => r.partialFingerprints["mlopsRuleStackAddress/v1"]);
    expect(prints(again)).toEqual(prints(first));
    expect(new Set(prints(first)).size).toBe(first.length);
    const other = log(await scanStacks({ t: insecure })).runs[0].results;
    expect(prints(other)[0]).not.toBe(prints(first)[0]);
  });

  test("the example's written stacks: every finding's resource is found at its line", async () => {
    const out = join(work, "example");
    const { report: example } = await synthesizePlatform(parse(exampleInput()), out);
    const read = (id: string) => readFileSync(join(out, "stacks", id, "cdk.tf.json"), "utf8");
    const sarif = sarifLog(example, { outdir: "cdktf.out", stackText: read }) as any;
    expect(sarif).toBeValidSarifLog();
    const resources = sarif.runs[0].results.filter(
      (r: any) => r.locations[0].logicalLocations[0].kind === "resource",
    );
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) {
      const [stack, address] = r.locations[0].logicalLocations[0].fullyQualifiedName.split("/");
      const line = read(stack).split("\n")[r.locations[0].physicalLocation.region.startLine - 1];
      expect(line).toBe(`      "${address.split(".")[1]}": {`);
    }
    // The bootstrap stacks' suppressions (local state, the log bucket) are all there.
    expect(sarif.runs[0].results.every((r: any) => r.suppressions?.[0].justification)).toBe(true);
  });
});

describe("resource lines", () => {
  test("only resources, not data sources or outputs of the same name", () => {
    const json = {
      data: { aws_s3_bucket: { x: {} } },
      output: { x: { value: 1 } },
      resource: { aws_s3_bucket: { x: { bucket: "b" } }, aws_kms_key: { k: {} } },
    };
    const lines = resourceLines(JSON.stringify(json, null, 2));
    expect(Object.fromEntries(lines)).toEqual({ "aws_s3_bucket.x": 14, "aws_kms_key.k": 19 });
  });
});
