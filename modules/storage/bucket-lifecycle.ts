import type { S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { Token } from "../core/cdktf";

/** S3 lifecycle settings of a platform bucket and the rules S3 enforces on them. */

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

export const DEFAULT_TRANSITIONS = { standardIaDays: 30, glacierDays: 90, deepArchiveDays: 365 };

/**
 * S3's rules for lifecycle transitions, in one place (Amazon S3 User Guide, "Transitioning objects
 * using Amazon S3 Lifecycle": constraints). S3 refuses a lifecycle configuration that breaks them
 * with InvalidArgument at apply.
 */
export const S3_TRANSITION_RULES = {
  /** Days after creation before the first move to these classes. */
  minDaysAfterCreation: { STANDARD_IA: 30, ONEZONE_IA: 30 } as Record<string, number>,
  /** Days an object stays in a class before a later transition may move it on. */
  minDaysInClass: { STANDARD_IA: 30, ONEZONE_IA: 30, GLACIER_IR: 90, GLACIER: 90 } as Record<
    string,
    number
  >,
};

/** The platform's transitions, in order: the config field that sets each and its storage class. */
const TRANSITION_FIELDS = [
  ["standardIaDays", "STANDARD_IA"],
  ["glacierDays", "GLACIER"],
  ["deepArchiveDays", "DEEP_ARCHIVE"],
] as const;

/** Checks the order and minimums S3 enforces on transitions; returns the problem or undefined. */
export function transitionProblem(t: Required<StorageTransitions>): string | undefined {
  const values = TRANSITION_FIELDS.map(([field]) => t[field]);
  if (values.some((v) => Token.isUnresolved(v))) return undefined;
  if (values.some((v) => !Number.isInteger(v) || v < 0)) {
    return `transition days must be whole numbers (got ${values.join(", ")})`;
  }
  for (const [field, storageClass] of TRANSITION_FIELDS) {
    const minimum = S3_TRANSITION_RULES.minDaysAfterCreation[storageClass];
    if (minimum !== undefined && t[field] < minimum) {
      return `${field} is ${t[field]}; S3 moves objects to ${storageClass} no earlier than ${minimum} days`;
    }
  }
  if (!(t.standardIaDays < t.glacierDays && t.glacierDays < t.deepArchiveDays)) {
    return `transition days must increase: standardIaDays (${t.standardIaDays}) < glacierDays (${t.glacierDays}) < deepArchiveDays (${t.deepArchiveDays})`;
  }
  for (let i = 1; i < TRANSITION_FIELDS.length; i++) {
    const [previousField, previousClass] = TRANSITION_FIELDS[i - 1];
    const [field] = TRANSITION_FIELDS[i];
    const stay = S3_TRANSITION_RULES.minDaysInClass[previousClass] ?? 0;
    if (t[field] - t[previousField] < stay) {
      return `${field} (${t[field]}) must be at least ${stay} days after ${previousField} (${t[previousField]}); S3 keeps objects in ${previousClass} for ${stay} days before moving them on`;
    }
  }
  return undefined;
}

/**
 * The lifecycle rules of a platform bucket: abort unfinished uploads, expire superseded versions
 * and orphaned delete markers, and tier current objects. `path` names the bucket in errors.
 */
export function lifecycleRules(
  path: string,
  props: BucketLifecycleProps,
): S3BucketLifecycleConfigurationRule[] {
  const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
  const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
  for (const [name, value] of [
    ["abortIncompleteMultipartUploadDays", abortDays],
    ["noncurrentVersionExpirationDays", noncurrentDays],
  ] as const) {
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
      throw new Error(
        `${path}: lifecycle.${name} is ${value}; must be a whole number of days, at least 1`,
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
    if (problem) throw new Error(`${path}: lifecycle.transitions: ${problem}`);
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
