import { parsePolicy, principalsOf } from "../helpers";
import type { PolicyStatement } from "../../iam/iam-policy";
import type { ResourceRule } from "../types";
import { topicStack } from "./examples";

const SCOPING_KEYS = [
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:principalorgid",
];

/** Whether a statement's condition names the source account, resource or organization. */
function scoped(condition: PolicyStatement["Condition"]): boolean {
  return Object.values(condition ?? {}).some((block) =>
    Object.keys(block).some((key) => SCOPING_KEYS.includes(key.toLowerCase())),
  );
}

export const snsPublishScoped: ResourceRule = {
  kind: "resource",
  id: "SNS.PublishScoped",
  level: "error",
  summary: "Topic policies let services and everyone publish only for this account's resources",
  explanation:
    "A topic policy that lets a service principal (or every principal) publish without aws:SourceArn or aws:SourceAccount lets that service act for any customer: anyone could make it post forged alerts to the topic (the confused deputy).",
  resourceTypes: ["aws_sns_topic_policy"],
  check: (resource) => {
    const policy = parsePolicy(resource.config.policy);
    if (policy === undefined) return undefined;
    const open = policy.Statement.filter((s) => {
      if (s.Effect !== "Allow") return false;
      const wide =
        principalsOf(s).includes("*") ||
        (typeof s.Principal === "object" && s.Principal.Service !== undefined);
      return wide && !scoped(s.Condition);
    });
    return open.length === 0
      ? undefined
      : `lets ${open.map((s) => s.Sid ?? "a statement").join(", ")} publish without aws:SourceArn or aws:SourceAccount`;
  },
  examples: {
    compliant: topicStack(),
    nonCompliant: [
      {
        stack: topicStack((_t, p) => {
          const doc = JSON.parse(p.policy);
          delete doc.Statement[0].Condition;
          p.policy = JSON.stringify(doc);
        }),
        findings: [
          "aws_sns_topic_policy.p: lets EventBridge publish without aws:SourceArn or aws:SourceAccount",
        ],
      },
      {
        stack: topicStack((_t, p) => {
          const doc = JSON.parse(p.policy);
          doc.Statement[0].Principal = "*";
          doc.Statement[0].Condition = { Bool: { "aws:SecureTransport": "true" } };
          p.policy = JSON.stringify(doc);
        }),
        findings: [
          "aws_sns_topic_policy.p: lets EventBridge publish without aws:SourceArn or aws:SourceAccount",
        ],
      },
    ],
  },
};
