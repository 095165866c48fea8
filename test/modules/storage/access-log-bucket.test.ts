/**
 * AccessLogBucket on its own: SSE-S3 (log delivery's only option), no logging of itself, and
 * only this account's S3 logging service writing, for the named buckets.
 */
import { AccessLogBucket } from "../../../modules/storage/access-log-bucket";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
} from "../../helpers";

const stack = moduleTestStack();
new AccessLogBucket(stack, "logs", {
  bucketName: "p-dev-access-logs-111111111111-eu-west-1",
  environment: {
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
  },
  sourceBucketArnPatterns: ["arn:aws:s3:::p-dev-*"],
});
const json = synthStack(stack);

describe("AccessLogBucket", () => {
  test("SSE-S3 (log delivery's only option) and no access logging of itself", () => {
    const encryption = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule).toEqual([
      expect.objectContaining({
        apply_server_side_encryption_by_default: { sse_algorithm: "AES256" },
      }),
    ]);
    expect(resourcesOf(json, "aws_s3_bucket_logging")).toEqual({});
  });

  test("only this account's S3 logging service writes, for the named buckets", () => {
    const policy = policyOf(onlyResource(json, "aws_s3_bucket_policy"));
    expect(statement(policy, "S3ServerAccessLogDelivery")).toEqual({
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}\/\*$/),
      Condition: {
        StringEquals: { "aws:SourceAccount": "111111111111" },
        ArnLike: { "aws:SourceArn": ["arn:aws:s3:::p-dev-*"] },
      },
    });
  });
});
