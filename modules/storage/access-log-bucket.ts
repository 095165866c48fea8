import { Construct } from "constructs";
import type { AwsEnvironment } from "../core/aws-environment";
import { SecureBucket } from "./secure-bucket";
import { type BucketLifecycleProps } from "./bucket-lifecycle";
import { serviceOfThisAccount } from "../iam/service-trust";

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly environment: AwsEnvironment;
  /**
   * Buckets that may deliver logs here, as ARN patterns (`arn:aws:s3:::mlops-dev-*`); always in
   * this account (`aws:SourceAccount`).
   */
  readonly sourceBucketArnPatterns: string[];
  /** @default Intelligent-Tiering for current objects; noncurrent versions archived at 30 days, expired at 90 */
  readonly lifecycle?: BucketLifecycleProps;
}

/**
 * The account's S3 server access log bucket. Log delivery supports only S3-managed encryption
 * (SSE-S3) on the target bucket, the documented exception to the platform's customer managed
 * keys; every other protection of a secure bucket applies. Only the S3 logging service of this
 * account may write to it.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      environment: props.environment,
      encryption: {
        s3ManagedReason: "S3 server access log delivery writes only to SSE-S3 buckets",
      },
      accessLogs: { disabledReason: "this is the log bucket; logging it into itself would loop" },
      lifecycle: props.lifecycle,
    });
    this.bucket.addToResourcePolicy({
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${this.bucket.bucketArn}/*`,
      Condition: serviceOfThisAccount(props.environment, props.sourceBucketArnPatterns),
    });
  }

  get bucketName(): string {
    return this.bucket.bucketName;
  }
}
