import {
  bucketByName,
  exampleInput,
  keyByAlias,
  parse,
  policyOf,
  problemsOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
} from "../../helpers";

function withReplicas(buckets: Record<string, unknown>) {
  const input = exampleInput() as any;
  input.accounts.dev.buckets = buckets;
  return synthPlatform(parse(input)).json;
}

const json = withReplicas({
  models: { replicaRegion: "eu-central-1", objectLockRetentionDays: 30 },
  data: { replicaRegion: "eu-central-1" },
});
const dev = json.dev;
const REPLICA_PROVIDER = "aws.eu-central-1";

function problems(buckets: Record<string, unknown>): readonly string[] {
  return problemsOf((input) => (input.accounts.dev.buckets = buckets));
}

describe("cross-region replication", () => {
  test("a provider for the replica region with the same account guard, role and tags", () => {
    const [primary, replica] = dev.provider!.aws;
    expect(replica).toEqual({ ...primary, region: "eu-central-1", alias: "eu-central-1" });
  });

  test("every replica resource uses the replica region's provider; nothing else does", () => {
    let replicaResources = 0;
    for (const [type, resources] of Object.entries(dev.resource!)) {
      for (const [name, r] of Object.entries(resources)) {
        if (name.startsWith("replica-eu-central-1_")) {
          replicaResources++;
          expect([type, r.provider]).toEqual([type, REPLICA_PROVIDER]);
        } else if (name.startsWith("global-events_")) {
          // The security alerts' rules for IAM's events, which happen in us-east-1.
          expect([type, r.provider]).toEqual([type, "aws.us-east-1"]);
        } else {
          expect([type, r.provider]).toEqual([type, undefined]);
        }
      }
    }
    expect(replicaResources).toBeGreaterThan(20);
  });

  test("replicas have the source's protections, their own key and access-log bucket", () => {
    const replica = bucketByName(dev, "mlops-dev-models-111111111111-eu-central-1");
    const [replicaKey, key] = keyByAlias(dev, "alias/mlops-dev-data") as [string, any];
    expect(key.provider).toBeUndefined();
    const replicaKeys = Object.entries(resourcesOf(dev, "aws_kms_key")).filter(
      ([, k]) => k.provider === REPLICA_PROVIDER,
    );
    expect(replicaKeys).toHaveLength(1);
    expect(replicaKeys[0][1]).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(replicaKeys[0][0]).not.toBe(replicaKey);

    expect(resourcesOf(dev, "aws_s3_bucket")[replica.name]).toMatchObject({
      force_destroy: false,
      object_lock_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(replica.config("aws_s3_bucket_server_side_encryption_configuration").rule[0]).toEqual({
      apply_server_side_encryption_by_default: {
        sse_algorithm: "aws:kms",
        kms_master_key_id: `\${aws_kms_key.${replicaKeys[0][0]}.arn}`,
      },
      bucket_key_enabled: true,
    });
    expect(replica.config("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(replica.config("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(replica.config("aws_s3_bucket_object_lock_configuration").rule).toEqual({
      default_retention: { mode: "GOVERNANCE", days: 30 },
    });
    const logs = bucketByName(dev, "mlops-dev-access-logs-111111111111-eu-central-1");
    expect(replica.config("aws_s3_bucket_logging").target_bucket).toBe(
      `\${aws_s3_bucket.${logs.name}.bucket}`,
    );
  });

  test("only the deploy and replication roles (and the CI plan, reading configuration) may use a replica", () => {
    const replica = bucketByName(dev, "mlops-dev-data-111111111111-eu-central-1");
    const role = Object.entries(resourcesOf(dev, "aws_iam_role")).find(
      ([, r]) => r.name === "mlops-dev-data-replication",
    )![0];
    expect(
      statement(policyOf(replica.config("aws_s3_bucket_policy")), "DenyAllButTheExemptRoles"),
    ).toEqual({
      Sid: "DenyAllButTheExemptRoles",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [
        `\${aws_s3_bucket.${replica.name}.arn}`,
        `\${aws_s3_bucket.${replica.name}.arn}/*`,
      ],
      Condition: {
        ArnNotEquals: {
          "aws:PrincipalArn": [
            "arn:aws:iam::111111111111:role/terraform-deploy",
            `\${aws_iam_role.${role}.arn}`,
            "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
          ],
        },
        BoolIfExists: { "aws:ViaAWSService": "false" },
      },
    });
  });

  test("the source's VPC-endpoint rule exempts its replication role", () => {
    const source = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1");
    const role = Object.entries(resourcesOf(dev, "aws_iam_role")).find(
      ([, r]) => r.name === "mlops-dev-models-replication",
    )![0];
    expect(
      statement(policyOf(source.config("aws_s3_bucket_policy")), "DenyOutsideTheVpcEndpoint")
        .Condition!.ArnNotEquals,
    ).toEqual({
      "aws:PrincipalArn": [
        "arn:aws:iam::111111111111:role/terraform-deploy",
        "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
        "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
        `\${aws_iam_role.${role}.arn}`,
        // The approver tags artifacts from outside the VPC; its policy allows only that.
        "arn:aws:iam::111111111111:role/mlops-dev-model-approver",
        "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
      ],
    });
  });

  test("the replication role is S3's of this account and reaches only the two buckets and keys", () => {
    const [, role] = Object.entries(resourcesOf(dev, "aws_iam_role")).find(
      ([, r]) => r.name === "mlops-dev-models-replication",
    )!;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "S3OfThisAccount",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
    const policy = rolePolicy(dev, "mlops-dev-models-replication");
    const source = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1").name;
    const replica = bucketByName(dev, "mlops-dev-models-111111111111-eu-central-1").name;
    const [sourceKey] = keyByAlias(dev, "alias/mlops-dev-data");
    const replicaKey = Object.entries(resourcesOf(dev, "aws_kms_key")).find(
      ([, k]) => k.provider === REPLICA_PROVIDER,
    )![0];
    const arn = (b: string) => `\${aws_s3_bucket.${b}.arn}`;
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadTheSourceBucket",
        Effect: "Allow",
        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        Resource: arn(source),
      },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: [
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionTagging",
          "s3:GetObjectLegalHold",
          "s3:GetObjectRetention",
        ],
        Resource: `${arn(source)}/*`,
      },
      {
        Sid: "WriteTheReplica",
        Effect: "Allow",
        Action: ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
        Resource: `${arn(replica)}/*`,
      },
      {
        Sid: "DecryptWithTheSourceKey",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: `\${aws_kms_key.${sourceKey}.arn}`,
        Condition: {
          StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [arn(source), `${arn(source)}/*`] },
        },
      },
      {
        Sid: "EncryptWithTheReplicaKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: `\${aws_kms_key.${replicaKey}.arn}`,
        Condition: {
          StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [arn(replica), `${arn(replica)}/*`] },
        },
      },
    ]);
  });

  test("both key policies name the replication role, through S3 in their own region", () => {
    const [, sourceKey] = keyByAlias(dev, "alias/mlops-dev-data") as [string, any];
    const replicaKey = Object.values(resourcesOf(dev, "aws_kms_key")).find(
      (k) => k.provider === REPLICA_PROVIDER,
    );
    const role = Object.keys(resourcesOf(dev, "aws_iam_role")).find((r) =>
      r.startsWith("models-replication_role_"),
    );
    const through = (region: string) => ({
      StringEquals: {
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:CallerAccount": "111111111111",
      },
    });
    // Decrypt what it reads at the source, encrypt what it writes to the replica: nothing else.
    expect([
      statement(policyOf(sourceKey), "ModelsBucketReplication"),
      statement(policyOf(replicaKey), "ModelsBucketReplica"),
    ]).toEqual([
      {
        Sid: "ModelsBucketReplication",
        Effect: "Allow",
        Principal: { AWS: [`\${aws_iam_role.${role}.arn}`] },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: through("eu-west-1"),
      },
      {
        Sid: "ModelsBucketReplica",
        Effect: "Allow",
        Principal: { AWS: [`\${aws_iam_role.${role}.arn}`] },
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: through("eu-central-1"),
      },
    ]);
  });

  test("every version, delete marker and KMS-encrypted object replicates, after versioning is on", () => {
    const source = bucketByName(dev, "mlops-dev-data-111111111111-eu-west-1");
    const replica = bucketByName(dev, "mlops-dev-data-111111111111-eu-central-1");
    const config = source.config("aws_s3_bucket_replication_configuration");
    const replicaKey = Object.entries(resourcesOf(dev, "aws_kms_key")).find(
      ([, k]) => k.provider === REPLICA_PROVIDER,
    )![0];
    expect(config.rule).toEqual([
      {
        id: "replicate-everything",
        status: "Enabled",
        filter: {},
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: `\${aws_s3_bucket.${replica.name}.arn}`,
          encryption_configuration: { replica_kms_key_id: `\${aws_kms_key.${replicaKey}.arn}` },
        },
      },
    ]);
    const versioning = (b: typeof source) =>
      `aws_s3_bucket_versioning.${
        Object.entries(resourcesOf(dev, "aws_s3_bucket_versioning")).find(
          ([, v]) => v.bucket === `\${aws_s3_bucket.${b.name}.id}`,
        )![0]
      }`;
    expect(config.depends_on).toEqual([versioning(source), versioning(replica)]);
  });

  test("no replication unless configured", () => {
    const example = synthPlatform().json;
    expect(resourcesOf(example.dev, "aws_s3_bucket_replication_configuration")).toEqual({});
    // The home region's provider and us-east-1's (IAM's events); none for a replica region.
    expect(example.dev.provider!.aws.map((p: any) => p.region)).toEqual(["eu-west-1", "us-east-1"]);
  });
});

