import type { S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { Fn, Token } from "../core/cdktf";

/** S3 lifecycle settings of a platform bucket and the rules S3 enforces on them. */

/**
 * A schedule of storage class transitions of current object versions, in days after creation.
 * Only the classes set are used. GLACIER and DEEP_ARCHIVE are archive tiers: GetObject on an
 * archived current object fails (InvalidObjectState) until someone restores it.
 */
export interface StorageTransitions {
  /** Days until STANDARD_IA (at least 30; readable, retrieval fee). */
  readonly standardIaDays?: number;
  /** Days until GLACIER_IR (readable in milliseconds, higher retrieval fee). */
  readonly glacierInstantRetrievalDays?: number;
  /** Days until GLACIER (Flexible Retrieval: archived, restore before reading). */
  readonly glacierDays?: number;
  /** Days until DEEP_ARCHIVE (archived, restore takes up to 48 hours). */
  readonly deepArchiveDays?: number;
}

/**
 * What happens to current object versions as they age: `"intelligent-tiering"` moves them to
 * S3 Intelligent-Tiering, which moves each object between its instant-access tiers by use (no
 * archive tiers: every object stays readable); `false` keeps them in STANDARD; a schedule of
 * transitions is an explicit choice, which may archive (see `StorageTransitions`).
 */
export type CurrentVersionTiering = "intelligent-tiering" | false | StorageTransitions;

export interface BucketLifecycleProps {
  /** @default "intelligent-tiering" */
  readonly transitions?: CurrentVersionTiering;
  /**
   * Days a superseded (noncurrent) version is kept before it expires.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after a version is superseded when it moves to GLACIER (Flexible Retrieval): old
   * versions are for recovery, which may wait for a restore. Must be less than the expiration
   * days; `false` keeps them where they are.
   * @default 30, when versions are kept longer than that; otherwise none
   */
  readonly noncurrentVersionArchiveDays?: number | false;
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
  /**
   * A boolean Terraform expression choosing the schedule in `transitions` (true) or
   * Intelligent-Tiering (false) when Terraform runs, for an exported module's input: both rules
   * are written and one is disabled. `transitions` must then be a schedule.
   * @default decided at synthesis
   */
  readonly scheduleWhen?: unknown;
}

/** The DVC reference's schedule (IA 30, Glacier 90, Deep Archive 365): archives current objects. */
export const ARCHIVE_SCHEDULE = { standardIaDays: 30, glacierDays: 90, deepArchiveDays: 365 };

/** Days after a version is superseded when it is archived, unless configured. */
export const DEFAULT_NONCURRENT_ARCHIVE_DAYS = 30;

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

/** The schedule's transitions, in the only order S3 allows: the field that sets each, its class. */
export const TRANSITION_FIELDS = [
  ["standardIaDays", "STANDARD_IA"],
  ["glacierInstantRetrievalDays", "GLACIER_IR"],
  ["glacierDays", "GLACIER"],
  ["deepArchiveDays", "DEEP_ARCHIVE"],
] as const;

/** Checks the order and minimums S3 enforces on a schedule; returns the problem or undefined. */
export function transitionProblem(t: StorageTransitions): string | undefined {
  const set = TRANSITION_FIELDS.filter(([field]) => t[field] !== undefined);
  if (set.length === 0) {
    return "a schedule needs at least one of standardIaDays, glacierInstantRetrievalDays, glacierDays, deepArchiveDays";
  }
  const values = set.map(([field]) => t[field]!);
  if (values.some((v) => Token.isUnresolved(v))) return undefined;
  if (values.some((v) => !Number.isInteger(v) || v < 0)) {
    return `transition days must be whole numbers, at least 0 (got ${values.join(", ")})`;
  }
  for (const [field, storageClass] of set) {
    const minimum = S3_TRANSITION_RULES.minDaysAfterCreation[storageClass];
    if (minimum !== undefined && t[field]! < minimum) {
      return `${field} is ${t[field]}; S3 moves objects to ${storageClass} no earlier than ${minimum} days`;
    }
  }
  for (let i = 1; i < set.length; i++) {
    const [previousField, previousClass] = set[i - 1];
    const [field] = set[i];
    const stay = S3_TRANSITION_RULES.minDaysInClass[previousClass] ?? 0;
    if (t[field]! - t[previousField]! < Math.max(stay, 1)) {
      return `${field} (${t[field]}) must be at least ${Math.max(stay, 1)} days after ${previousField} (${t[previousField]}); S3 keeps objects in ${previousClass} for ${stay} days before moving them on`;
    }
  }
  return undefined;
}

/** The transitions of a schedule, in S3's order. */
function scheduleTransitions(t: StorageTransitions) {
  return TRANSITION_FIELDS.filter(([field]) => t[field] !== undefined).map(
    ([field, storageClass]) => ({ days: t[field]!, storageClass }),
  );
}

function checkDays(path: string, name: string, value: number, minimum: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < minimum)) {
    throw new Error(
      `${path}: lifecycle.${name} is ${value}; must be a whole number of days, at least ${minimum}`,
    );
  }
}

