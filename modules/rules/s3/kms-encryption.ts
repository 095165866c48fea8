import { bucketConfig, list } from "../helpers";
import type { ResourceRule } from "../types";
import { secureBucketStack } from "./examples";

export const s3KmsEncryption: ResourceRule = {
  kind: "resource",
  id: "S3.KmsEncryption",
  level: "error",
  summary: "Buckets encrypt with a customer managed KMS key",
  explanation:
    "Default encryption must be aws:kms with a customer managed key (not the AWS managed aws/s3 key), so key policy and rotation stay in the platform's hands. S3 server access log buckets are the documented exception: log delivery writes only to SSE-S3 buckets; suppress this rule on them with that reason.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    const rules = bucketConfig(
      ctx,
      "aws_s3_bucket_server_side_encryption_configuration",
      bucket,
    ).flatMap((c) => list(c.config.rule));
    const kms = rules.find(
      (r: any) => r.apply_server_side_encryption_by_default?.sse_algorithm === "aws:kms",
    );
    if (kms === undefined) return "is not encrypted with aws:kms by default";
    const key = kms.apply_server_side_encryption_by_default.kms_master_key_id;
    if (key === undefined || String(key).includes("alias/aws/"))
      return "uses the AWS managed key, not a customer managed key";
    return undefined;
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack(
          (j) =>
            (j.resource.aws_s3_bucket_server_side_encryption_configuration.b.rule = [
              { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
            ]),
        ),
        findings: ["aws_s3_bucket.b: is not encrypted with aws:kms by default"],
      },
      {
        stack: secureBucketStack(
          (j) =>
            delete j.resource.aws_s3_bucket_server_side_encryption_configuration.b.rule[0]
              .apply_server_side_encryption_by_default.kms_master_key_id,
        ),
        findings: ["aws_s3_bucket.b: uses the AWS managed key, not a customer managed key"],
      },
      {
        stack: secureBucketStack(
          (j) =>
            (j.resource.aws_s3_bucket_server_side_encryption_configuration.b.rule[0].apply_server_side_encryption_by_default.kms_master_key_id =
              "arn:aws:kms:eu-west-1:111111111111:alias/aws/s3"),
        ),
        findings: ["aws_s3_bucket.b: uses the AWS managed key, not a customer managed key"],
      },
    ],
  },
};