describe("bad replication options", () => {
  test("the platform's own region", () => {
    expect(problems({ data: { replicaRegion: "eu-west-1" } })).toEqual([
      'accounts.dev.buckets.data.replicaRegion: "eu-west-1" must differ from the platform region eu-west-1',
    ]);
  });

  test("another partition", () => {
    expect(problems({ models: { replicaRegion: "us-gov-west-1" } })).toEqual([
      'accounts.dev.buckets.models.replicaRegion: "us-gov-west-1" must be in the platform\'s partition (aws); replication cannot cross partitions',
    ]);
  });

  test("an unknown region", () => {
    expect(problems({ mlflow: { replicaRegion: "eu-middle-1" } })).toEqual([
      'accounts.dev.buckets.mlflow.replicaRegion: "eu-middle-1" must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1',
    ]);
  });

  test("a replica name over 63 characters", () => {
    const input = exampleInput() as any;
    input.prefix = "machine-learning-pla";
    input.accounts.dev.buckets = { data: { replicaRegion: "ap-southeast-2" } };
    expect(() => parse(input)).toThrow(
      /accounts\.dev\.buckets\.data\.replicaRegion: gives the replica bucket name "machine-learning-pla-dev-access-logs-111111111111-ap-southeast-2", which is 64 characters/,
    );
  });
});
