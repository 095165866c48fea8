/**
 * TerraformStateBackend on its own: the state key (used through S3, and DynamoDB when there is a
 * lock table), the secure bucket, and the optional lock table; everything kept from destroy.
 */
import {
  TerraformStateBackend,
  type TerraformStateBackendProps,
} from "../../../modules/storage/terraform-state-backend";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  type StackJson,
} from "../../helpers";

const DEPLOY = "arn:aws:iam::111111111111:role/terraform-deploy";
const PLAN = "arn:aws:iam::111111111111:role/p-dev-ci-plan";

function synthBackend(props: Partial<TerraformStateBackendProps> = {}): StackJson {
  const stack = moduleTestStack();
  new TerraformStateBackend(stack, "state", {
    bucketName: "p-dev-tfstate-111111111111-eu-west-1",
    keyAlias: "alias/p-dev-tfstate",
    administratorArns: [DEPLOY],
    stateUserArns: [DEPLOY, PLAN],
    environment: {
      accountId: "111111111111",
      region: "eu-west-1",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
    },
    accessLogs: { targetBucketName: "p-dev-access-logs-111111111111-eu-west-1" },
    ...props,
  });
  return synthStack(stack);
}

describe("TerraformStateBackend", () => {
  test("by default: S3 native locking (no table), the state users use the key through S3 only", () => {
    const json = synthBackend();
    expect(resourcesOf(json, "aws_dynamodb_table")).toEqual({});
    const key = onlyResource(json, "aws_kms_key");
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    const use = statement(policyOf(key), "StateThroughS3");
    expect(use.Principal).toEqual({ AWS: [DEPLOY, PLAN] });
    expect(use.Condition!.StringEquals).toEqual({
      "kms:ViaService": "s3.eu-west-1.amazonaws.com",
      "kms:CallerAccount": "111111111111",
    });
    expect(policyOf(key).Statement.map((s) => s.Sid)).not.toContain("LocksThroughDynamoDb");
    const bucket = onlyResource(json, "aws_s3_bucket");
    expect(bucket).toMatchObject({
      bucket: "p-dev-tfstate-111111111111-eu-west-1",
      lifecycle: { prevent_destroy: true },
    });
  });

  test("a lock table for older Terraform: encrypted with the state key, recoverable, protected", () => {
    const json = synthBackend({ lockTableName: "p-dev-tflock" });
    const table = onlyResource(json, "aws_dynamodb_table");
    expect(table).toMatchObject({
      name: "p-dev-tflock",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "LockID",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: {
        enabled: true,
        kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const key = policyOf(onlyResource(json, "aws_kms_key"));
    expect(statement(key, "LocksThroughDynamoDb").Condition!.StringEquals).toEqual({
      "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
      "kms:CallerAccount": "111111111111",
    });
    expect(statement(key, "DynamoDbGrants").Condition!.Bool).toEqual({
      "kms:GrantIsForAWSResource": "true",
    });
  });
});
