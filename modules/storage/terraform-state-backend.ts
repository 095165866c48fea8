import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import type { AwsEnvironment } from "../core/aws-environment";
import { KMS_ENCRYPT_DECRYPT_ACTIONS, KmsKey } from "../kms/kms-key";
import { SecureBucket, type BucketAccessLogs } from "./secure-bucket";

export interface TerraformStateBackendProps {
  /** Name of the state bucket. */
  readonly bucketName: string;
  /** Alias of the state key, `alias/<prefix>-<env>-tfstate`; the backends name the key by it. */
  readonly keyAlias: string;
  /** Principals that administer the key (the Terraform deploy role). */
  readonly administratorArns: string[];
  /** Principals that read and write state (the deploy role; later the CI roles). */
  readonly stateUserArns: string[];
  readonly environment: AwsEnvironment;
  /** Where the state bucket's access logs go (who read the state, and when). */
  readonly accessLogs: BucketAccessLogs;
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
    const env = props.environment;

    this.key = new KmsKey(this, "key", {
      alias: props.keyAlias,
      description: `Encrypts Terraform state in ${props.bucketName}`,
      administratorArns: props.administratorArns,
    });
    this.key.grantThroughService({
      sid: "StateThroughS3",
      principals: props.stateUserArns,
      actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: "s3",
      env,
    });

    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      encryption: { kmsKey: this.key },
      environment: env,
      accessLogs: props.accessLogs,
      lifecycle: {
        transitions: false,
        // Old state is the way back from a bad apply: it stays readable until it expires.
        noncurrentVersionArchiveDays: false,
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
      this.key.grantThroughService({
        sid: "LocksThroughDynamoDb",
        principals: props.stateUserArns,
        actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
        via: "dynamodb",
        env,
      });
      this.key.grantCreateGrantForAwsResources({
        sid: "DynamoDbGrants",
        principals: props.stateUserArns,
        via: "dynamodb",
        env,
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
