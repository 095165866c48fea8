/**
 * The AWS quotas and ranges the platform checks against, in one place: the config schema's
 * ranges, the constructs' synthesis checks and the exported modules' `validation` blocks all
 * read them from here, so a limit AWS changes is changed once. Each says where AWS documents it.
 */

/** An inclusive range of whole numbers. */
export interface WholeRange {
  readonly min: number;
  readonly max: number;
}

export const AWS_LIMITS = {
  s3: {
    /** Bucket names: 3 to 63 characters (S3 bucket naming rules). */
    bucketNameChars: 63,
    /** A bucket policy: 20 KB (S3 quotas). */
    bucketPolicyChars: 20_480,
    /** Any lifecycle rule's days: S3 takes up to 100 years. */
    lifecycleDays: { min: 0, max: 36_500 },
    /** Transition to STANDARD_IA: at least 30 days after creation (S3 lifecycle rules). */
    standardIaMinDays: 30,
    /** Object Lock default retention in days (PutObjectLockConfiguration). */
    objectLockRetentionDays: { min: 1, max: 36_500 },
  },
  kms: {
    /** A key policy: 32 KB (KMS quotas). */
    keyPolicyChars: 32_768,
  },
  iam: {
    /** Role names: 64 characters (IAM quotas). */
    roleNameChars: 64,
    /** A customer managed policy: 6,144 characters without white space (IAM quotas). */
    managedPolicyChars: 6_144,
  },
  sagemaker: {
    /** A model package group's resource policy: 20 KB. */
    modelPackageGroupPolicyChars: 20_480,
    /** A Studio lifecycle configuration's content, base64 (CreateStudioLifecycleConfig). */
    lifecycleConfigContentChars: 16_384,
    /** Studio's built-in idle shutdown (IdleSettings.IdleTimeoutInMinutes). */
    idleTimeoutMinutes: { min: 60, max: 525_600 },
  },
  tags: {
    /** User tags per resource (every service the platform uses). */
    perResource: 50,
  },
  events: {
    /** An event pattern: 2,048 characters by default (EventBridge quotas, "Event pattern size"). */
    patternChars: 2_048,
    /** Rule names: 64 characters of letters, digits, `.`, `-` and `_` (PutRule). */
    ruleNameChars: 64,
  },
  sns: {
    /** A topic's access policy: 30 KB (SNS quotas). */
    topicPolicyChars: 30_720,
  },
  rds: {
    /** gp3 storage of an RDS PostgreSQL instance, in GiB (CreateDBInstance). */
    allocatedStorageGb: { min: 20, max: 16_384 },
  },
} as const satisfies Record<string, Record<string, number | WholeRange>>;
