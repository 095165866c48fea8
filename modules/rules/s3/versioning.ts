import { bucketConfig } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3Versioning: ResourceRule = {
  kind: "resource",
  id: "S3.Versioning",
  level: "error",
  summary: "Buckets keep object versions",
  explanation:
    "An aws_s3_bucket_versioning with status Enabled lets an overwritten or deleted object be recovered.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    const enabled = bucketConfig(ctx, "aws_s3_bucket_versioning", bucket).some(
      (v) => v.config.versioning_configuration?.status === "Enabled",
    );
    return enabled ? undefined : "has no versioning with status Enabled";
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack(
          (j) =>
            (j.resource.aws_s3_bucket_versioning.b.versioning_configuration.status = "Suspended"),
        ),
        findings: ["aws_s3_bucket.b: has no versioning with status Enabled"],
      },
      {
        stack: secureBucketStack((j) => delete j.resource.aws_s3_bucket_versioning),
        findings: ["aws_s3_bucket.b: has no versioning with status Enabled"],
      },
    ],
  },
};
