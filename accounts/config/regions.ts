import { partition } from "@aws-sdk/util-endpoints";

/** Shape of a commercial, GovCloud, China or ISO region code: `eu-west-1`, `us-gov-west-1`. */
export const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Whether `region` is a region AWS publishes. The list comes from the AWS SDK's own partition
 * data (`@aws-sdk/util-endpoints`), which AWS updates with each new region, rather than from a
 * list kept by hand here.
 */
export function isKnownRegion(region: string): boolean {
  if (!REGION_CODE.test(region)) return false;
  // partition() merges the region's own entry (its description) into the partition facts for
  // a region it lists, and returns the bare partition for a name it merely pattern-matches.
  return "description" in partition(region);
}

/** The partition facts that ARNs and service endpoint names depend on. */
export interface RegionPartition {
  /** ARN partition: `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition: string;
  /** DNS suffix of service endpoints: `amazonaws.com`, `amazonaws.com.cn`, ... */
  readonly dnsSuffix: string;
}

export function regionPartition(region: string): RegionPartition {
  const info = partition(region);
  return { partition: info.name, dnsSuffix: info.dnsSuffix };
}
