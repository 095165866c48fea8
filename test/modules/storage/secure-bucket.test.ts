import { KmsKey } from "../../../modules/kms/kms-key";
import { SecureBucket, type SecureBucketProps } from "../../../modules/storage/secure-bucket";
import { Testing, type TerraformStack } from "../../../modules/core/cdktf";
import { moduleTestStack, onlyResource, policyOf, type StackJson } from "../../helpers";

const ENV = {
  accountId: "111111111111",
  region: "eu-west-1",
  partition: "aws",
  dnsSuffix: "amazonaws.com",
};
const ADMIN = "arn:aws:iam::111111111111:role/terraform-deploy";

function stack(): TerraformStack {
  return moduleTestStack();
}

function keyIn(s: TerraformStack): KmsKey {
  return new KmsKey(s, "key", {
    alias: "alias/t-data",
    description: "t",
    administratorArns: [ADMIN],
  });
}

function bucketIn(s: TerraformStack, props: Partial<SecureBucketProps> = {}): SecureBucket {
  return new SecureBucket(s, "bucket", {
    bucketName: "my-bucket",
    encryption: { kmsKey: keyIn(s) },
    environment: ENV,
    accessLogs: { targetBucketName: "log-bucket" },
    ...props,
  });
}

function synthBucket(props: Partial<SecureBucketProps> = {}): StackJson {
  const s = stack();
  bucketIn(s, props);
  return JSON.parse(Testing.synth(s, true));
}

