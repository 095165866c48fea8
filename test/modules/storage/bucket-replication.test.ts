/**
 * BucketReplication on its own: a role only S3 of this account assumes, that reads the source,
 * writes the replica and uses each key through S3 for its own bucket only; every version, delete
 * marker and tag replicated; Object Lock's retention and holds when the source has it.
 */
import { KmsKey } from "../../../modules/kms/kms-key";
import { BucketReplication } from "../../../modules/storage/bucket-replication";
import { SecureBucket } from "../../../modules/storage/secure-bucket";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;
const DEPLOY = "arn:aws:iam::111111111111:role/terraform-deploy";

function build(options: { objectLock?: boolean; sourceSseS3?: boolean } = {}) {
  const stack = moduleTestStack();
  const key = (id: string) =>
    new KmsKey(stack, id, { alias: `alias/${id}`, description: id, administratorArns: [DEPLOY] });
  const bucket = (
    id: string,
    env: { accountId: string; region: string; partition: string; dnsSuffix: string },
    encryption: ConstructorParameters<typeof SecureBucket>[2]["encryption"],
  ) =>
    new SecureBucket(stack, id, {
      bucketName: id,
      encryption,
      environment: env,
      accessLogs: { disabledReason: "a unit test's bucket, logged nowhere" },
    });
  const source = bucket(
    "source",
    ENV,
    options.sourceSseS3
      ? { s3ManagedReason: "a unit test of the refusal" }
      : { kmsKey: key("source-key") },
  );
  const replicaEnv = { ...ENV, region: "eu-central-1" };
  const replica = bucket("replica", replicaEnv, { kmsKey: key("replica-key") });
  new BucketReplication(stack, "replication", {
    source,
    replica,
    roleName: "p-dev-data-replication",
    environment: ENV,
    replicaRegion: "eu-central-1",
    objectLock: options.objectLock,
  });
  return synthStack(stack);
}

describe("BucketReplication", () => {
  const json = build();
  const [policy] = Object.values(resourcesOf(json, "aws_iam_policy"));
  const statements = policyOf(policy);

  test("the role: S3 of this account only", () => {
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
      {
        Sid: "S3OfThisAccount",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
  });

  test("each key through S3 of its own region, for its own bucket's objects only", () => {
    expect(statement(statements, "DecryptWithTheSourceKey").Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      StringLike: {
        "kms:EncryptionContext:aws:s3:arn": [
          expect.stringMatching(/^\$\{aws_s3_bucket\.source.*\.arn\}$/),
          expect.stringMatching(/^\$\{aws_s3_bucket\.source.*\.arn\}\/\*$/),
        ],
      },
    });
    expect(statement(statements, "EncryptWithTheReplicaKey")).toMatchObject({
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } },
    });
    expect(statement(statements, "ReadSourceVersions").Action).toEqual([
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionTagging",
    ]);
  });

  test("every version, delete marker and KMS-encrypted object, into the replica with its key", () => {
    const [configuration] = Object.values(
      resourcesOf(json, "aws_s3_bucket_replication_configuration"),
    );
    expect(configuration.rule).toEqual([
      {
        id: "replicate-everything",
        status: "Enabled",
        filter: {},
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.replica.*\.arn\}$/),
          encryption_configuration: {
            replica_kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.replica-key.*\.arn\}$/),
          },
        },
      },
    ]);
    expect(configuration.depends_on).toHaveLength(2);
  });

  test("with Object Lock, the retention and legal holds are read too", () => {
    const [locked] = Object.values(resourcesOf(build({ objectLock: true }), "aws_iam_policy"));
    expect(statement(policyOf(locked), "ReadSourceVersions").Action).toEqual(
      expect.arrayContaining(["s3:GetObjectLegalHold", "s3:GetObjectRetention"]),
    );
  });

  test("an SSE-S3 bucket is refused: replication here needs a key managed in the stack", () => {
    expect(() => build({ sourceSseS3: true })).toThrow(
      "test/replication: source and replica must both be encrypted with a KMS key managed in this stack",
    );
  });
});
