import { KMS_ADMIN_ACTIONS } from "../../../modules/kms/kms-key";
import {
  bucketByName,
  findResource,
  exampleInput,
  keyByAlias,
  onlyResource,
  parse,
  policyOf,
  resourcesOf,
  statement,
  synthPlatform,
  KEY_USE_ACTIONS,
} from "../../helpers";

const example = synthPlatform();
const bootstrap = example.json["staging-bootstrap"];

const STATE_BUCKET = "mlops-staging-tfstate-222222222222-eu-west-1";
const state = bucketByName(bootstrap, STATE_BUCKET);
const [stateKeyName, stateKey] = keyByAlias(bootstrap, "alias/mlops-staging-tfstate");

describe("state bucket", () => {
  const bucket = () => resourcesOf(bootstrap, "aws_s3_bucket")[state.name];

  test("is named for the account and protected from destroy", () => {
    expect(bucket()).toMatchObject({
      bucket: "mlops-staging-tfstate-222222222222-eu-west-1",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("is encrypted with the state key and the bucket key", () => {
    const encryption = state.config("aws_s3_bucket_server_side_encryption_configuration");
    const key = stateKeyName;
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
    expect(state.config("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(state.config("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(state.config("aws_s3_bucket_ownership_controls").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  test("keeps old state versions for the configured time and count, without tiering", () => {
    const rules = state.config("aws_s3_bucket_lifecycle_configuration").rule;
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
    const rules = bucketByName(
      json["dev-bootstrap"],
      "mlops-dev-tfstate-111111111111-eu-west-1",
    ).config("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules[1].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 400, newer_noncurrent_versions: 3 },
    ]);
  });

  test("its policy denies non-TLS, old TLS, other encryption, and deleting state versions", () => {
    const policy = policyOf(state.config("aws_s3_bucket_policy"));
    const arn = `\${aws_s3_bucket.${state.name}.arn}`;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyOtherEncryption",
      "DenyCustomerProvidedKeys",
      "DenyOtherKmsKey",
      "DenyDeletingStateVersions",
    ]);
    expect(policy.Statement.every((s) => s.Effect === "Deny")).toBe(true);
    expect(statement(policy, "DenyOtherKmsKey").Condition!.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption-aws-kms-key-id": [
        `\${aws_kms_key.${stateKeyName}.arn}`,
        `\${aws_kms_alias.${Object.keys(bootstrap.resource!.aws_kms_alias)[0]}.arn}`,
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
  const key = () => stateKey;

  test("rotates, has the longest deletion window and is protected from destroy", () => {
    expect(key()).toMatchObject({
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("has the alias the backends name it by", () => {
    expect(keyByAlias(bootstrap, "alias/mlops-staging-tfstate")[0]).toBe(stateKeyName);
  });

  test("is administered by the deploy role and used by it (and the CI plan role) only through S3 in this account", () => {
    const policy = policyOf(key());
    const deployRole = "arn:aws:iam::222222222222:role/terraform-deploy";
    const [planRole] = findResource(
      bootstrap,
      "aws_iam_role",
      (r) => r.name === "mlops-staging-ci-plan",
    );
    const planRoleArn = `\${aws_iam_role.${planRole}.arn}`;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "KeyAdministration",
      "StateThroughS3",
      "CiPlanReadsKeyMetadata",
    ]);
    // Administration never includes using the key.
    expect(statement(policy, "KeyAdministration")).toEqual({
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [deployRole] },
      Action: KMS_ADMIN_ACTIONS,
      Resource: "*",
    });
    expect(KMS_ADMIN_ACTIONS).not.toContain("kms:Decrypt");
    expect(statement(policy, "StateThroughS3")).toEqual({
      Sid: "StateThroughS3",
      Effect: "Allow",
      Principal: { AWS: [deployRole, planRoleArn] },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "222222222222",
        },
      },
    });
    expect(statement(policy, "CiPlanReadsKeyMetadata")).toEqual({
      Sid: "CiPlanReadsKeyMetadata",
      Effect: "Allow",
      Principal: { AWS: planRoleArn },
      Action: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
      ],
      Resource: "*",
    });
    // No delegation to IAM: nothing grants the account root.
    expect(JSON.stringify(policy)).not.toContain(":root");
  });
});

describe("lock table (locking: dynamodb)", () => {
  const { json } = synthPlatform(parse({ ...exampleInput(), state: { locking: "dynamodb" } }));
  const stack = json["prod-bootstrap"];

  test("is recoverable, encrypted with the state key and protected", () => {
    const [keyName] = keyByAlias(stack, "alias/mlops-prod-tfstate");
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
    const policy = policyOf(keyByAlias(stack, "alias/mlops-prod-tfstate")[1]);
    const [planRole] = findResource(stack, "aws_iam_role", (r) => r.name === "mlops-prod-ci-plan");
    expect(statement(policy, "LocksThroughDynamoDb")).toEqual({
      Sid: "LocksThroughDynamoDb",
      Effect: "Allow",
      Principal: {
        AWS: [
          "arn:aws:iam::333333333333:role/terraform-deploy",
          `\${aws_iam_role.${planRole}.arn}`,
        ],
      },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "333333333333",
        },
      },
    });
    expect(statement(policy, "DynamoDbGrants")).toEqual({
      Sid: "DynamoDbGrants",
      Effect: "Allow",
      Principal: {
        AWS: [
          "arn:aws:iam::333333333333:role/terraform-deploy",
          `\${aws_iam_role.${planRole}.arn}`,
        ],
      },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "333333333333",
        },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
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
  test("name the access log bucket, the state bucket, key and alias", () => {
    expect(Object.keys(bootstrap.output ?? {}).sort()).toEqual([
      "access_log_bucket",
      "ci_apply_role_arn",
      "ci_plan_role_arn",
      "state_bucket",
      "state_key_alias",
      "state_key_arn",
    ]);
  });
});
