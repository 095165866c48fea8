import { isTrue, list } from "../helpers";
import type { ResourceRule } from "../types";

export const dynamoDbPointInTimeRecovery: ResourceRule = {
  kind: "resource",
  id: "DynamoDB.PointInTimeRecovery",
  level: "error",
  summary: "DynamoDB tables keep point-in-time recovery",
  explanation:
    "point_in_time_recovery lets a table be restored to any second of the last 35 days after a bad write or a deletion; without it there is no way back.",
  resourceTypes: ["aws_dynamodb_table"],
  check: (table) =>
    list(table.config.point_in_time_recovery).some((p: any) => isTrue(p?.enabled))
      ? undefined
      : "has no point-in-time recovery (point_in_time_recovery.enabled)",
  examples: {
    compliant: {
      resource: {
        aws_dynamodb_table: { t: { name: "t", point_in_time_recovery: { enabled: true } } },
      },
    },
    nonCompliant: [
      {
        stack: { resource: { aws_dynamodb_table: { t: { name: "t" } } } },
        findings: [
          "aws_dynamodb_table.t: has no point-in-time recovery (point_in_time_recovery.enabled)",
        ],
      },
    ],
  },
};
