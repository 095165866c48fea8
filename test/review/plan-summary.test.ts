import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  changeKind,
  formatPlanSummary,
  summarizePlan,
  unintendedDataLoss,
  type PlanJson,
} from "../../review/plan-summary";
import { FIXTURES } from "../helpers";

const PLANS = join(FIXTURES, "plans");

function summary(name: string) {
  const plan: PlanJson = JSON.parse(readFileSync(join(PLANS, `${name}.json`), "utf8"));
  return summarizePlan(name, plan);
}

describe("plan summary", () => {
  test.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], undefined],
    [["read"], undefined],
  ])("actions %j are a %s", (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });

  test("creates, ignoring data source reads", () => {
    expect(formatPlanSummary(summary("creates"))).toBe(
      [
        "creates: 2 to create, 0 to update, 0 to replace, 0 to delete",
        "  create  aws_vpc.network_vpc_4E8F0223",
        "  create  aws_subnet.network_private-subnet-0_0C797916",
      ].join("\n"),
    );
  });

  test("in-place updates, ignoring no-ops", () => {
    const s = summary("updates");
    expect(s.changes.map((c) => [c.kind, c.address])).toEqual([
      ["update", "aws_cloudwatch_log_group.network_flow-logs_log-group_B0C6373D"],
      ["update", "aws_s3_bucket_policy.data-bucket_policy_1234ABCD"],
    ]);
    expect(s.dataLoss).toEqual([]);
  });

  test("replacements, with Terraform's reason", () => {
    const text = formatPlanSummary(summary("replacements"));
    expect(text).toContain("replacements: 0 to create, 0 to update, 2 to replace, 0 to delete");
    expect(text).toContain(
      "  replace aws_instance.mlflow_instance_68DB6BAA (replace_because_cannot_update)",
    );
    expect(summary("replacements").dataLoss).toEqual([]);
  });

  test("deletes of resources that hold no data are not data loss", () => {
    expect(summary("deletes").changes.map((c) => c.kind)).toEqual(["delete", "delete"]);
    expect(summary("deletes").dataLoss).toEqual([]);
  });

  test("a data-bearing delete and replacement are flagged and fail the review", () => {
    const s = summary("data-bearing-delete");
    expect(s.dataLoss.map((c) => [c.kind, c.address])).toEqual([
      ["delete", "aws_s3_bucket.models-bucket_8567780F"],
      ["replace", "aws_kms_key.data-key_5D719C34"],
    ]);
    expect(unintendedDataLoss([s], new Set())).toHaveLength(2);
    expect(formatPlanSummary(s)).toContain(
      "  DATA LOSS delete of aws_s3_bucket.models-bucket_8567780F: a data-bearing resource would be destroyed. If intended, rerun with --intended aws_s3_bucket.models-bucket_8567780F",
    );
  });

  test("declared intended, the loss is reported but does not fail", () => {
    const s = summary("data-bearing-delete");
    const intended = new Set([
      "aws_s3_bucket.models-bucket_8567780F",
      "data-bearing-delete:aws_kms_key.data-key_5D719C34",
    ]);
    expect(unintendedDataLoss([s], intended)).toEqual([]);
    expect(formatPlanSummary(s, intended)).toContain(
      "  DATA LOSS (intended) delete of aws_s3_bucket.models-bucket_8567780F",
    );
  });

  test("refuses a file that is not a JSON plan", () => {
    expect(() => summarizePlan("x", {} as PlanJson)).toThrow(
      "x: not a Terraform JSON plan (no format_version); use terraform show -json <planfile>",
    );
  });
});
