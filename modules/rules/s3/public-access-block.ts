import { bucketConfig, isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

const SETTINGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
];

export const s3PublicAccessBlock: ResourceRule = {
  kind: "resource",
  id: "S3.PublicAccessBlock",
  level: "error",
  summary: "Buckets block public access with all four settings",
  explanation:
    "An aws_s3_bucket_public_access_block for the bucket must set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets, so no ACL or policy can make data public.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    const blocks = bucketConfig(ctx, "aws_s3_bucket_public_access_block", bucket);
    if (blocks.length === 0) return "has no public access block";
    const off = SETTINGS.filter((s) => !blocks.some((b) => isTrue(b.config[s])));
    return off.length ? `public access block does not set ${off.join(", ")}` : undefined;
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket_public_access_block.b.restrict_public_buckets = false),
        ),
        findings: ["aws_s3_bucket.b: public access block does not set restrict_public_buckets"],
      },
      {
        stack: secureBucketStack((j) => delete j.resource.aws_s3_bucket_public_access_block),
        findings: ["aws_s3_bucket.b: has no public access block"],
      },
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket_public_access_block.b.block_public_acls = false),
        ),
        findings: ["aws_s3_bucket.b: public access block does not set block_public_acls"],
      },
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket_public_access_block.b.block_public_policy = false),
        ),
        findings: ["aws_s3_bucket.b: public access block does not set block_public_policy"],
      },
      {
        stack: secureBucketStack(
          (j) => (j.resource.aws_s3_bucket_public_access_block.b.ignore_public_acls = false),
        ),
        findings: ["aws_s3_bucket.b: public access block does not set ignore_public_acls"],
      },
    ],
  },
};