describe("SecureBucket", () => {
  test("default: tiered lifecycle, aborted uploads, expiring noncurrent versions", () => {
    const rules = onlyResource(synthBucket(), "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
      {
        id: "tier-current-versions",
        status: "Enabled",
        filter: [{}],
        transition: [
          { days: 30, storage_class: "STANDARD_IA" },
          { days: 90, storage_class: "GLACIER" },
          { days: 365, storage_class: "DEEP_ARCHIVE" },
        ],
      },
    ]);
  });

  test("default: uploads may name only the bucket's key, by key or alias ARN", () => {
    const json = synthBucket();
    const policy = policyOf(onlyResource(json, "aws_s3_bucket_policy"));
    const deny = policy.Statement.find((s) => s.Sid === "DenyOtherKmsKey")!;
    const key = Object.keys(json.resource!.aws_kms_key)[0];
    const alias = Object.keys(json.resource!.aws_kms_alias)[0];
    expect(deny.Condition!.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption-aws-kms-key-id": [
        `\${aws_kms_key.${key}.arn}`,
        `\${aws_kms_alias.${alias}.arn}`,
      ],
    });
  });

  test("TLS statements cover the bucket and its objects", () => {
    const json = synthBucket();
    const policy = policyOf(onlyResource(json, "aws_s3_bucket_policy"));
    const arn = `\${aws_s3_bucket.${Object.keys(json.resource!.aws_s3_bucket)[0]}.arn}`;
    for (const sid of ["DenyInsecureTransport", "DenyOutdatedTls"]) {
      const s = policy.Statement.find((x) => x.Sid === sid)!;
      expect(s.Resource).toEqual([arn, `${arn}/*`]);
    }
    expect(policy.Statement.find((x) => x.Sid === "DenyOutdatedTls")!.Condition).toEqual({
      NumericLessThan: { "s3:TlsVersion": "1.2" },
    });
    expect(policy.Statement.find((x) => x.Sid === "DenyInsecureTransport")!.Condition).toEqual({
      Bool: { "aws:SecureTransport": "false" },
    });
  });

  test("the policy waits for the public access block", () => {
    const json = synthBucket();
    const block = Object.keys(json.resource!.aws_s3_bucket_public_access_block)[0];
    expect(onlyResource(json, "aws_s3_bucket_policy").depends_on).toEqual([
      `aws_s3_bucket_public_access_block.${block}`,
    ]);
  });

  test("custom transition days", () => {
    const rules = onlyResource(
      synthBucket({
        lifecycle: { transitions: { standardIaDays: 60, glacierDays: 180, deepArchiveDays: 730 } },
      }),
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(rules[2].transition.map((t: any) => t.days)).toEqual([60, 180, 730]);
  });

  test("transitions can be turned off", () => {
    const rules = onlyResource(
      synthBucket({ lifecycle: { transitions: false } }),
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(rules.map((r: any) => r.id)).not.toContain("tier-current-versions");
  });

  test.each([
    [
      { standardIaDays: 90, glacierDays: 60, deepArchiveDays: 365 },
      /must increase: standardIaDays \(90\) < glacierDays \(60\)/,
    ],
    [
      { standardIaDays: 10 },
      /standardIaDays is 10; S3 moves objects to STANDARD_IA no earlier than 30 days/,
    ],
    [
      { standardIaDays: 30, glacierDays: 45 },
      /glacierDays \(45\) must be at least 30 days after standardIaDays \(30\)/,
    ],
    [{ deepArchiveDays: 90 }, /must increase/],
    // Deep Archive at least 90 days after Glacier Flexible Retrieval (S3's InvalidArgument).
    [
      { glacierDays: 90, deepArchiveDays: 179 },
      "test/bucket: lifecycle.transitions: deepArchiveDays (179) must be at least 90 days after glacierDays (90); S3 keeps objects in GLACIER for 90 days before moving them on",
    ],
    [
      { standardIaDays: 29 },
      /standardIaDays is 29; S3 moves objects to STANDARD_IA no earlier than 30 days/,
    ],
  ])("fails with transitions out of order: %j", (transitions, message) => {
    expect(() => synthBucket({ lifecycle: { transitions } })).toThrow(message);
  });

  test.each([
    [{ standardIaDays: 30, glacierDays: 60, deepArchiveDays: 150 }],
    [{ glacierDays: 90, deepArchiveDays: 180 }],
  ])("accepts transitions exactly at S3's minimums: %j", (transitions) => {
    expect(() => synthBucket({ lifecycle: { transitions } })).not.toThrow();
  });

  test("fails with a non-positive abort period", () => {
    expect(() => synthBucket({ lifecycle: { abortIncompleteMultipartUploadDays: 0 } })).toThrow(
      "test/bucket: lifecycle.abortIncompleteMultipartUploadDays is 0; must be a whole number of days, at least 1",
    );
  });

  test("fails to add a statement that makes the bucket public", () => {
    const s = stack();
    const bucket = bucketIn(s);
    expect(() =>
      bucket.addToResourcePolicy({
        Sid: "Public",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "*",
      }),
    ).toThrow('test/bucket: statement "Public" allows every principal ("*") without a condition');
  });

  test("fails on two statements with the same Sid", () => {
    const s = stack();
    const bucket = bucketIn(s);
    bucket.addToResourcePolicy({
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
    });
    expect(() => Testing.synth(s)).toThrow('policy has two statements with Sid "DenyOutdatedTls"');
  });

  // S3 refuses bucket policies over 20 KB at apply; synthesis says so first, naming the bucket.
  const withReaders = (n: number) => {
    const s = stack();
    const bucket = bucketIn(s);
    bucket.addToResourcePolicy({
      Sid: "ManyReaders",
      Effect: "Allow",
      Principal: {
        AWS: Array.from({ length: n }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:root`),
      },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::my-bucket/*",
    });
    return s;
  };

  test("a bucket policy over 20,480 characters fails synthesis, naming the bucket", () => {
    expect(() => Testing.synth(withReaders(620), true)).toThrow(
      /test\/bucket: the bucket policy is about 2\d{4} characters; AWS allows 20480: grant fewer principals, or by pattern or account/,
    );
  });

  test("just under the limit synthesizes", () => {
    expect(() => Testing.synth(withReaders(540), true)).not.toThrow();
  });
});
