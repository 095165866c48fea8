import type { BucketLifecycleProps } from "../../../modules/storage/secure-bucket";

/** A bucket's lifecycle settings as config writes them. */
export interface BucketConfig {
  readonly transitions?:
    | false
    | { standardIaDays?: number; glacierDays?: number; deepArchiveDays?: number };
  readonly noncurrentVersionExpirationDays?: number;
}

/** Lifecycle props of a bucket from its config; unset fields keep the construct's defaults. */
export function bucketLifecycle(config: BucketConfig | undefined): BucketLifecycleProps {
  return {
    transitions: config?.transitions,
    noncurrentVersionExpirationDays: config?.noncurrentVersionExpirationDays,
  };
}
