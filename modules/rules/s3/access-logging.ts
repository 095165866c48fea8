import { bucketConfig } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3AccessLogging: ResourceRule = {
  kind: "resource",
  id: "S3.AccessLogging",
  level: "error",
  summary: "Buckets write server access logs",
  explanation:
    "An aws_s3_bucket_logging sends access logs to the account's log bucket, so every read of the data can be audited. The log bucket itself is the exception (suppress with that reason).",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    return bucketConfig(ctx, "aws_s3_bucket_logging", bucket).length > 0 ||
      bucket.config.logging !== undefined
      ? undefined
      : "has no server access logging";
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack((j) => delete j.resource.aws_s3_bucket_logging),
        findings: ["aws_s3_bucket.b: has no server access logging"],
      },
    ],
  },
};
