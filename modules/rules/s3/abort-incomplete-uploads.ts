import { bucketConfig, list } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3AbortIncompleteUploads: ResourceRule = {
  kind: "resource",
  id: "S3.AbortIncompleteUploads",
  level: "warning",
  summary: "Bucket lifecycles abort incomplete multipart uploads",
  explanation:
    "An enabled lifecycle rule with abort_incomplete_multipart_upload removes the invisible, billed parts of uploads that never finished.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    const rules = bucketConfig(ctx, "aws_s3_bucket_lifecycle_configuration", bucket).flatMap((l) =>
      list(l.config.rule),
    );
    const aborts = rules.some(
      (r: any) => r.status === "Enabled" && list(r.abort_incomplete_multipart_upload).length > 0,
    );
    return aborts
      ? undefined
      : "has no enabled lifecycle rule aborting incomplete multipart uploads";
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket_lifecycle_configuration.b.rule[0].status = "Disabled"),
        ),
        findings: [
          "aws_s3_bucket.b: has no enabled lifecycle rule aborting incomplete multipart uploads",
        ],
      },
      {
        stack: secureBucketStack(
          (j) =>
            delete j.resource.aws_s3_bucket_lifecycle_configuration.b.rule[0]
              .abort_incomplete_multipart_upload,
        ),
        findings: [
          "aws_s3_bucket.b: has no enabled lifecycle rule aborting incomplete multipart uploads",
        ],
      },
    ],
  },
};
