import type { ResourceRule } from "../types";
import { keyStack } from "./examples";

export const kmsDeletionWindow: ResourceRule = {
  kind: "resource",
  id: "KMS.DeletionWindow",
  level: "error",
  summary: "Keys wait at least 30 days before deletion",
  explanation:
    "A deleted key makes everything it encrypted unreadable. The longest window (30 days, also the default) gives time to notice and cancel.",
  resourceTypes: ["aws_kms_key"],
  check(key) {
    const days = key.config.deletion_window_in_days;
    return days === undefined || typeof days !== "number" || days >= 30
      ? undefined
      : `waits only ${days} days before deletion`;
  },
  examples: {
    compliant: keyStack(),
    nonCompliant: [
      {
        stack: keyStack((k) => (k.deletion_window_in_days = 7)),
        findings: ["aws_kms_key.k: waits only 7 days before deletion"],
      },
      {
        stack: keyStack((k) => (k.deletion_window_in_days = 29)),
        findings: ["aws_kms_key.k: waits only 29 days before deletion"],
      },
    ],
  },
};
