import type { ResourceRule } from "../types";
import { topicStack } from "./examples";

export const snsKmsEncrypted: ResourceRule = {
  kind: "resource",
  id: "SNS.KmsEncrypted",
  level: "error",
  summary: "Topics are encrypted with a customer managed key",
  explanation:
    "Alerts carry who did what to which resource; kms_master_key_id puts them under a key whose policy the platform writes (not the AWS managed alias/aws/sns, which any principal of the account with SNS access can use).",
  resourceTypes: ["aws_sns_topic"],
  check: (topic) => {
    const key = topic.config.kms_master_key_id;
    if (!key) return "has no kms_master_key_id";
    return key === "alias/aws/sns" ? "uses the AWS managed key alias/aws/sns" : undefined;
  },
  examples: {
    compliant: topicStack(),
    nonCompliant: [
      {
        stack: topicStack((t) => delete t.kms_master_key_id),
        findings: ["aws_sns_topic.t: has no kms_master_key_id"],
      },
      {
        stack: topicStack((t) => (t.kms_master_key_id = "alias/aws/sns")),
        findings: ["aws_sns_topic.t: uses the AWS managed key alias/aws/sns"],
      },
    ],
  },
};
