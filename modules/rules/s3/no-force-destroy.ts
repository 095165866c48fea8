import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3NoForceDestroy: ResourceRule = {
  kind: "resource",
  id: "S3.NoForceDestroy",
  level: "error",
  summary: "Buckets do not set force_destroy",
  explanation:
    "force_destroy lets terraform destroy a bucket that still holds objects, deleting the data with it.",
  resourceTypes: ["aws_s3_bucket"],
  check: (bucket) => (isTrue(bucket.config.force_destroy) ? "sets force_destroy" : undefined),
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack((j) => (j.resource.aws_s3_bucket.b.force_destroy = true)),
        findings: ["aws_s3_bucket.b: sets force_destroy"],
      },
    ],
  },
};
