import { exampleInput, onlyResource, parse, policyOf, statement, synthPlatform } from "./helpers";

const example = synthPlatform();
const bootstrap = example.json["staging-bootstrap"];

describe("state bucket", () => {
  const bucket = () => onlyResource(bootstrap, "aws_s3_bucket");

  test("is named for the account and protected from destroy", () => {
    expect(bucket()).toMatchObject({
      bucket: "mlops-staging-tfstate-222222222222-eu-west-1",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("is encrypted with the state key and the bucket key", () => {
    const encryption = onlyResource(
      bootstrap,
      "aws_s3_bucket_server_side_encryption_configuration",
    );
    const key = Object.keys(bootstrap.resource!.aws_kms_key)[0];
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: `\${aws_kms_key.${key}.arn}`,
        },
        bucket_key_enabled: true,
      },
    ]);
  });

  test("is versioned, private and owner-enforced", () => {
    expect(onlyResource(bootstrap, "aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(onlyResource(bootstrap, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(bootstrap, "aws_s3_bucket_ownership_controls").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  test("keeps old state versions for the configured time and count, without tiering", () => {
    const rules = onlyResource(bootstrap, "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules.map((r: any) => r.id)).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-noncurrent-versions",
    ]);
    expect(rules[1].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 90, newer_noncurrent_versions: 10 },
    ]);
  });

  test("state version retention follows config", () => {
    const config = parse({
      ...exampleInput(),
      state: { noncurrentVersionExpirationDays: 400, noncurrentVersionsRetained: 3 },
    });
    const { json } = synthPlatform(config);
    const rules = onlyResource(json["dev-bootstrap"], "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules[1].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 400, newer_noncurrent_versions: 3 },
    ]);
  });

  test("its policy denies non-TLS, old TLS, other encryption, and deleting state versions", () => {
    const policy = policyOf(onlyResource(bootstrap, "aws_s3_bucket_policy"));
    const bucketName = Object.keys(bootstrap.resource!.aws_s3_bucket)[0];
    const arn = `\${aws_s3_bucket.${bucketName}.arn}`;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyOtherEncryption",
      "DenyOtherKmsKey",
      "DenyCustomerProvidedKeys",
      "DenyDeletingStateVersions",
    ]);
    expect(policy.Statement.every((s) => s.Effect === "Deny")).toBe(true);
    expect(statement(policy, "DenyOtherKmsKey").Condition!.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption-aws-kms-key-id": [
        `\${aws_kms_key.${Object.keys(bootstrap.resource!.aws_kms_key)[0]}.arn}`,
        "arn:aws:kms:eu-west-1:222222222222:alias/mlops-staging-tfstate",
      ],
    });
    expect(statement(policy, "DenyDeletingStateVersions")).toEqual({
      Sid: "DenyDeletingStateVersions",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:DeleteObjectVersion",
      Resource: `${arn}/*`,
    });
  });
});

describe("state key", () => {
  const key = () => onlyResource(bootstrap, "aws_kms_key");

  test("rotates, has the longest deletion window and is protected from destroy", () => {
    expect(key()).toMatchObject({
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("has the alias the backends name it by", () => {
    expect(onlyResource(bootstrap, "aws_kms_alias").name).toBe("alias/mlops-staging-tfstate");
  });

  test("is administered by the deploy role and used by it only through S3 in this account", () => {
    const policy = policyOf(key());
    const deployRole = "arn:aws:iam::222222222222:role/terraform-deploy";
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["KeyAdministration", "StateThroughS3"]);
    expect(statement(policy, "KeyAdministration").Principal).toEqual({ AWS: [deployRole] });
    expect(statement(policy, "KeyAdministration").Action).not.toContain("kms:Decrypt");
    expect(statement(policy, "StateThroughS3")).toMatchObject({
      Principal: { AWS: [deployRole] },
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "222222222222",
        },
      },
    });
    // No delegation to IAM: nothing grants the account root.
    expect(JSON.stringify(policy)).not.toContain(":root");
  });
});

describe("lock table (locking: dynamodb)", () => {
  const { json } = synthPlatform(parse({ ...exampleInput(), state: { locking: "dynamodb" } }));
  const stack = json["prod-bootstrap"];

  test("is recoverable, encrypted with the state key and protected", () => {
    const keyName = Object.keys(stack.resource!.aws_kms_key)[0];
    expect(onlyResource(stack, "aws_dynamodb_table")).toMatchObject({
      name: "mlops-prod-tfstate-lock",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: `\${aws_kms_key.${keyName}.arn}` },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("the state key lets the deploy role use it through DynamoDB, grants only for AWS resources", () => {
    const policy = policyOf(onlyResource(stack, "aws_kms_key"));
    expect(statement(policy, "LocksThroughDynamoDb").Condition!.StringEquals).toEqual({
      "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
      "kms:CallerAccount": "333333333333",
    });
    expect(statement(policy, "DynamoDbGrants")).toMatchObject({
      Action: "kms:CreateGrant",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  test("has an output naming it", () => {
    expect(stack.output?.state_lock_table).toBeDefined();
  });

  test("does not exist with lockfile locking", () => {
    expect(bootstrap.resource!.aws_dynamodb_table).toBeUndefined();
  });
});

describe("bootstrap outputs", () => {
  test("name the state bucket, key and alias", () => {
    expect(Object.keys(bootstrap.output ?? {}).sort()).toEqual([
      "state_bucket",
      "state_key_alias",
      "state_key_arn",
    ]);
  });
});
