import { createHash } from "node:crypto";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { AWS_LIMITS } from "../core/limits";
import { ResourcePolicy, type PolicyStatement } from "../iam/iam-policy";
import { serviceOfThisAccount } from "../iam/service-trust";
import type { KmsKey } from "../kms/kms-key";

/** Where alerts go: an email address, or an HTTPS endpoint (a chat integration's webhook). */
export interface AlertSubscription {
  readonly protocol: "email" | "https";
  readonly endpoint: string;
}

export interface AlertTopicProps {
  readonly topicName: string;
  /** The key that encrypts messages at rest; it gets a statement for EventBridge and this topic. */
  readonly key: KmsKey;
  readonly environment: AwsEnvironment;
  /** ARN patterns of the EventBridge rules (of this account) that may publish. */
  readonly publisherRuleArns: string[];
  readonly subscriptions?: readonly AlertSubscription[];
}

/** A subscription's construct id: stable for its protocol and endpoint, whatever else changes. */
export function subscriptionId(subscription: AlertSubscription): string {
  const digest = createHash("sha256")
    .update(`${subscription.protocol}:${subscription.endpoint}`)
    .digest("hex");
  return `subscription-${subscription.protocol}-${digest.slice(0, 12)}`;
}

/** The key policy statement that lets EventBridge encrypt messages for one SNS topic. */
export function eventBridgeTopicKeyStatement(topicArn: string): PolicyStatement {
  return {
    Sid: "EventBridgePublishesToTheAlertTopic",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
    // SNS names the topic in the encryption context of every data key it asks for.
    Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } },
  };
}

/**
 * An SNS topic for security alerts: encrypted with a customer managed key, a policy that lets
 * only the named EventBridge rules of this account publish (over TLS), and the subscriptions
 * config names. Email subscriptions wait for the recipient to confirm them.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const env = props.environment;
    if (props.publisherRuleArns.length === 0) {
      throw new Error(`${this.node.path}: publisherRuleArns must name at least one rule`);
    }
    // Built from the name, not the resource: the key policy must not wait for the topic.
    const topicArn = arn(env, "sns", props.topicName);
    props.key.addToPolicy(eventBridgeTopicKeyStatement(topicArn));

    this.topic = new SnsTopic(this, "topic", {
      name: props.topicName,
      displayName: "Platform security alerts",
      kmsMasterKeyId: props.key.keyArn,
    });
    this.topicArn = this.topic.arn;

    const policy = new ResourcePolicy(this.node.path);
    this.node.addValidation({
      validate: () => [
        ...[policy.sizeProblem(AWS_LIMITS.sns.topicPolicyChars, "topic policy") ?? []].flat(),
      ],
    });
    policy.add(
      {
        Sid: "EventBridgeRulesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: serviceOfThisAccount(env, props.publisherRuleArns),
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    );
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: policy.toJsonToken() });

    for (const subscription of props.subscriptions ?? []) {
      // Named by what it delivers to, so removing one never replaces (and re-confirms) another.
      new SnsTopicSubscription(this, subscriptionId(subscription), {
        topicArn: this.topic.arn,
        protocol: subscription.protocol,
        endpoint: subscription.endpoint,
      });
    }
  }
}
