import type { PolicyStatement } from "../../../modules/iam/iam-policy";
import { KmsKey } from "../../../modules/kms/kms-key";
import { SecureBucket, type SecureBucketProps } from "../../../modules/storage/secure-bucket";
import { TerraformVariable, Testing, type TerraformStack } from "../../../modules/core/cdktf";
import {
  KEY_USE_ACTIONS,
  moduleTestStack,
  onlyResource,
  policyOf,
  type StackJson,
} from "../../helpers";

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
  test("default: Intelligent-Tiering for current objects, old versions archived then expired", () => {
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
        noncurrent_version_transition: [{ noncurrent_days: 30, storage_class: "GLACIER" }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
      {
        id: "tier-current-versions",
        status: "Enabled",
        filter: [{}],
        transition: [{ days: 0, storage_class: "INTELLIGENT_TIERING" }],
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

  test("a schedule uses exactly the classes it sets, in S3's order", () => {
    const rules = onlyResource(
      synthBucket({
        lifecycle: {
          transitions: {
            deepArchiveDays: 730,
            standardIaDays: 60,
            glacierInstantRetrievalDays: 90,
          },
        },
      }),
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(rules[2]).toEqual({
      id: "scheduled-transitions",
      status: "Enabled",
      filter: [{}],
      transition: [
        { days: 60, storage_class: "STANDARD_IA" },
        { days: 90, storage_class: "GLACIER_IR" },
        { days: 730, storage_class: "DEEP_ARCHIVE" },
      ],
    });
  });

  test("transitions can be turned off", () => {
    const rules = onlyResource(
      synthBucket({ lifecycle: { transitions: false } }),
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(rules.map((r: any) => r.id)).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-noncurrent-versions",
    ]);
  });

  test("a Terraform expression chooses between Intelligent-Tiering and the schedule", () => {
    const s = stack();
    const archive = new TerraformVariable(s, "archive", { type: "bool" });
    bucketIn(s, {
      lifecycle: { transitions: { standardIaDays: 30 }, scheduleWhen: archive.value },
    });
    const rules = onlyResource(
      JSON.parse(Testing.synth(s, true)),
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(rules.slice(2).map((r: any) => [r.id, r.status])).toEqual([
      ["tier-current-versions", '${var.archive ? "Disabled" : "Enabled"}'],
      ["scheduled-transitions", '${var.archive ? "Enabled" : "Disabled"}'],
    ]);
    expect(() =>
      synthBucket({ lifecycle: { transitions: false, scheduleWhen: archive.value } }),
    ).toThrow("test/bucket: lifecycle.scheduleWhen needs a schedule in lifecycle.transitions");
  });

  test.each([
    [
      { standardIaDays: 90, glacierDays: 60, deepArchiveDays: 365 },
      "test/bucket: lifecycle.transitions: glacierDays (60) must be at least 30 days after standardIaDays (90); S3 keeps objects in STANDARD_IA for 30 days before moving them on",
    ],
    [
      { standardIaDays: 29 },
      "test/bucket: lifecycle.transitions: standardIaDays is 29; S3 moves objects to STANDARD_IA no earlier than 30 days",
    ],
    [
      { standardIaDays: 30, glacierDays: 59 },
      "test/bucket: lifecycle.transitions: glacierDays (59) must be at least 30 days after standardIaDays (30); S3 keeps objects in STANDARD_IA for 30 days before moving them on",
    ],
    [
      { glacierInstantRetrievalDays: 0, glacierDays: 89 },
      "test/bucket: lifecycle.transitions: glacierDays (89) must be at least 90 days after glacierInstantRetrievalDays (0); S3 keeps objects in GLACIER_IR for 90 days before moving them on",
    ],
    [
      { glacierDays: 90, deepArchiveDays: 179 },
      "test/bucket: lifecycle.transitions: deepArchiveDays (179) must be at least 90 days after glacierDays (90); S3 keeps objects in GLACIER for 90 days before moving them on",
    ],
    [
      { glacierDays: -1 },
      "test/bucket: lifecycle.transitions: transition days must be whole numbers, at least 0 (got -1)",
    ],
    [
      {},
      "test/bucket: lifecycle.transitions: a schedule needs at least one of standardIaDays, glacierInstantRetrievalDays, glacierDays, deepArchiveDays",
    ],
  ])("fails with a schedule S3 refuses: %j", (transitions, message) => {
    expect(() => synthBucket({ lifecycle: { transitions } })).toThrow(message);
  });

  test.each([
    [{ standardIaDays: 30, glacierDays: 60, deepArchiveDays: 150 }],
    [{ glacierDays: 90, deepArchiveDays: 180 }],
    [{ glacierInstantRetrievalDays: 0, glacierDays: 90 }],
    [{ deepArchiveDays: 0 }],
  ])("accepts transitions exactly at S3's minimums: %j", (transitions) => {
    expect(() => synthBucket({ lifecycle: { transitions } })).not.toThrow();
  });

  test("old versions are archived only before they expire", () => {
    const expire = (lifecycle: SecureBucketProps["lifecycle"]) =>
      onlyResource(synthBucket({ lifecycle }), "aws_s3_bucket_lifecycle_configuration").rule[1];
    // Kept 31 days: archived at 30. Kept 30 days or less: never archived by default.
    expect(expire({ noncurrentVersionExpirationDays: 31 }).noncurrent_version_transition).toEqual([
      { noncurrent_days: 30, storage_class: "GLACIER" },
    ]);
    expect(expire({ noncurrentVersionExpirationDays: 30 })).not.toHaveProperty(
      "noncurrent_version_transition",
    );
    expect(
      expire({ noncurrentVersionExpirationDays: 30, noncurrentVersionArchiveDays: 29 })
        .noncurrent_version_transition,
    ).toEqual([{ noncurrent_days: 29, storage_class: "GLACIER" }]);
    expect(expire({ noncurrentVersionArchiveDays: false })).not.toHaveProperty(
      "noncurrent_version_transition",
    );
    expect(() =>
      expire({ noncurrentVersionExpirationDays: 30, noncurrentVersionArchiveDays: 30 }),
    ).toThrow(
      "test/bucket: lifecycle.noncurrentVersionArchiveDays (30) must be less than noncurrentVersionExpirationDays (30); S3 refuses an expiration that is not after the transition",
    );
    expect(() => expire({ noncurrentVersionArchiveDays: -1 })).toThrow(
      "test/bucket: lifecycle.noncurrentVersionArchiveDays is -1; must be a whole number of days, at least 0",
    );
  });

  test("a grant to a role of this account is a value: the statements attached to the role, and the key's", () => {
    const s = stack();
    const bucket = bucketIn(s);
    const attached: PolicyStatement[] = [];
    const grant = bucket.grantRead(
      {
        principalArn: "arn:aws:iam::111111111111:role/reader",
        grantLabel: "Reader",
        addToPrincipalPolicy: (statement) => attached.push(statement),
      },
      ["in/"],
    );
    expect(grant.identityAttached).toBe(true);
    expect(grant.identityStatements).toEqual(attached);
    expect(attached.map((x) => x.Sid)).toEqual([
      "BucketReadList",
      "BucketReadBucket",
      "BucketReadObjects",
      "BucketReadKey",
    ]);
    // The resource side is exactly the key policy's statement for the grantee.
    const key = policyOf(onlyResource(JSON.parse(Testing.synth(s, true)), "aws_kms_key"));
    expect(grant.resourceStatements).toHaveLength(1);
    expect(key.Statement.find((x) => x.Sid === "BucketReadReader")).toEqual(
      JSON.parse(JSON.stringify(grant.resourceStatements[0])),
    );
  });

  test("a role of another account is granted through the bucket and key policies, never one of this account", () => {
    const s = stack();
    const bucket = bucketIn(s);
    expect(() =>
      bucket.grantOtherAccountRole("arn:aws:iam::111111111111:role/local", "Local", "read-only"),
    ).toThrow(
      "test/bucket: arn:aws:iam::111111111111:role/local is a role of this account; use grant()",
    );
    expect(() =>
      bucket.grantOtherAccountRole("arn:aws-cn:iam::222222222222:role/r", "R", "read-only"),
    ).toThrow(
      "arn:aws-cn:iam::222222222222:role/r is not a role of another account in partition aws",
    );
    expect(() =>
      bucket.restrictToNetworkOrigin("arn:aws:iam::222222222222:role/r", "R", { vpcIds: [] }),
    ).toThrow("BucketR: a network origin needs vpcEndpointIds or vpcIds");
    const grant = bucket.grantOtherAccountRole(
      "arn:aws:iam::222222222222:role/r",
      "R",
      "read-write",
      ["in/"],
    );
    // The identity side is the other account's to attach; the resource side is in place.
    expect(grant.principalArn).toBe("arn:aws:iam::222222222222:role/r");
    expect(grant.identityAttached).toBe(false);
    expect(grant.identityStatements.map((x) => x.Sid)).toEqual([
      "BucketReadWriteList",
      "BucketReadWriteBucket",
      "BucketReadWriteObjects",
      "BucketReadWriteKey",
    ]);
    const json = JSON.parse(Testing.synth(s, true));
    const key = policyOf(onlyResource(json, "aws_kms_key"));
    const bucketPolicy = policyOf(onlyResource(json, "aws_s3_bucket_policy"));
    // (Their resources are tokens until synthesis: compared by Sid.)
    const inPolicies = [...key.Statement, ...bucketPolicy.Statement].map((x) => x.Sid);
    expect(grant.resourceStatements.map((x) => x.Sid)).toEqual([
      "BucketReadWriteRList",
      "BucketReadWriteRBucket",
      "BucketReadWriteRObjects",
      "BucketReadWriteR",
    ]);
    for (const statement of grant.resourceStatements) expect(inPolicies).toContain(statement.Sid);
    expect(key.Statement.find((x) => x.Sid === "BucketReadWriteR")).toEqual({
      Sid: "BucketReadWriteR",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::222222222222:root" },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "222222222222",
        },
        ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/r" },
        // This bucket's objects only, whatever else the key encrypts.
        StringLikeIfExists: {
          "kms:EncryptionContext:aws:s3:arn": [
            "arn:aws:s3:::my-bucket",
            "arn:aws:s3:::my-bucket/*",
          ],
        },
      },
    });
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
