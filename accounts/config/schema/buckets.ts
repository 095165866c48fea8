import { roleArn } from "../../../modules/core/aws-environment";
import { z } from "zod";
import { S3_PREFIX } from "../../../modules/core/patterns";
import {
  transitionProblem,
  type BucketLifecycleProps,
  type CurrentVersionTiering,
} from "../../../modules/storage/bucket-lifecycle";
import { intBetween, strictObject } from "../zod";
import { regionSchema } from "./common";
import { AWS_LIMITS } from "../../../modules/core/limits";

const S3 = AWS_LIMITS.s3;

const transitionsSchema = strictObject({
  standardIaDays: intBetween(S3.standardIaMinDays, S3.lifecycleDays.max)
    .optional()
    .describe("Days after creation until STANDARD_IA (readable; at least 30)."),
  glacierInstantRetrievalDays: intBetween(S3.lifecycleDays.min, S3.lifecycleDays.max)
    .optional()
    .describe("Days until GLACIER_IR (readable in milliseconds, higher retrieval fee)."),
  glacierDays: intBetween(S3.lifecycleDays.min, S3.lifecycleDays.max)
    .optional()
    .describe("Days until GLACIER Flexible Retrieval (archived: restore before reading)."),
  deepArchiveDays: intBetween(S3.lifecycleDays.min, S3.lifecycleDays.max)
    .optional()
    .describe("Days until DEEP_ARCHIVE (archived: restore takes up to 48 hours)."),
});

const bucketShape = {
  transitions: z
    .union([z.literal("intelligent-tiering"), z.literal(false), transitionsSchema], {
      error:
        'must be "intelligent-tiering", false, or a mapping of standardIaDays, glacierInstantRetrievalDays, glacierDays, deepArchiveDays',
    })
    .optional()
    .describe(
      "What happens to current objects as they age: `intelligent-tiering` (default: S3 Intelligent-Tiering, every object stays readable), `false` (stay in STANDARD), or a schedule of transitions (only the classes set are used; GLACIER and DEEP_ARCHIVE archive current objects, which must then be restored before reading: the DVC reference's schedule is standardIaDays 30, glacierDays 90, deepArchiveDays 365).",
    ),
  noncurrentVersionExpirationDays: intBetween(1, 3650)
    .optional()
    .describe("Days a superseded object version is kept. Default 90."),
  noncurrentVersionArchiveDays: z
    .union([intBetween(0, 3650), z.literal(false)], {
      error: "must be false or a whole number of days from 0 to 3650",
    })
    .optional()
    .describe(
      "Days after an object version is superseded when it moves to GLACIER Flexible Retrieval (restore before reading); `false` keeps it where it is. Default 30 when versions are kept longer than that.",
    ),
};

function checkTransitions(
  bucket: {
    transitions?: BucketConfig["transitions"];
    noncurrentVersionExpirationDays?: number;
    noncurrentVersionArchiveDays?: number | false;
  },
  ctx: z.RefinementCtx<unknown>,
): void {
  const archive = bucket.noncurrentVersionArchiveDays;
  const expiration = bucket.noncurrentVersionExpirationDays ?? 90;
  if (typeof archive === "number" && archive >= expiration) {
    ctx.addIssue({
      code: "custom",
      path: ["noncurrentVersionArchiveDays"],
      input: archive,
      message: `must be less than noncurrentVersionExpirationDays (${expiration}); S3 refuses an expiration that is not after the transition`,
    });
  }
  if (typeof bucket.transitions !== "object") return;
  // Below S3's 30 days for STANDARD_IA the field's own range check has said so: one line.
  if ((bucket.transitions.standardIaDays ?? 30) < 30) return;
  const problem = transitionProblem(bucket.transitions);
  if (problem) ctx.addIssue({ code: "custom", path: ["transitions"], message: problem });
}

export const bucketConfigSchema = strictObject(bucketShape).superRefine(checkTransitions);

/** A bucket that may be copied to another region. */
const replicableBucketShape = {
  ...bucketShape,
  replicaRegion: regionSchema
    .optional()
    .describe(
      "Replicate every object version to a bucket in this region, with the same protections, its own key and access-log bucket. Default: no replication.",
    ),
};

