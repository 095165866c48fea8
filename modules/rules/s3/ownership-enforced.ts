import { bucketConfig } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3OwnershipEnforced: ResourceRule = {
  kind: "resource",
  id: "S3.OwnershipEnforced",
  level: "error",
  summary: "Buckets disable ACLs (BucketOwnerEnforced)",
  explanation:
    "Object ownership BucketOwnerEnforced turns ACLs off, so access is decided by policies alone; no aws_s3_bucket_acl may exist for the bucket.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    if (bucketConfig(ctx, "aws_s3_bucket_acl", bucket).length > 0) return "has an ACL";
    if (bucket.config.acl !== undefined) return "sets an ACL";
    const enforced = bucketConfig(ctx, "aws_s3_bucket_ownership_controls", bucket).some(
      (o) => o.config.rule?.object_ownership === "BucketOwnerEnforced",
    );
    return enforced ? undefined : "does not enforce bucket owner ownership (ACLs stay on)";
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack(
          (j) =>
            (j.resource.aws_s3_bucket_acl = {
              b: { bucket: "${aws_s3_bucket.b.id}", acl: "private" },
            }),
        ),
        findings: ["aws_s3_bucket.b: has an ACL"],
      },
      {
        stack: secureBucketStack((j) => (j.resource.aws_s3_bucket.b.acl = "private")),
        findings: ["aws_s3_bucket.b: sets an ACL"],
      },
      {
        stack: secureBucketStack(
          (j) =>
            (j.resource.aws_s3_bucket_ownership_controls.b.rule.object_ownership =
              "BucketOwnerPreferred"),
        ),
        findings: ["aws_s3_bucket.b: does not enforce bucket owner ownership (ACLs stay on)"],
      },
    ],
  },
};
