import { KmsKey, KMS_DECRYPT_ACTIONS } from "../../modules/kms/kms-key";
import { RegionalScope } from "../../modules/core/regional-scope";
import { athenaTableDdl, AuditTrail } from "../../modules/monitoring/audit-trail";
import { ConfigRules, MANAGED_CONFIG_RULES } from "../../modules/monitoring/config-rules";
import { SecurityAlerts } from "../../modules/monitoring/security-alerts";
import { globalEventsRegion, securityEvents } from "../../modules/monitoring/security-events";
import { UnguardedJobResponse } from "../../modules/monitoring/unguarded-job-response";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import type { PlatformStack } from "../stacks/platform-stack";

/**
 * The first day the Athena table's partition projection offers: no trail of the platform logged
 * before it. Days without log files are empty partitions, which cost nothing to scan.
 */
export const AUDIT_QUERIES_SINCE = "2026/01/01";

/** Terraform reads `${` in a string as an expression; `$${` is a literal `${`. */
const literal = (text: string) => text.replace(/\$\{/g, "$$${");

export interface AccountMonitoringOptions {
  /** The account's key for CloudWatch log groups (the trail's log group). */
  readonly logsKey: KmsKey;
  /** Buckets whose object reads and writes the trail logs (the data and model buckets). */
  readonly dataEventBuckets?: readonly SecureBucket[];
  /** Whether the account runs an RDS database (the MLflow server's): its Config rule applies. */
  readonly database?: boolean;
}

export interface AccountMonitoring {
  readonly auditKey: KmsKey;
  readonly auditBucket: SecureBucket;
  readonly trail?: AuditTrail;
  readonly alerts?: SecurityAlerts;
  readonly configRules?: ConfigRules;
  readonly response?: UnguardedJobResponse;
}

/** The audit key and bucket, and the auditors config names as readers of the log files. */
function addAuditStore(stack: PlatformStack): { auditKey: KmsKey; auditBucket: SecureBucket } {
  const names = stack.names;
  const env = names.environment;
  const readers = stack.config.monitoring.trail.readerRoleNames;
  const auditKey = new KmsKey(stack, "audit-key", {
    alias: names.auditKeyAlias,
    description: `Encrypts the audit trail, the audit bucket and the security alerts of ${names.stem}`,
    administratorArns: [names.deployRoleArn],
  });
  const auditBucket = new SecureBucket(stack, "audit-bucket", {
    bucketName: names.auditBucketName,
    encryption: { kmsKey: auditKey },
    environment: env,
    accessLogs: { targetBucketName: names.accessLogBucketName },
  });
  if (readers.length > 0) {
    auditKey.grantThroughService({
      sid: "AuditorsReadLogFiles",
      principals: readers.map((name) => names.roleArn(name)),
      actions: KMS_DECRYPT_ACTIONS,
      via: "s3",
      env,
      byCondition: true,
      s3BucketArn: auditBucket.arnByName,
    });
  }
  return { auditKey, auditBucket };
}

/** The security alerts, with a us-east-1 scope for IAM's events when the platform is elsewhere. */
function addAlerts(stack: PlatformStack, auditKey: KmsKey): SecurityAlerts {
  const names = stack.names;
  const env = names.environment;
  const globalRegion = globalEventsRegion(env.partition);
  return new SecurityAlerts(stack, "security-alerts", {
    namePrefix: names.stem,
    events: securityEvents({
      deployRoleArn: names.deployRoleArn,
      roleNamePrefix: `${names.stem}-`,
      accountKind: names.type,
    }),
    key: auditKey,
    environment: env,
    subscriptions: stack.config.monitoring.subscriptions,
    forwarderRoleName: names.alertForwarderRoleName,
    globalEventsScope:
      env.region === globalRegion
        ? undefined
        : new RegionalScope(stack, "global-events", stack.providerFor(globalRegion)),
  });
}

/** AWS Config's managed rules for this account's kind, less those config excludes. */
function addConfigRules(
  stack: PlatformStack,
  audit: { auditKey: KmsKey; auditBucket: SecureBucket },
  database: boolean,
): ConfigRules {
  const names = stack.names;
  const awsConfig = stack.config.monitoring.awsConfig;
  const excluded = new Set(awsConfig.excludeRules);
  return new ConfigRules(stack, "config-rules", {
    namePrefix: names.stem,
    environment: names.environment,
    rules: MANAGED_CONFIG_RULES.filter(
      (rule) =>
        !excluded.has(rule.identifier) &&
        (rule.accounts === "all" || rule.accounts === names.type) &&
        (rule.identifier !== "RDS_STORAGE_ENCRYPTED" || database),
    ),
    recorder:
      awsConfig.recorder === "create"
        ? {
            roleName: names.configRecorderRoleName,
            bucket: audit.auditBucket,
            key: audit.auditKey,
          }
        : undefined,
  });
}

/** Where the audit data is and how to reach it, as stack outputs. */
function addMonitoringOutputs(stack: PlatformStack, m: AccountMonitoring): void {
  const names = stack.names;
  const env = names.environment;
  stack.addOutputs({
    audit_bucket_name: {
      value: m.auditBucket.bucketName,
      description: "Bucket of the audit trail's log files (and AWS Config's, when it records)",
    },
    audit_key_arn: {
      value: m.auditKey.keyArn,
      description: "KMS key of the audit trail, the audit bucket and the alert topic",
    },
    ...(m.trail === undefined
      ? {}
      : {
          audit_trail_arn: { value: m.trail.trailArn, description: "The account's audit trail" },
          audit_athena_table: {
            value: literal(
              athenaTableDdl({
                trailName: names.auditTrailName,
                bucketName: names.auditBucketName,
                env,
                regions: [...new Set([env.region, globalEventsRegion(env.partition)])],
                since: AUDIT_QUERIES_SINCE,
              }),
            ),
            description:
              "Athena DDL of a table over the audit trail's log files (docs/detection.md has the queries)",
          },
        }),
    ...(m.alerts === undefined
      ? {}
      : {
          security_alert_topic_arn: {
            value: m.alerts.topic.topicArn,
            description: "SNS topic of the security alerts; subscribe more endpoints to it",
          },
        }),
  });
}

/**
 * The detective and responsive controls of an account (`monitoring` in config): the audit key
 * and bucket, the trail (management events unless an organization trail logs them; the buckets'
 * data events), the security alerts, AWS Config rules and the response to unguarded jobs.
 */
export function addMonitoring(
  stack: PlatformStack,
  options: AccountMonitoringOptions,
): AccountMonitoring {
  const names = stack.names;
  const config = stack.config.monitoring;
  const audit = addAuditStore(stack);

  const management = !config.trail.organizationTrail;
  const dataBuckets = config.trail.dataEvents ? (options.dataEventBuckets ?? []) : [];
  const trail =
    management || dataBuckets.length > 0
      ? new AuditTrail(stack, "audit-trail", {
          trailName: names.auditTrailName,
          bucket: audit.auditBucket,
          key: audit.auditKey,
          environment: names.environment,
          managementEvents: management,
          dataEventBucketArns: dataBuckets.map((b) => b.arnByName),
          logGroup: config.trail.cloudWatchLogs
            ? {
                logGroupName: names.auditLogGroupName,
                key: options.logsKey,
                roleName: names.auditTrailLogRoleName,
                retentionInDays: config.trail.logRetentionDays,
              }
            : undefined,
        })
      : undefined;
  const alerts = config.alerts ? addAlerts(stack, audit.auditKey) : undefined;
  const configRules =
    config.awsConfig.recorder === "none"
      ? undefined
      : addConfigRules(stack, audit, options.database === true);
  const response = config.stopUnguardedJobs
    ? new UnguardedJobResponse(stack, "unguarded-job-response", {
        namePrefix: names.stem,
        environment: names.environment,
        documentName: names.stopJobsDocumentName,
        automationRoleName: names.stopJobsRoleName,
        triggerRoleName: names.stopJobsTriggerRoleName,
      })
    : undefined;
  const monitoring = { ...audit, trail, alerts, configRules, response };
  addMonitoringOutputs(stack, monitoring);
  return monitoring;
}
