import { z } from "zod";
import { S3_PREFIX } from "../../../modules/core/patterns";
import {
  transitionProblem,
  type BucketLifecycleProps,
  type CurrentVersionTiering,
} from "../../../modules/storage/bucket-lifecycle";
import { AccountNames, bucketNameProblem, namingInput } from "../../naming";
import { isKnownRegion, regionPartition } from "../regions";
import { intBetween, strictObject } from "../zod";
import { regionSchema } from "./common";
import type { ConfigIssues, PlatformConfig } from "./platform";

const transitionsSchema = strictObject({
  standardIaDays: intBetween(30, 36500)
    .optional()
    .describe("Days after creation until STANDARD_IA (readable; at least 30)."),
  glacierInstantRetrievalDays: intBetween(0, 36500)
    .optional()
    .describe("Days until GLACIER_IR (readable in milliseconds, higher retrieval fee)."),
  glacierDays: intBetween(0, 36500)
    .optional()
    .describe("Days until GLACIER Flexible Retrieval (archived: restore before reading)."),
  deepArchiveDays: intBetween(0, 36500)
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
  objectLockRetentionDays: intBetween(1, 36500)
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
        error: 'must be path segments each ending in "/", such as "datasets/"',
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
  return principal.startsWith("arn:")
    ? principal
    : `arn:${partition}:iam::${accountId}:role/${principal}`;
}

export function checkDatasetAccess(config: PlatformConfig, ctx: ConfigIssues): void {
  const partition = isKnownRegion(config.region)
    ? regionPartition(config.region).partition
    : undefined;
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const seen = new Map<string, number>();
    (account.datasetAccess ?? []).forEach((grant, i) => {
      const path = ["accounts", name, "datasetAccess", i];
      // Role names are case-insensitive in IAM: one role, whatever the spelling.
      const arn = datasetConsumerArn(grant.principal, partition ?? "aws", account.accountId);
      const key = `${arn.toLowerCase()} ${grant.bucket}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `grants ${grant.principal} the ${grant.bucket} bucket again (see datasetAccess[${first}]); list all its prefixes in one entry`,
        });
      }
      seen.set(key, i);
      for (const field of ["vpcEndpointIds", "vpcIds"] as const) {
        const ids = grant.from?.[field] ?? [];
        const repeated = ids.find((id, j) => ids.indexOf(id) !== j);
        if (repeated !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "from", field],
            message: `lists ${repeated} twice; list each id once`,
          });
        }
      }
      if (grant.from !== undefined && !grant.from.vpcEndpointIds && !grant.from.vpcIds) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "from"],
          message: "needs vpcEndpointIds or vpcIds: where the consumer's requests come from",
        });
      }
      // Writes overlapping the model artifacts prefix would put a consumer on the promotion path.
      const artifacts = account.sagemaker.modelArtifactsPrefix;
      if (grant.bucket === "models" && grant.access === "read-write") {
        if (grant.prefixes === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "prefixes"],
            message: `are required for read-write access to the models bucket: the whole bucket includes the model artifacts prefix "${artifacts}" (sagemaker.modelArtifactsPrefix), where only training and the approver write`,
          });
        }
        (grant.prefixes ?? []).forEach((prefix, p) => {
          if (prefix.startsWith(artifacts) || artifacts.startsWith(prefix)) {
            ctx.addIssue({
              code: "custom",
              path: [...path, "prefixes", p],
              input: prefix,
              message: `overlaps the model artifacts prefix "${artifacts}" (sagemaker.modelArtifactsPrefix): only training and the approver write there; grant read-write elsewhere in the bucket, or read-only`,
            });
          }
        });
      }
      const match = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(grant.principal);
      if (match === null) return;
      if (partition !== undefined && match[1] !== partition) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "principal"],
          input: grant.principal,
          message: `must be a role in the platform's partition (arn:${partition}:iam::...)`,
        });
      } else if (match[2] !== account.accountId && grant.from === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "from"],
          message: `is required for ${grant.principal}, a role of another account: list the S3 VPC endpoints or VPCs its requests come from (this account's endpoint is not in its network)`,
        });
      }
    });
  }
}

export function checkReplicas(config: PlatformConfig, ctx: ConfigIssues): void {
  if (!isKnownRegion(config.region)) return;
  const partition = regionPartition(config.region).partition;
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const names = new AccountNames(namingInput(config, name));
    for (const purpose of ["data", "models", "mlflow"] as const) {
      const region = account.buckets?.[purpose]?.replicaRegion;
      if (region === undefined) continue;
      const path = ["accounts", name, "buckets", purpose, "replicaRegion"];
      if (region === config.region) {
        ctx.addIssue({
          code: "custom",
          path,
          input: region,
          message: `must differ from the platform region ${config.region}`,
        });
      } else if (regionPartition(region).partition !== partition) {
        ctx.addIssue({
          code: "custom",
          path,
          input: region,
          message: `must be in the platform's partition (${partition}); replication cannot cross partitions`,
        });
      }
      for (const bucket of [
        names.bucketName(purpose, region),
        names.bucketName("access-logs", region),
      ]) {
        const problem = bucketNameProblem(bucket);
        if (problem) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `gives the replica bucket name "${bucket}", which ${problem}; shorten prefix or the account name`,
          });
        }
      }
    }
  }
}
