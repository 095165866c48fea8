import type { StackJson } from "../types";

export function topicStack(change: (topic: any, policy: any) => void = () => undefined): StackJson {
  const topic: any = { name: "alerts", kms_master_key_id: "${aws_kms_key.k.arn}" };
  const policy: any = {
    arn: "${aws_sns_topic.t.arn}",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridge",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: "arn:aws:sns:eu-west-1:111111111111:alerts",
          Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
        },
      ],
    }),
  };
  change(topic, policy);
  return { resource: { aws_sns_topic: { t: topic }, aws_sns_topic_policy: { p: policy } } };
}

export function trailStack(change: (trail: any) => void = () => undefined): StackJson {
  const trail: any = {
    name: "audit",
    s3_bucket_name: "audit-logs",
    kms_key_id: "${aws_kms_key.k.arn}",
    enable_log_file_validation: true,
    is_multi_region_trail: true,
    enable_logging: true,
  };
  change(trail);
  return { resource: { aws_cloudtrail: { t: trail } } };
}
