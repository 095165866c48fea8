import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { KMS_ENCRYPT_DECRYPT_ACTIONS, KmsKey } from "./kms-key";
import { SecureBucket } from "./secure-bucket";

export interface TerraformStateBackendProps {
  /** Name of the state bucket. */
  readonly bucketName: string;
  /** Alias of the state key, `alias/<prefix>-<env>-tfstate`. */
  readonly keyAlias: string;
  /** ARN of that alias; the backend names the key by it. */
  readonly keyAliasArn: string;
  /** Principals that administer the key (the Terraform deploy role). */
  readonly administratorArns: string[];
  /** Principals that read and write state (the deploy role; later the CI roles). */
  readonly stateUserArns: string[];
  readonly accountId: string;
  readonly region: string;
  /** DNS suffix of the partition, for `kms:ViaService` values. */
  readonly dnsSuffix: string;
  /**
   * Name of a DynamoDB lock table, for teams on Terraform older than 1.10.
   * @default no table; Terraform's S3 native locking (`use_lockfile`) is used
   */
  readonly lockTableName?: string;
  /** @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** @default 10 */
  readonly noncurrentVersionsRetained?: number;
}

/**
 * Where an account's Terraform state lives: a KMS key, a secure versioned bucket, and
 * optionally a DynamoDB lock table, all protected from destroy.
 */
export class TerraformStateBackend extends Construct {
  readonly key: KmsKey;
  readonly bucket: SecureBucket;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: TerraformStateBackendProps) {
    super(scope, id);
    const viaS3 = `s3.${props.region}.${props.dnsSuffix}`;
    const viaDynamoDb = `dynamodb.${props.region}.${props.dnsSuffix}`;

    this.key = new KmsKey(this, "key", {
      alias: props.keyAlias,
      description: `Encrypts Terraform state in ${props.bucketName}`,
      administratorArns: props.administratorArns,
      usageStatements: [
        {
          Sid: "StateThroughS3",
          Effect: "Allow",
          Principal: { AWS: props.stateUserArns },
          Action: KMS_ENCRYPT_DECRYPT_ACTIONS,
          Resource: "*",
          Condition: {
            StringEquals: { "kms:ViaService": viaS3, "kms:CallerAccount": props.accountId },
          },
        },
      ],
    });

    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      encryptionKey: { keyArn: this.key.keyArn, aliasArn: props.keyAliasArn },
      lifecycle: {
        transitions: false,
        noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 90,
        noncurrentVersionsRetained: props.noncurrentVersionsRetained ?? 10,
      },
    });
    // State history is the way back from a bad apply: nobody deletes a version by hand;
    // the lifecycle rule expires old versions.
    this.bucket.addToResourcePolicy({
      Sid: "DenyDeletingStateVersions",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:DeleteObjectVersion",
      Resource: `${this.bucket.bucketArn}/*`,
    });

    if (props.lockTableName !== undefined) {
      this.key.addToPolicy({
        Sid: "LocksThroughDynamoDb",
        Effect: "Allow",
        Principal: { AWS: props.stateUserArns },
        Action: KMS_ENCRYPT_DECRYPT_ACTIONS,
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": viaDynamoDb, "kms:CallerAccount": props.accountId },
        },
      });
      this.key.addToPolicy({
        Sid: "DynamoDbGrants",
        Effect: "Allow",
        Principal: { AWS: props.stateUserArns },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": viaDynamoDb, "kms:CallerAccount": props.accountId },
          Bool: { "kms:GrantIsForAWSResource": "true" },
        },
      });
      this.lockTable = new DynamodbTable(this, "lock-table", {
        name: props.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.keyArn },
        deletionProtectionEnabled: true,
        lifecycle: { preventDestroy: true },
      });
    }
  }
}
