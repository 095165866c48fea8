import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { AWS_LIMITS } from "../core/limits";
import { IamRole } from "../iam/iam-role";
import { serviceTrust } from "../iam/service-trust";
import type { KmsKey } from "../kms/kms-key";
import { AlertTopic, type AlertSubscription } from "./alert-topic";
import { globalEventsRegion, type EventPattern, type SecurityEvent } from "./security-events";

const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;

export interface SecurityAlertsProps {
  /** Starts every rule name (`<namePrefix>-<event id>`) and the topic's name. */
  readonly namePrefix: string;
  readonly events: readonly SecurityEvent[];
  readonly key: KmsKey;
  readonly environment: AwsEnvironment;
  readonly subscriptions?: readonly AlertSubscription[];
  /**
   * A scope in the partition's global events region (us-east-1; a RegionalScope), where rules
   * for IAM's events run and forward to this region's default event bus; needed when this region
   * is another one and an event is global.
   */
  readonly globalEventsScope?: Construct;
  /** Name of the role EventBridge uses to forward events from us-east-1. */
  readonly forwarderRoleName: string;
}

/**
 * An EventBridge rule's name, `<namePrefix>-<suffix>`, refused when PutRule would refuse it
 * (at most 64 letters, digits, `.`, `-`, `_`).
 */
export function eventRuleName(owner: string, namePrefix: string, suffix: string): string {
  const name = `${namePrefix}-${suffix}`;
  if (name.length > AWS_LIMITS.events.ruleNameChars || !RULE_NAME.test(name)) {
    throw new Error(
      `${owner}: rule name "${name}" must be 1 to ${AWS_LIMITS.events.ruleNameChars} letters, digits, . - _`,
    );
  }
  return name;
}

/** The rule's event pattern as JSON, refused over EventBridge's default size quota. */
export function eventPatternJson(owner: string, pattern: EventPattern): string {
  const json = JSON.stringify(pattern);
  if (json.length > AWS_LIMITS.events.patternChars) {
    throw new Error(
      `${owner}: the event pattern is ${json.length} characters; EventBridge allows ${AWS_LIMITS.events.patternChars} by default`,
    );
  }
  return json;
}

/**
 * One EventBridge rule per security event, each delivering the CloudTrail event unchanged to an
 * encrypted SNS topic. Rules for IAM's events also run in us-east-1 and forward there to this
 * region's default event bus, where the rule of the same name sends them on.
 */
export class SecurityAlerts extends Construct {
  readonly topic: AlertTopic;
  readonly rules: Record<string, CloudwatchEventRule> = {};
  readonly forwarder?: IamRole;

  constructor(scope: Construct, id: string, props: SecurityAlertsProps) {
    super(scope, id);
    const env = props.environment;
    const ruleName = (event: SecurityEvent) =>
      eventRuleName(this.node.path, props.namePrefix, event.id);
    props.events.forEach(ruleName);
    this.topic = new AlertTopic(this, "topic", {
      topicName: `${props.namePrefix}-security-alerts`,
      key: props.key,
      environment: env,
      publisherRuleArns: props.events.map((event) => arn(env, "events", `rule/${ruleName(event)}`)),
      subscriptions: props.subscriptions,
    });
    for (const event of props.events) {
      const rule = new CloudwatchEventRule(this, `rule-${event.id}`, {
        name: ruleName(event),
        description: event.description,
        eventPattern: eventPatternJson(`${this.node.path}/${event.id}`, event.pattern),
        state: "ENABLED",
      });
      new CloudwatchEventTarget(this, `target-${event.id}`, {
        rule: rule.name,
        targetId: "security-alerts",
        arn: this.topic.topicArn,
      });
      this.rules[event.id] = rule;
    }

    const global = props.events.filter((e) => e.region === "global");
    const globalRegion = globalEventsRegion(env.partition);
    if (global.length === 0 || env.region === globalRegion) return;
    if (props.globalEventsScope === undefined) {
      throw new Error(
        `${this.node.path}: ${global.map((e) => e.id).join(", ")} happen in ${globalRegion}; globalEventsScope must be a scope there`,
      );
    }
    this.forwarder = this.forwardGlobalEvents(props, global, props.globalEventsScope);
  }

  private forwardGlobalEvents(
    props: SecurityAlertsProps,
    events: SecurityEvent[],
    scope: Construct,
  ): IamRole {
    const env = props.environment;
    const globalEnv = { ...env, region: globalEventsRegion(env.partition) };
    const forwardRuleName = (event: SecurityEvent) =>
      eventRuleName(this.node.path, props.namePrefix, event.id);
    const homeBus = arn(env, "events", "event-bus/default");
    const role = new IamRole(this, "forwarder", {
      roleName: props.forwarderRoleName,
      description: `Lets EventBridge in ${globalEnv.region} forward the platform's IAM alerts to ${env.region}`,
      trustStatements: [
        serviceTrust(env, {
          sid: "EventBridgeRulesOfThisAccount",
          services: "events.amazonaws.com",
          sourceArns: events.map((e) => arn(globalEnv, "events", `rule/${forwardRuleName(e)}`)),
        }),
      ],
    });
    role.addToPolicy({
      Sid: "PutEventsOnTheHomeRegionBus",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: homeBus,
    });
    for (const event of events) {
      const rule = new CloudwatchEventRule(scope, `forward-${event.id}`, {
        name: forwardRuleName(event),
        description: `${event.description} (forwarded to ${env.region})`,
        eventPattern: eventPatternJson(`${scope.node.path}/${event.id}`, event.pattern),
        state: "ENABLED",
      });
      new CloudwatchEventTarget(scope, `forward-target-${event.id}`, {
        rule: rule.name,
        targetId: "home-region-bus",
        arn: homeBus,
        roleArn: role.roleArn,
      });
    }
    return role;
  }
}
