/**
 * VpcFlowLogs (and the encrypted log group it writes to) on their own: all traffic, a role only
 * this account's flow logs service assumes and that writes only to its group, and a key that
 * CloudWatch Logs may use for that group only.
 */
import { KmsKey } from "../../../modules/kms/kms-key";
import { VpcFlowLogs } from "../../../modules/network/vpc-flow-logs";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  type StackJson,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;
const GROUP = "arn:aws:logs:eu-west-1:111111111111:log-group:/p/dev/vpc-flow-logs";

function synthFlowLogs(retentionInDays?: number): StackJson {
  const stack = moduleTestStack();
  const key = new KmsKey(stack, "logs-key", {
    alias: "alias/p-dev-logs",
    description: "logs",
    administratorArns: ["arn:aws:iam::111111111111:role/terraform-deploy"],
  });
  new VpcFlowLogs(stack, "flow-logs", {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    logGroupName: "/p/dev/vpc-flow-logs",
    roleName: "p-dev-vpc-flow-logs",
    key,
    retentionInDays,
    environment: ENV,
  });
  return synthStack(stack);
}

describe("VpcFlowLogs", () => {
  const json = synthFlowLogs();

  test("all traffic of the VPC, every minute, into the log group, as the role", () => {
    expect(onlyResource(json, "aws_flow_log")).toMatchObject({
      vpc_id: "vpc-0a1b2c3d4e5f60718",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      max_aggregation_interval: 60,
      log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}$/),
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\..+\.arn\}$/),
    });
  });

  test("the log group: encrypted with the key, a year by default, protected", () => {
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/p/dev/vpc-flow-logs",
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      retention_in_days: 365,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(synthFlowLogs(731), "aws_cloudwatch_log_group").retention_in_days).toBe(
      731,
    );
  });

  test("the key lets CloudWatch Logs of this region use it for this log group only", () => {
    const key = policyOf(onlyResource(json, "aws_kms_key"));
    const logs = key.Statement.find((s) => s.Sid?.startsWith("CloudWatchLogs"))!;
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": GROUP },
    });
  });

  test("the role: assumed by this account's flow logs service only, writes to its group only", () => {
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
      {
        Sid: "FlowLogsServiceOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:111111111111:vpc-flow-log/*" },
        },
      },
    ]);
    const [policy] = Object.values(resourcesOf(json, "aws_iam_policy"));
    expect(statement(policyOf(policy), "WriteToTheFlowLogGroup").Resource).toEqual([
      GROUP,
      `${GROUP}:log-stream:*`,
    ]);
    // DescribeLogGroups has no resource type: "*" is the only resource it is authorized on.
    expect(statement(policyOf(policy), "FindTheFlowLogGroup")).toEqual({
      Sid: "FindTheFlowLogGroup",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: "*",
    });
  });
});
