import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { Construct } from "constructs";
import { arn, sid, type AwsEnvironment } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { managedKey, type KeyReference } from "../kms/kms-key";

export interface EncryptedLogGroupProps {
  readonly logGroupName: string;
  /**
   * The account's logs key. A key managed here gets a statement for this log group only; a key
   * named by ARN must already let CloudWatch Logs of this region use it.
   */
  readonly key: KeyReference;
  readonly environment: AwsEnvironment;
  /** @default 365 */
  readonly retentionInDays?: number;
}

/** CloudWatch Logs retention periods of a year or more (the rule pack's Logs.Retention). */
export const LOG_RETENTION_DAYS = [
  365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function logGroupArn(env: AwsEnvironment, logGroupName: string): string {
  return arn(env, "logs", `log-group:${logGroupName}`);
}

/**
 * The key policy statement that lets CloudWatch Logs of the environment's region use a key for
 * the log groups `logGroupArn` matches (one ARN, or a pattern with `*`).
 */
export function cloudWatchLogsKeyStatement(
  statementId: string,
  env: AwsEnvironment,
  logGroupArn: string,
): PolicyStatement {
  return {
    Sid: statementId,
    Effect: "Allow",
    Principal: { Service: `logs.${env.region}.${env.dnsSuffix}` },
    Action: [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ],
    Resource: "*",
    Condition: {
      [logGroupArn.includes("*") ? "ArnLike" : "ArnEquals"]: {
        "kms:EncryptionContext:aws:logs:arn": logGroupArn,
      },
    },
  };
}

/**
 * A CloudWatch log group encrypted with a customer managed key, kept 365 days by default and
 * protected from destroy. The key policy lets the CloudWatch Logs service use the key for this
 * log group only (`kms:EncryptionContext:aws:logs:arn`). Created at `scope/id`, so callers keep
 * their own construct paths (and Terraform addresses).
 */
export function encryptedLogGroup(
  scope: Construct,
  id: string,
  props: EncryptedLogGroupProps,
): CloudwatchLogGroup {
  const env = props.environment;
  managedKey(props.key)?.addToPolicy(
    cloudWatchLogsKeyStatement(
      sid("CloudWatchLogs", props.logGroupName),
      env,
      logGroupArn(env, props.logGroupName),
    ),
  );
  return new CloudwatchLogGroup(scope, id, {
    name: props.logGroupName,
    kmsKeyId: props.key.keyArn,
    retentionInDays: props.retentionInDays ?? 365,
    lifecycle: { preventDestroy: true },
  });
}