export const replicableBucketConfigSchema =
  strictObject(replicableBucketShape).superRefine(checkTransitions);

export const modelBucketConfigSchema = strictObject({
  ...replicableBucketShape,
  objectLockRetentionDays: intBetween(
    S3.objectLockRetentionDays.min,
    S3.objectLockRetentionDays.max,
  )
    .optional()
    .describe(
      "S3 Object Lock (GOVERNANCE) default retention in days; set it when the bucket is created.",
    ),
}).superRefine(checkTransitions);

const ROLE_NAME_OR_ARN = /^(arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*)?[\w+=,.@-]{1,64}$/;

const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;

function idList(pattern: RegExp, what: string, example: string) {
  return z
    .array(z.string().regex(pattern, { error: `must be ${what} such as ${example}` }))
    .min(1, { error: "must list at least one id (or leave the field out)" })
    .max(20, { error: "must list at most 20 ids" })
    .optional();
}

export const datasetAccessSchema = strictObject({
  principal: z
    .string()
    .regex(ROLE_NAME_OR_ARN, {
      error:
        "must be an IAM role name or an exact role ARN (arn:aws:iam::<account>:role/<name>), no wildcards",
    })
    .describe(
      "The consumer: a role name (of this account) or an exact role ARN of any account of the platform's partition (an EKS pod or node role, a workflow engine's role, ...).",
    ),
  bucket: z
    .enum(["data", "models"], { error: 'must be "data" or "models"' })
    .describe("The bucket the consumer uses: the data bucket or the model bucket."),
  access: z
    .enum(["read-only", "read-write"], { error: 'must be "read-only" or "read-write"' })
    .describe(
      "`read-only`: list, get objects and versions, decrypt. `read-write`: also put, tag and delete objects and encrypt.",
    ),
  prefixes: z
    .array(
      z.string().regex(S3_PREFIX, {
        error:
          'must be path segments each ending in "/", such as "datasets/", of letters, digits and ! _ . \' ( ) - (no "*": a policy would read it as a wildcard)',
      }),
    )
    .min(1)
    .optional()
    .describe('Key prefixes the role may use, each ending in "/". Default: the whole bucket.'),
  from: strictObject({
    vpcEndpointIds: idList(VPC_ENDPOINT_ID, "a VPC endpoint id", "vpce-0a1b2c3d4e5f60718").describe(
      "S3 VPC endpoint ids (`vpce-...`) the consumer's requests come through.",
    ),
    vpcIds: idList(VPC_ID, "a VPC id", "vpc-0a1b2c3d4e5f60718").describe(
      "VPC ids (`vpc-...`) whose S3 endpoints the consumer's requests come through.",
    ),
  })
    .optional()
    .describe(
      "Where the consumer's requests come from, when not through this account's S3 VPC endpoint: its own S3 VPC endpoints or its VPCs (requests through an S3 endpoint in them). Required for a role of another account. Every other request of the role is denied. Default: this account's VPC endpoint, like everyone else.",
    ),
});

/** A bucket's lifecycle settings as config writes them. */
export interface BucketConfig {
  readonly transitions?: CurrentVersionTiering;
  readonly noncurrentVersionExpirationDays?: number;
  readonly noncurrentVersionArchiveDays?: number | false;
}

/** Lifecycle props of a bucket from its config; unset fields keep the construct's defaults. */
export function bucketLifecycle(config: BucketConfig | undefined): BucketLifecycleProps {
  return {
    transitions: config?.transitions,
    noncurrentVersionExpirationDays: config?.noncurrentVersionExpirationDays,
    noncurrentVersionArchiveDays: config?.noncurrentVersionArchiveDays,
  };
}

/** The exact role ARN a dataset grant names (a bare role name is a role of this account). */
export function datasetConsumerArn(
  principal: string,
  partition: string,
  accountId: string,
): string {
  return principal.startsWith("arn:") ? principal : roleArn(partition, accountId, principal);
}
