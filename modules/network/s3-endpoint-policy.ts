import { Token } from "../core/cdktf";
import { concatLists, mapList } from "../core/token-lists";
import type { PolicyStatement } from "../iam/iam-policy";
import {
  S3_BUCKET_READ_ACTIONS,
  S3_OBJECT_READ_ACTIONS,
  S3_OBJECT_WRITE_ACTIONS,
} from "../storage/s3-actions";

export interface S3EndpointAccess {
  readonly partition: string;
  readonly accountId: string;
  /** The platform's buckets in this account: read and write through the endpoint. */
  readonly ownBuckets: string[];
  /** Buckets of other accounts this VPC reads (the data science account's model bucket). */
  readonly readBuckets?: { bucketName: string; accountId: string }[];
  /** AWS-owned buckets that AWS services' clients read (ECR layers, SSM Agent, ...). */
  readonly awsOwnedBuckets?: { name: string; why: string }[];
}

function bucketAndObjects(partition: string, bucket: string): string[] {
  return [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`];
}

/** The ARNs of buckets and their objects. */
function bucketsAndObjects(partition: string, buckets: string[]): string[] {
  if (!Token.isUnresolved(buckets)) return buckets.flatMap((b) => bucketAndObjects(partition, b));
  return concatLists(
    mapList(buckets, (b) => `arn:${partition}:s3:::${b}`),
    mapList(buckets, (b) => `arn:${partition}:s3:::${b}/*`),
  );
}

/**
 * The S3 gateway endpoint policy: only the platform's buckets (owned by the expected account,
 * checked with `s3:ResourceAccount`) and the AWS-owned buckets that the platform's services
 * need. Anything else through the endpoint is refused: creating or listing an arbitrary bucket,
 * or copying data to a bucket outside the platform.
 */
export function s3EndpointPolicyStatements(access: S3EndpointAccess): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: "PlatformBucketsInThisAccount",
      Effect: "Allow",
      Principal: "*",
      Action: [...S3_BUCKET_READ_ACTIONS, ...S3_OBJECT_READ_ACTIONS, ...S3_OBJECT_WRITE_ACTIONS],
      Resource: bucketsAndObjects(access.partition, access.ownBuckets),
      Condition: { StringEquals: { "s3:ResourceAccount": access.accountId } },
    },
  ];
  const byAccount = new Map<string, string[]>();
  for (const r of access.readBuckets ?? []) {
    byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r.bucketName]);
  }
  for (const [accountId, buckets] of byAccount) {
    statements.push({
      Sid: `ReadBucketsOf${accountId}`,
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", ...S3_OBJECT_READ_ACTIONS],
      Resource: buckets.flatMap((b) => bucketAndObjects(access.partition, b)),
      Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
    });
  }
  const awsOwned = access.awsOwnedBuckets ?? [];
  if (awsOwned.length > 0) {
    // These buckets belong to AWS service accounts, so no s3:ResourceAccount condition; reads
    // of ECR layers arrive with URLs presigned by ECR, so no principal condition either.
    statements.push({
      Sid: "AwsOwnedBucketsServicesNeed",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: [...new Set(awsOwned.map((b) => `arn:${access.partition}:s3:::${b.name}/*`))],
    });
  }
  return statements;
}
