import type { z } from "zod";
import type { PolicySlot } from "../modules/iam/iam-role";
import { modelBucketConfigSchema, replicableBucketConfigSchema } from "./config/schema/buckets";

/**
 * The data science account's buckets, one row each: everything that differs between them. The
 * config schema (`accounts.<name>.buckets`), the bucket names, the buckets themselves, Studio's
 * grants, the approval-tag guard and the outputs iterate this table (which buckets `datasetAccess`
 * may name is its own choice, in its schema), so a new bucket kind is one
 * row (docs/development.md shows the change). Every bucket gets the platform's protections
 * (`SecureBucket`): the data key, TLS only, versioning, access logs, no public access, the
 * account's S3 endpoint only, and lifecycle from config.
 *
 * The key is the bucket's config key and its key in the outputs; `purpose` is in its name.
 */
export interface BucketSpec {
  /** In the bucket's name: `<prefix>-<account>-<purpose>-<account id>-<region>`. */
  readonly purpose: string;
  /** The bucket's construct id (its Terraform address). */
  readonly constructId: string;
  /** Its settings in config, under `accounts.<name>.buckets.<key>`. */
  readonly config: z.ZodType;
  /** What it holds, for the config reference. */
  readonly description: string;
  /** Whether the SageMaker execution roles (Studio, pipelines) read and write it. */
  readonly sageMakerReadWrite: boolean;
  /**
   * The managed policy of each execution role its grants go into. IAM allows 6,144 characters
   * per managed policy: the `data` policy holds three buckets' grants, so a further bucket takes
   * a policy of its own, `data-<kind>` (synthesis stops, naming the policy, when one is too large).
   * @default "data"
   */
  readonly grantPolicy?: PolicySlot;
}

export const BUCKETS = {
  data: {
    purpose: "data",
    constructId: "data-bucket",
    config: replicableBucketConfigSchema,
    description: "The data bucket (datasets, the DVC remote).",
    sageMakerReadWrite: true,
  },
  models: {
    purpose: "models",
    constructId: "models-bucket",
    config: modelBucketConfigSchema,
    description: "The model bucket (model artifacts the deployment targets read).",
    sageMakerReadWrite: true,
  },
  mlflow: {
    purpose: "mlflow",
    constructId: "mlflow-bucket",
    config: replicableBucketConfigSchema,
    description: "The MLflow artifact bucket.",
    sageMakerReadWrite: true,
  },
} as const satisfies Record<string, BucketSpec>;

export type BucketKind = keyof typeof BUCKETS;

/** Every bucket kind, in the table's order. */
export const BUCKET_KINDS = Object.keys(BUCKETS) as BucketKind[];

/** One value per bucket kind, made by `make`, keyed by kind (in the table's order). */
export function perBucket<T>(make: (kind: BucketKind) => T): Record<BucketKind, T> {
  return Object.fromEntries(BUCKET_KINDS.map((kind) => [kind, make(kind)])) as Record<
    BucketKind,
    T
  >;
}

/** Each bucket's config field, optional, with its description: the schema's `buckets` shape. */
export function bucketConfigFields(): {
  [K in BucketKind]: z.ZodOptional<(typeof BUCKETS)[K]["config"]>;
} {
  return {
    data: BUCKETS.data.config.optional().describe(BUCKETS.data.description),
    models: BUCKETS.models.config.optional().describe(BUCKETS.models.description),
    mlflow: BUCKETS.mlflow.config.optional().describe(BUCKETS.mlflow.description),
  };
}
