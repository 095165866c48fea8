/**
 * SecurityAlerts on its own: one rule per event with its pattern, each to the topic; IAM's
 * events also ruled in us-east-1 and forwarded to the home bus by a role that may put events
 * there and nothing else; names and pattern sizes checked against EventBridge's limits.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { testKey } from "./audit-store";
import { RegionalScope } from "../../../modules/core/regional-scope";
import { SecurityAlerts } from "../../../modules/monitoring/security-alerts";
import { securityEvents, type SecurityEvent } from "../../../modules/monitoring/security-events";
import {
  allPoliciesOf,
  moduleTestStack,
  resourcesOf,
  synthStack,
  TEST_ENV,
  trustOf,
} from "../../helpers";

const DEPLOY = "arn:aws:iam::111111111111:role/terraform-deploy";
const EVENTS = securityEvents({
  deployRoleArn: DEPLOY,
  roleNamePrefix: "p-dev-",
  accountKind: "data-science",
});

function synthAlerts(
  options: { region?: string; global?: boolean; events?: SecurityEvent[]; prefix?: string } = {},
) {
  const stack = moduleTestStack();
  const env = { ...TEST_ENV, region: options.region ?? TEST_ENV.region };
  const key = testKey(stack, "audit");
  const globalScope =
    options.global === false
      ? undefined
      : new RegionalScope(
          stack,
          "global-events",
          new AwsProvider(stack, "use1", { region: "us-east-1", alias: "us-east-1" }),
        );
  new SecurityAlerts(stack, "alerts", {
    namePrefix: options.prefix ?? "p-dev",
    events: options.events ?? EVENTS,
    key,
    environment: env,
    forwarderRoleName: "p-dev-alert-forwarder",
    globalEventsScope: globalScope,
  });
  return synthStack(stack);
}

describe("SecurityAlerts", () => {
  test("one rule per event, its pattern verbatim, delivered to the topic", () => {
    const json = synthAlerts();
    const rules = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).filter(
      (r) => r.provider === undefined,
    );
    expect(rules.map((r) => r.name).sort()).toEqual(EVENTS.map((e) => `p-dev-${e.id}`).sort());
    for (const event of EVENTS) {
      const rule = rules.find((r) => r.name === `p-dev-${event.id}`)!;
      expect(JSON.parse(rule.event_pattern)).toEqual(event.pattern);
      expect(rule.description).toBe(event.description);
      expect(rule.state).toBe("ENABLED");
    }
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter(
      (t) => t.provider === undefined,
    );
    expect(targets).toHaveLength(EVENTS.length);
    for (const t of targets)
      expect(t.arn).toMatch(/^\$\{aws_sns_topic\.alerts_topic_[A-F0-9]+\.arn\}$/);
  });

  test("IAM's events: a rule in us-east-1 forwards to the home bus with a role that can do only that", () => {
    const json = synthAlerts();
    const forwarding = Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter(
      (t) => t.provider === "aws.us-east-1",
    );
    expect(forwarding).toEqual([
      expect.objectContaining({
        arn: "arn:aws:events:eu-west-1:111111111111:event-bus/default",
        target_id: "home-region-bus",
      }),
    ]);
    const forwardRule = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).filter(
      (r) => r.provider === "aws.us-east-1",
    );
    expect(forwardRule.map((r) => r.name)).toEqual(["p-dev-platform-role-changed"]);
    expect(trustOf(json, "p-dev-alert-forwarder")).toEqual([
      {
        Sid: "EventBridgeRulesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: {
            "aws:SourceArn": [
              "arn:aws:events:us-east-1:111111111111:rule/p-dev-platform-role-changed",
            ],
          },
        },
      },
    ]);
    expect(allPoliciesOf(json, "p-dev-alert-forwarder")).toEqual([
      {
        Sid: "PutEventsOnTheHomeRegionBus",
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: "arn:aws:events:eu-west-1:111111111111:event-bus/default",
      },
    ]);
  });

  test("at home in us-east-1 nothing is forwarded; elsewhere a missing us-east-1 scope is an error", () => {
    const json = synthAlerts({ region: "us-east-1", global: false });
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule"))).toHaveLength(EVENTS.length);
    expect(() => synthAlerts({ global: false })).toThrow(
      /platform-role-changed happen in us-east-1; globalEventsScope must be a scope there/,
    );
  });

  test("EventBridge's limits: a rule name over 64 characters, a pattern over 2,048", () => {
    // The longest id, platform-role-changed (21), after a 42-character prefix is 64: allowed.
    expect(() => synthAlerts({ prefix: "p".repeat(42) })).not.toThrow();
    expect(() => synthAlerts({ prefix: "p".repeat(43) })).toThrow(
      /rule name "p{43}-platform-role-changed" must be 1 to 64/,
    );
    const huge: SecurityEvent = {
      id: "guardrail-denied",
      description: "x",
      region: "home",
      pattern: {
        detail: { eventName: Array.from({ length: 200 }, (_, i) => `CreateSomething${i}`) },
      },
    };
    expect(() => synthAlerts({ events: [huge] })).toThrow(
      /event pattern is \d+ characters; EventBridge allows 2048/,
    );
  });

  test("every pattern the platform writes fits EventBridge's default quota", () => {
    for (const kind of ["data-science", "deployment-target"] as const) {
      for (const e of securityEvents({
        deployRoleArn: DEPLOY + "x".repeat(40),
        roleNamePrefix: "p".repeat(41) + "-",
        accountKind: kind,
      })) {
        expect([e.id, JSON.stringify(e.pattern).length <= 2048]).toEqual([e.id, true]);
      }
    }
  });
});
