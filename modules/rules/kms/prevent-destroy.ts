import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { keyStack } from "./examples";

export const kmsPreventDestroy: ResourceRule = {
  kind: "resource",
  id: "KMS.PreventDestroy",
  level: "error",
  summary: "Keys are protected from destroy",
  explanation:
    "Everything a key encrypted is unreadable once the key is deleted. lifecycle.prevent_destroy makes Terraform refuse any plan that would schedule its deletion, including a replacement caused by a renamed construct.",
  resourceTypes: ["aws_kms_key"],
  check: (key) =>
    isTrue(key.config.lifecycle?.prevent_destroy)
      ? undefined
      : "is not protected by lifecycle.prevent_destroy",
  examples: {
    compliant: keyStack((k) => (k.lifecycle = { prevent_destroy: true })),
    nonCompliant: [
      {
        stack: keyStack(),
        findings: ["aws_kms_key.k: is not protected by lifecycle.prevent_destroy"],
      },
    ],
  },
};
