/**
 * AlertTopic on its own: encrypted with the key it is given, published to only by the named
 * EventBridge rules of this account over TLS, the key usable by EventBridge for this topic only,
 * and subscriptions addressed by what they deliver to.
 */
import { testKey } from "./audit-store";
import {
  AlertTopic,
  subscriptionId,
  type AlertSubscription,
} from "../../../modules/monitoring/alert-topic";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  TEST_ENV,
} from "../../helpers";

const TOPIC = "arn:aws:sns:eu-west-1:111111111111:p-dev-security-alerts";
const RULES = ["arn:aws:events:eu-west-1:111111111111:rule/p-dev-a"];

function synthTopic(subscriptions: AlertSubscription[] = [], publisherRuleArns = RULES) {
  const stack = moduleTestStack();
  const key = testKey(stack, "audit");
  new AlertTopic(stack, "alerts", {
    topicName: "p-dev-security-alerts",
    key,
    environment: TEST_ENV,
    publisherRuleArns,
    subscriptions,
  });
  return synthStack(stack);
}

describe("AlertTopic", () => {
  test("encrypted with the key; only this account's named rules publish, over TLS", () => {
    const json = synthTopic();
    const topic = onlyResource(json, "aws_sns_topic");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.audit-key_[A-F0-9]+\.arn\}$/);
    expect(topic.name).toBe("p-dev-security-alerts");
    expect(policyOf(onlyResource(json, "aws_sns_topic_policy")).Statement).toEqual([
      {
        Sid: "EventBridgeRulesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: TOPIC,
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": RULES },
        },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: TOPIC,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("the key lets EventBridge encrypt for this topic only", () => {
    const key = onlyResource(synthTopic(), "aws_kms_key");
    expect(statement(policyOf(key), "EventBridgePublishesToTheAlertTopic")).toEqual({
      Sid: "EventBridgePublishesToTheAlertTopic",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
    });
  });

  test("subscriptions keep their addresses when another is removed", () => {
    const email = { protocol: "email", endpoint: "secops@example.com" } as const;
    const hook = { protocol: "https", endpoint: "https://hooks.example.com/x" } as const;
    const both = resourcesOf(synthTopic([email, hook]), "aws_sns_topic_subscription");
    const one = resourcesOf(synthTopic([hook]), "aws_sns_topic_subscription");
    expect(Object.keys(both)).toHaveLength(2);
    const [hookAddress] = Object.entries(both).find(([, s]) => s.endpoint === hook.endpoint)!;
    expect(Object.keys(one)).toEqual([hookAddress]);
    expect(one[hookAddress]).toMatchObject({ protocol: "https", endpoint: hook.endpoint });
    expect(subscriptionId(email)).toMatch(/^subscription-email-[0-9a-f]{12}$/);
    expect(subscriptionId(email)).not.toBe(
      subscriptionId({ ...email, endpoint: "other@example.com" }),
    );
  });

  test("a topic nobody may publish to is refused", () => {
    expect(() => synthTopic([], [])).toThrow(/publisherRuleArns must name at least one rule/);
  });
});
