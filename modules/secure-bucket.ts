import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { Token } from "./cdktf";
import { ResourcePolicy, type PolicyStatement } from "./iam-policy";

/** Storage class transitions of current object versions, in days after creation. */
export interface StorageTransitions {
  /** @default 30 (the earliest S3 allows) */
  readonly standardIaDays?: number;
  /** @default 90 */
  readonly glacierDays?: number;
  /** @default 365 */
  readonly deepArchiveDays?: number;
}

export interface BucketLifecycleProps {
  /**
   * Move current objects to cheaper storage classes as they age; `false` keeps them in
   * STANDARD (for small, hot objects such as Terraform state).
   * @default STANDARD_IA after 30 days, GLACIER after 90, DEEP_ARCHIVE after 365
   */
  readonly transitions?: StorageTransitions | false;
  /**
   * Days a superseded (noncurrent) version is kept before it expires.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Superseded versions kept whatever their age.
   * @default none beyond the expiration days
   */
  readonly noncurrentVersionsRetained?: number;
  /**
   * Days before an unfinished multipart upload is aborted and its parts deleted.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/** The key that encrypts a bucket. */
export interface BucketEncryptionKey {
  readonly keyArn: string;
  /**
   * The key's alias ARN, when clients name the key by alias in upload requests (the Terraform
   * S3 backend does). Uploads may name the key by ARN or by this alias; any other key is denied.
   * @default uploads may name the key only by its key ARN
   */
  readonly aliasArn?: string;
}

export interface SecureBucketProps {
  /** Globally unique bucket name (3 to 63 characters). */
  readonly bucketName: string;
  /** Customer managed key for SSE-KMS; the S3 bucket key is always on. */
  readonly encryptionKey: BucketEncryptionKey;
  /** @default see BucketLifecycleProps */
  readonly lifecycle?: BucketLifecycleProps;
}

const DEFAULT_TRANSITIONS = { standardIaDays: 30, glacierDays: 90, deepArchiveDays: 365 };

/** Checks the order and minimums S3 enforces on transitions; returns the problem or undefined. */
export function transitionProblem(t: Required<StorageTransitions>): string | undefined {
  const values = [t.standardIaDays, t.glacierDays, t.deepArchiveDays];
  if (values.some((v) => Token.isUnresolved(v))) return undefined;
  if (values.some((v) => !Number.isInteger(v) || v < 0)) {
    return `transition days must be whole numbers (got ${values.join(", ")})`;
  }
  if (t.standardIaDays < 30) {
    return `standardIaDays is ${t.standardIaDays}; S3 moves objects to STANDARD_IA no earlier than 30 days`;
  }
  if (!(t.standardIaDays < t.glacierDays && t.glacierDays < t.deepArchiveDays)) {
    return `transition days must increase: standardIaDays (${t.standardIaDays}) < glacierDays (${t.glacierDays}) < deepArchiveDays (${t.deepArchiveDays})`;
  }
  if (t.glacierDays - t.standardIaDays < 30) {
    return `glacierDays (${t.glacierDays}) must be at least 30 days after standardIaDays (${t.standardIaDays}); S3 keeps objects in STANDARD_IA for 30 days`;
  }
  return undefined;
}

/**
 * An S3 bucket with every protection on by default: SSE-KMS with a customer managed key and the
 * bucket key, versioning, all four public access block settings, BucketOwnerEnforced (ACLs
 * off), no force_destroy, protected from `terraform destroy`, a policy that denies requests
 * without TLS 1.2 and uploads asking for another encryption or key, and lifecycle rules.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly encryptionKey: BucketEncryptionKey;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  private readonly policy: ResourcePolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: props.encryptionKey.keyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: this.lifecycleRules(props.lifecycle ?? {}),
    });

    this.policy = new ResourcePolicy(this.node.path);
    this.policy.add(...this.baselineStatements());
    new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: this.policy.toJsonToken(),
      // S3 rejects a policy change that races the public access block change.
      dependsOn: [this.publicAccessBlock],
    });
  }

  /** Adds a statement to the bucket policy. Allowing every principal needs a condition. */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  /** The bucket policy statements, in order (for tests and reports). */
  get policyStatements(): readonly PolicyStatement[] {
    return this.policy.statements;
  }

  private baselineStatements(): PolicyStatement[] {
    const bucketAndObjects = [this.bucketArn, `${this.bucketArn}/*`];
    const objects = `${this.bucketArn}/*`;
    const allowedKeys = [this.encryptionKey.keyArn];
    if (this.encryptionKey.aliasArn !== undefined) allowedKeys.push(this.encryptionKey.aliasArn);
    return [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
      {
        // A request without encryption headers gets the bucket default (SSE-KMS with the key).
        Sid: "DenyOtherEncryption",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
          Null: { "s3:x-amz-server-side-encryption": "false" },
        },
      },
      {
        Sid: "DenyOtherKmsKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": allowedKeys },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
      },
      {
        Sid: "DenyCustomerProvidedKeys",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" },
        },
      },
    ];
  }

  private lifecycleRules(props: BucketLifecycleProps): S3BucketLifecycleConfigurationRule[] {
    const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    for (const [name, value] of [
      ["abortIncompleteMultipartUploadDays", abortDays],
      ["noncurrentVersionExpirationDays", noncurrentDays],
    ] as const) {
      if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
        throw new Error(
          `${this.node.path}: lifecycle.${name} is ${value}; must be a whole number of days, at least 1`,
        );
      }
    }
    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrentVersionExpiration: [
          {
            noncurrentDays,
            newerNoncurrentVersions: props.noncurrentVersionsRetained,
          },
        ],
        expiration: [{ expiredObjectDeleteMarker: true }],
      },
    ];
    if (props.transitions !== false) {
      const t = { ...DEFAULT_TRANSITIONS, ...(props.transitions ?? {}) };
      const problem = transitionProblem(t);
      if (problem) throw new Error(`${this.node.path}: lifecycle.transitions: ${problem}`);
      rules.push({
        id: "tier-current-versions",
        status: "Enabled",
        filter: [{}],
        transition: [
          { days: t.standardIaDays, storageClass: "STANDARD_IA" },
          { days: t.glacierDays, storageClass: "GLACIER" },
          { days: t.deepArchiveDays, storageClass: "DEEP_ARCHIVE" },
        ],
      });
    }
    return rules;
  }
}
