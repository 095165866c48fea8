import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3PreventDestroy: ResourceRule = {
  kind: "resource",
  id: "S3.PreventDestroy",
  level: "error",
  summary: "Buckets are protected from destroy",
  explanation:
    "lifecycle.prevent_destroy makes Terraform refuse any plan that would destroy the bucket, including a replacement caused by a renamed construct.",
  resourceTypes: ["aws_s3_bucket"],
  check: (bucket) =>
    isTrue(bucket.config.lifecycle?.prevent_destroy)
      ? undefined
      : "is not protected by lifecycle.prevent_destroy",
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack((j) => delete j.resource.aws_s3_bucket.b.lifecycle),
        findings: ["aws_s3_bucket.b: is not protected by lifecycle.prevent_destroy"],
      },
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket.b.lifecycle.prevent_destroy = false),
        ),
        findings: ["aws_s3_bucket.b: is not protected by lifecycle.prevent_destroy"],
      },
    ],
  },
};