/**
 * The lifecycle rules of a platform bucket: abort unfinished uploads, archive and then expire
 * superseded versions and orphaned delete markers, and tier current objects (by default into
 * Intelligent-Tiering, where every object stays readable). `path` names the bucket in errors.
 */
export function lifecycleRules(
  path: string,
  props: BucketLifecycleProps,
): S3BucketLifecycleConfigurationRule[] {
  const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
  const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
  checkDays(path, "abortIncompleteMultipartUploadDays", abortDays, 1);
  checkDays(path, "noncurrentVersionExpirationDays", noncurrentDays, 1);
  const archiveDays =
    props.noncurrentVersionArchiveDays ??
    (Token.isUnresolved(noncurrentDays) || noncurrentDays > DEFAULT_NONCURRENT_ARCHIVE_DAYS
      ? DEFAULT_NONCURRENT_ARCHIVE_DAYS
      : false);
  if (archiveDays !== false) {
    checkDays(path, "noncurrentVersionArchiveDays", archiveDays, 0);
    if (
      !Token.isUnresolved(archiveDays) &&
      !Token.isUnresolved(noncurrentDays) &&
      archiveDays >= noncurrentDays
    ) {
      throw new Error(
        `${path}: lifecycle.noncurrentVersionArchiveDays (${archiveDays}) must be less than noncurrentVersionExpirationDays (${noncurrentDays}); S3 refuses an expiration that is not after the transition`,
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
      noncurrentVersionTransition:
        archiveDays === false
          ? undefined
          : [
              {
                noncurrentDays: archiveDays,
                newerNoncurrentVersions: props.noncurrentVersionsRetained,
                storageClass: "GLACIER",
              },
            ],
      noncurrentVersionExpiration: [
        {
          noncurrentDays,
          newerNoncurrentVersions: props.noncurrentVersionsRetained,
        },
      ],
      expiration: [{ expiredObjectDeleteMarker: true }],
    },
  ];
  const transitions = props.transitions ?? "intelligent-tiering";
  const intelligentTiering = (status: string): S3BucketLifecycleConfigurationRule => ({
    id: "tier-current-versions",
    status,
    filter: [{}],
    transition: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
  });
  const schedule = (t: StorageTransitions, status: string): S3BucketLifecycleConfigurationRule => {
    const problem = transitionProblem(t);
    if (problem) throw new Error(`${path}: lifecycle.transitions: ${problem}`);
    return {
      id: "scheduled-transitions",
      status,
      filter: [{}],
      transition: scheduleTransitions(t),
    };
  };
  if (props.scheduleWhen !== undefined) {
    if (typeof transitions !== "object") {
      throw new Error(`${path}: lifecycle.scheduleWhen needs a schedule in lifecycle.transitions`);
    }
    rules.push(
      intelligentTiering(Fn.conditional(props.scheduleWhen, "Disabled", "Enabled")),
      schedule(transitions, Fn.conditional(props.scheduleWhen, "Enabled", "Disabled")),
    );
  } else if (transitions === "intelligent-tiering") {
    rules.push(intelligentTiering("Enabled"));
  } else if (transitions !== false) {
    rules.push(schedule(transitions, "Enabled"));
  }
  return rules;
}
