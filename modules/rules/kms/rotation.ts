import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { keyStack } from "./examples";

export const kmsRotation: ResourceRule = {
  kind: "resource",
  id: "KMS.Rotation",
  level: "error",
  summary: "Keys rotate their key material",
  explanation:
    "enable_key_rotation makes KMS rotate the key material (yearly by default); old material stays available for decryption.",
  resourceTypes: ["aws_kms_key"],
  check: (key) =>
    isTrue(key.config.enable_key_rotation) || key.config.key_usage === "SIGN_VERIFY"
      ? undefined
      : "does not rotate (enable_key_rotation)",
  examples: {
    compliant: keyStack(),
    nonCompliant: [
      {
        stack: keyStack((k) => (k.enable_key_rotation = false)),
        findings: ["aws_kms_key.k: does not rotate (enable_key_rotation)"],
      },
      {
        stack: keyStack((k) => delete k.enable_key_rotation),
        findings: ["aws_kms_key.k: does not rotate (enable_key_rotation)"],
      },
    ],
  },
};
