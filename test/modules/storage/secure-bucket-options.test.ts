import { ExistingRole } from "../../../modules/iam/iam-role";
import { KmsKey } from "../../../modules/kms/kms-key";
import { SecureBucket } from "../../../modules/storage/secure-bucket";
import { Testing } from "../../../modules/core/cdktf";
import { moduleTestStack } from "../../helpers";

describe("SecureBucket options", () => {
  const env = {
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
  };

  function newBucket(props: Record<string, unknown>): void {
    const stack = moduleTestStack();
    const key = new KmsKey(stack, "key", {
      alias: "alias/t",
      description: "t",
      administratorArns: ["arn:aws:iam::1:role/a"],
    });
    new SecureBucket(stack, "b", {
      bucketName: "t-b",
      encryption: { kmsKey: key },
      environment: env,
      accessLogs: { targetBucketName: "logs" },
      ...props,
    });
    Testing.synth(stack);
  }

  test("fails without a reason for S3-managed encryption", () => {
    expect(() => newBucket({ encryption: { s3ManagedReason: "because" } })).toThrow(
      "test/b: s3ManagedReason must say why (at least 10 characters)",
    );
  });

  test("fails without a reason for no access logs", () => {
    expect(() => newBucket({ accessLogs: { disabledReason: "no" } })).toThrow(
      "test/b: accessLogs.disabledReason must say why (at least 10 characters)",
    );
  });

  test("fails with an Object Lock retention out of range", () => {
    expect(() => newBucket({ objectLock: { retentionDays: 0 } })).toThrow(
      "test/b: objectLock.retentionDays is 0; must be a whole number from 1 to 36500",
    );
  });

  test("fails to grant a prefix that is not a folder", () => {
    const stack = moduleTestStack();
    const key = new KmsKey(stack, "key", {
      alias: "alias/t",
      description: "t",
      administratorArns: ["arn:aws:iam::1:role/a"],
    });
    const bucket = new SecureBucket(stack, "b", {
      bucketName: "t-b",
      encryption: { kmsKey: key },
      environment: env,
      accessLogs: { targetBucketName: "logs" },
    });
    const role = new ExistingRole(stack, "r", {
      roleName: "r",
      roleArn: "arn:aws:iam::111111111111:role/r",
      policyName: "p",
    });
    expect(() => bucket.grantRead(role, ["data"])).toThrow(
      'test/b: prefix "data" must be path segments each ending in "/", such as "datasets/"',
    );
  });
});
