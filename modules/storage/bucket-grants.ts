import { viaService, type AwsEnvironment } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { KMS_DECRYPT_ACTIONS, KMS_ENCRYPT_DECRYPT_ACTIONS, s3BucketContext } from "../kms/kms-key";
import {
  S3_BUCKET_READ_ACTIONS,
  S3_OBJECT_READ_ACTIONS,
  S3_OBJECT_WRITE_ACTIONS,
} from "./s3-actions";

export type BucketAccess = "read-only" | "read-write";

/** A bucket to grant access to, named by ARN, with the key of its objects (if SSE-KMS). */
export interface BucketTarget {
  readonly bucketArn: string;
  readonly keyArn?: string;
  readonly environment: AwsEnvironment;
}

/**
 * The statements a grant adds to the grantee's policy: object actions on the allowed prefixes
 * only, `s3:ListBucket` limited to those prefixes by `s3:prefix`, and the key's actions through
 * S3 only, for this bucket's objects only (`s3BucketContext`). `label` starts every Sid.
 */
export function bucketGrantStatements(
  target: BucketTarget,
  label: string,
  access: BucketAccess,
  prefixes?: string[],
): PolicyStatement[] {
  const bucketArn = target.bucketArn;
  const scoped = prefixes !== undefined && prefixes.length > 0;
  const statements: PolicyStatement[] = [
    {
      Sid: `${label}List`,
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: scoped
        ? { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } }
        : undefined,
    },
    {
      Sid: `${label}Bucket`,
      Effect: "Allow",
      Action: S3_BUCKET_READ_ACTIONS.filter(
        (a) => a !== "s3:ListBucket" && (access === "read-write" || a === "s3:GetBucketLocation"),
      ),
      Resource: bucketArn,
    },
    {
      Sid: `${label}Objects`,
      Effect: "Allow",
      Action:
        access === "read-only"
          ? S3_OBJECT_READ_ACTIONS
          : [...S3_OBJECT_READ_ACTIONS, ...S3_OBJECT_WRITE_ACTIONS],
      Resource: scoped ? prefixes.map((p) => `${bucketArn}/${p}*`) : [`${bucketArn}/*`],
    },
  ];
  if (target.keyArn !== undefined) {
    statements.push({
      Sid: `${label}Key`,
      Effect: "Allow",
      Action: access === "read-only" ? KMS_DECRYPT_ACTIONS : KMS_ENCRYPT_DECRYPT_ACTIONS,
      Resource: target.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": viaService(target.environment, "s3") },
        ...s3BucketContext(bucketArn),
      },
    });
  }
  return statements;
}
