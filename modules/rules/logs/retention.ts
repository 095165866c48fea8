import type { ResourceRule } from "../types";
import { logGroupStack } from "./kms-encrypted";

export const logsRetention: ResourceRule = {
  kind: "resource",
  id: "Logs.Retention",
  level: "error",
  summary: "Log groups keep logs at least 365 days",
  explanation:
    "Investigations look back months. Keep at least a year (0 or unset keeps logs forever).",
  resourceTypes: ["aws_cloudwatch_log_group"],
  check(group) {
    const days = group.config.retention_in_days;
    return days === undefined || days === 0 || typeof days !== "number" || days >= 365
      ? undefined
      : `keeps logs only ${days} days`;
  },
  examples: {
    compliant: logGroupStack(),
    nonCompliant: [
      {
        stack: logGroupStack((g) => (g.retention_in_days = 30)),
        findings: ["aws_cloudwatch_log_group.g: keeps logs only 30 days"],
      },
      {
        stack: logGroupStack((g) => (g.retention_in_days = 364)),
        findings: ["aws_cloudwatch_log_group.g: keeps logs only 364 days"],
      },
    ],
  },
};
