import type { PolicyStatement } from "../../iam/iam-policy";
import { bucketConfig, list, parsePolicy } from "../helpers";
import type { ResourceRule, ResourceView } from "../types";
import { secureBucketStack } from "./examples";

/** Whether the statement names the bucket and its objects, by reference or by ARN (any partition). */
function coversBucketAndObjects(s: PolicyStatement, bucket: ResourceView): boolean {
  const ref = `\${${bucket.type}.${bucket.name}.arn}`;
  const named = list(s.Resource)
    .map(String)
    .map((r) =>
      r.startsWith(ref)
        ? `${bucket.config.bucket}${r.slice(ref.length)}`
        : r.replace(/^arn:[a-z-]+:s3:::/, ""),
    );
  return named.includes(bucket.config.bucket) && named.includes(`${bucket.config.bucket}/*`);
}

export const s3TlsOnly: ResourceRule = {
  kind: "resource",
  id: "S3.TlsOnly",
  level: "error",
  summary: "Bucket policies deny requests without TLS, and TLS older than 1.2",
  explanation:
    "The bucket policy must deny every action on the bucket and its objects when aws:SecureTransport is false, and when s3:TlsVersion is below 1.2.",
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, ctx) {
    const statements = bucketConfig(ctx, "aws_s3_bucket_policy", bucket).flatMap(
      (p) => parsePolicy(p.config.policy)?.Statement ?? [],
    );
    const denies = statements.filter(
      (s) => s.Effect === "Deny" && coversBucketAndObjects(s, bucket),
    );
    const tls = denies.some((s) => String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false");
    const version = denies.some(
      (s) => String(s.Condition?.NumericLessThan?.["s3:TlsVersion"]) === "1.2",
    );
    if (!tls)
      return "has no policy statement denying requests without TLS on the bucket and its objects";
    if (!version) return "has no policy statement denying TLS older than 1.2";
    return undefined;
  },
  examples: {
    compliant: secureBucketStack(),
    nonCompliant: [
      {
        stack: secureBucketStack((j) => delete j.resource.aws_s3_bucket_policy),
        findings: [
          "aws_s3_bucket.b: has no policy statement denying requests without TLS on the bucket and its objects",
        ],
      },
      {
        stack: secureBucketStack((j) => {
          const p = JSON.parse(j.resource.aws_s3_bucket_policy.b.policy);
          p.Statement = p.Statement.filter((s: any) => s.Sid !== "V");
          j.resource.aws_s3_bucket_policy.b.policy = JSON.stringify(p);
        }),
        findings: ["aws_s3_bucket.b: has no policy statement denying TLS older than 1.2"],
      },
      {
        stack: secureBucketStack((j) => {
          const p = JSON.parse(j.resource.aws_s3_bucket_policy.b.policy);
          p.Statement[0].Condition.Bool["aws:SecureTransport"] = "true";
          j.resource.aws_s3_bucket_policy.b.policy = JSON.stringify(p);
        }),
        findings: [
          "aws_s3_bucket.b: has no policy statement denying requests without TLS on the bucket and its objects",
        ],
      },
      {
        stack: secureBucketStack((j) => {
          const p = JSON.parse(j.resource.aws_s3_bucket_policy.b.policy);
          p.Statement[0].Resource = ["${aws_s3_bucket.b.arn}"];
          j.resource.aws_s3_bucket_policy.b.policy = JSON.stringify(p);
        }),
        findings: [
          "aws_s3_bucket.b: has no policy statement denying requests without TLS on the bucket and its objects",
        ],
      },
      {
        stack: secureBucketStack((j) => {
          const p = JSON.parse(j.resource.aws_s3_bucket_policy.b.policy);
          p.Statement[1].Condition.NumericLessThan["s3:TlsVersion"] = "1.1";
          j.resource.aws_s3_bucket_policy.b.policy = JSON.stringify(p);
        }),
        findings: ["aws_s3_bucket.b: has no policy statement denying TLS older than 1.2"],
      },
      {
        stack: secureBucketStack((j) => {
          const p = JSON.parse(j.resource.aws_s3_bucket_policy.b.policy);
          p.Statement[0].Effect = "Allow";
          j.resource.aws_s3_bucket_policy.b.policy = JSON.stringify(p);
        }),
        findings: [
          "aws_s3_bucket.b: has no policy statement denying requests without TLS on the bucket and its objects",
        ],
      },
    ],
  },
};
