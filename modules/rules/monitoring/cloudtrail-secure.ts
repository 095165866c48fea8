import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { trailStack } from "./examples";

export const cloudTrailSecure: ResourceRule = {
  kind: "resource",
  id: "CloudTrail.Secure",
  level: "error",
  summary: "Trails are encrypted, signed and log every region",
  explanation:
    "kms_key_id encrypts log files under a key whose policy the platform writes; enable_log_file_validation signs them with digest files, so a deleted or edited log file is detected; is_multi_region_trail logs activity in regions the platform does not use, where an intruder would go.",
  resourceTypes: ["aws_cloudtrail"],
  check: (trail) => {
    const problems = [
      trail.config.kms_key_id ? undefined : "has no kms_key_id",
      isTrue(trail.config.enable_log_file_validation)
        ? undefined
        : "does not validate log files (enable_log_file_validation)",
      isTrue(trail.config.is_multi_region_trail)
        ? undefined
        : "logs one region only (is_multi_region_trail)",
    ].filter((p): p is string => p !== undefined);
    return problems.length === 0 ? undefined : problems.join("; ");
  },
  examples: {
    compliant: trailStack(),
    nonCompliant: [
      {
        stack: trailStack((t) => delete t.kms_key_id),
        findings: ["aws_cloudtrail.t: has no kms_key_id"],
      },
      {
        stack: trailStack((t) => (t.enable_log_file_validation = false)),
        findings: ["aws_cloudtrail.t: does not validate log files (enable_log_file_validation)"],
      },
      {
        stack: trailStack((t) => delete t.is_multi_region_trail),
        findings: ["aws_cloudtrail.t: logs one region only (is_multi_region_trail)"],
      },
    ],
  },
};
