import type { StackJson } from "../types";

/** A bucket with every protection, as the platform writes it; rules' examples start from it. */
export function secureBucketStack(overrides: (json: any) => void = () => undefined): StackJson {
  const ref = (attr: string) => `\${aws_s3_bucket.b.${attr}}`;
  const json: any = {
    resource: {
      aws_s3_bucket: {
        b: { bucket: "data", force_destroy: false, lifecycle: { prevent_destroy: true } },
      },
      aws_s3_bucket_public_access_block: {
        b: {
          bucket: ref("id"),
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
      aws_s3_bucket_versioning: {
        b: { bucket: ref("id"), versioning_configuration: { status: "Enabled" } },
      },
      aws_s3_bucket_server_side_encryption_configuration: {
        b: {
          bucket: ref("id"),
          rule: [
            {
              apply_server_side_encryption_by_default: {
                sse_algorithm: "aws:kms",
                kms_master_key_id: "${aws_kms_key.k.arn}",
              },
              bucket_key_enabled: true,
            },
          ],
        },
      },
      aws_s3_bucket_ownership_controls: {
        b: { bucket: ref("id"), rule: { object_ownership: "BucketOwnerEnforced" } },
      },
      aws_s3_bucket_policy: {
        b: {
          bucket: ref("id"),
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "T",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [ref("arn"), `${ref("arn")}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
              {
                Sid: "V",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [ref("arn"), `${ref("arn")}/*`],
                Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
              },
            ],
          }),
        },
      },
      aws_s3_bucket_logging: { b: { bucket: ref("id"), target_bucket: "logs" } },
      aws_s3_bucket_lifecycle_configuration: {
        b: {
          bucket: ref("id"),
          rule: [
            {
              id: "abort",
              status: "Enabled",
              abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
            },
          ],
        },
      },
    },
  };
  overrides(json);
  return json;
}
