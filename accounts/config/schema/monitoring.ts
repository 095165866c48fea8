import { z } from "zod";
import { MANAGED_CONFIG_RULES } from "../../../modules/monitoring/config-rules";
import { iamRoleNameSchema, logRetentionDaysSchema } from "./common";
import { oneOf, strictObject } from "../zod";

/** Printable ASCII without spaces: what an email address or URL of a subscription may hold. */
const EMAIL = /^[\x21-\x3f\x41-\x7e]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[\x21-\x7e]*)?$/;

export const SUBSCRIPTIONS_MAX = 20;

const subscriptionSchema = z
  .discriminatedUnion(
    "protocol",
    [
      strictObject({
        protocol: z.literal("email").describe("Delivery by email."),
        endpoint: z
          .string()
          .max(254, { error: "must be at most 254 characters (an email address)" })
          .regex(EMAIL, { error: "must be an email address such as secops@example.com" })
          .describe("The address; its owner confirms the subscription from the first message."),
      }),
      strictObject({
        protocol: z.literal("https").describe("Delivery by HTTPS POST."),
        endpoint: z
          .string()
          .max(2048, { error: "must be at most 2048 characters" })
          .regex(HTTPS_URL, {
            error: "must be an https:// URL without spaces (a chat integration's webhook)",
          })
          .describe("The URL; it must confirm the subscription (SNS posts a confirmation link)."),
      }),
    ],
    { error: 'must have protocol "email" or "https" and an endpoint' },
  )
  .describe(
    "Where alerts go: `{protocol: email, endpoint: <address>}` or `{protocol: https, endpoint: <URL>}`.",
  );

const MANAGED_RULE_IDS = MANAGED_CONFIG_RULES.map((r) => r.identifier) as [string, ...string[]];

/**
 * Detective and responsive controls, in every account: EventBridge alerts on CloudTrail events
 * to an encrypted SNS topic, a trail with the buckets' object-level events, AWS Config rules,
 * and the optional stop of unguarded SageMaker jobs.
 */
export const monitoringSchema = strictObject({
  alerts: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .describe(
      "EventBridge rules on the security events (denied guardrail calls, protections changed outside Terraform, platform roles changed, approvals, endpoints) to an encrypted SNS topic `<prefix>-<account>-security-alerts`. Default true.",
    ),
  subscriptions: z
    .array(subscriptionSchema)
    .max(SUBSCRIPTIONS_MAX, { error: `must list at most ${SUBSCRIPTIONS_MAX} subscriptions` })
    .default([])
    .describe(
      "Who the alerts reach. Email subscriptions wait for the recipient to confirm them. Default: none (subscribe to the topic output yourself).",
    ),
  trail: strictObject({
    organizationTrail: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe(
        "An organization trail already logs every account's management events (Control Tower, for one): the platform's trail then logs only the buckets' data events, and EventBridge gets management events from the organization trail. Default false: the platform's trail logs management events too.",
      ),
    dataEvents: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe(
        "Log every object read and write of the data and model buckets (data science account), by principal: the per-user audit trail (CloudTrail charges per 100,000 data events). Default true.",
      ),
    cloudWatchLogs: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe(
        "Deliver the trail's events to the encrypted log group `/platform/<prefix>-<account>/audit-trail` too, for CloudWatch Logs Insights and metric filters (CloudWatch charges per GB ingested, data events included). Default true.",
      ),
    logRetentionDays: logRetentionDaysSchema
      .default(365)
      .describe("Days the trail's log group keeps events. Default 365."),
    readerRoleNames: z
      .array(iamRoleNameSchema)
      .max(10, { error: "must list at most 10 roles" })
      .default([])
      .describe(
        "Roles of the account (auditors) that may decrypt the log files, for Athena. Default: none.",
      ),
  })
    .prefault({})
    .describe("The account's audit trail, into the bucket `<prefix>-<account>-audit-logs-...`."),
  awsConfig: strictObject({
    recorder: z
      .enum(["none", "existing", "create"], {
        error: 'must be "none", "existing" or "create"',
      })
      .default("none")
      .describe(
        "AWS Config: `none` (default) adds no rules; `existing` adds the managed rules to the account's recorder; `create` also creates the recorder, delivering to the audit bucket.",
      ),
    excludeRules: z
      .array(oneOf(MANAGED_RULE_IDS, "a managed rule the platform adds"))
      .default([])
      .describe(
        "Managed rules to leave out, such as one AWS does not offer in the platform's region.",
      ),
  })
    .prefault({})
    .describe("AWS Config managed rules for the platform's promises."),
  stopUnguardedJobs: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "Stop a SageMaker training or processing job that starts without the VPC or without an output key (only a role without the guardrails can start one) with an SSM Automation. Default false.",
    ),
}).superRefine((monitoring, ctx) => {
  const seen = new Set<string>();
  monitoring.subscriptions.forEach((s, i) => {
    const key = `${s.protocol}:${s.endpoint.toLowerCase()}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["subscriptions", i, "endpoint"],
        input: s.endpoint,
        message: "is listed twice; each subscription once",
      });
    }
    seen.add(key);
  });
  if (monitoring.stopUnguardedJobs && !monitoring.alerts) {
    ctx.addIssue({
      code: "custom",
      path: ["stopUnguardedJobs"],
      input: true,
      message:
        "needs alerts: a job is stopped without anyone being told otherwise; set alerts: true",
    });
  }
});
