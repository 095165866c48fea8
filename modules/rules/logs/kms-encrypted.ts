import type { ResourceRule, StackJson } from "../types";

export function logGroupStack(change: (g: any) => void = () => undefined): StackJson {
  const group: any = {
    name: "/platform/x",
    kms_key_id: "${aws_kms_key.k.arn}",
    retention_in_days: 365,
  };
  change(group);
  return { resource: { aws_cloudwatch_log_group: { g: group } } };
}

export const logsKmsEncrypted: ResourceRule = {
  kind: "resource",
  id: "Logs.KmsEncrypted",
  level: "error",
  summary: "Log groups are encrypted with a customer managed key",
  explanation:
    "Logs carry request data and identifiers; kms_key_id puts them under a key whose policy the platform writes.",
  resourceTypes: ["aws_cloudwatch_log_group"],
  check: (group) => (group.config.kms_key_id ? undefined : "has no kms_key_id"),
  examples: {
    compliant: logGroupStack(),
    nonCompliant: [
      {
        stack: logGroupStack((g) => delete g.kms_key_id),
        findings: ["aws_cloudwatch_log_group.g: has no kms_key_id"],
      },
    ],
  },
};
