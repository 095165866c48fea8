/**
 * AuditTrail on its own: a multi-region trail, signed and encrypted, into its bucket, with the
 * named buckets' object events (reads and writes); the bucket and key policies let CloudTrail in
 * for this trail only; the Athena table points at where the trail writes.
 */
import { athenaTableDdl, AuditTrail } from "../../../modules/monitoring/audit-trail";
import { AUDIT_BUCKET, auditStore, testKey } from "./audit-store";
import {
  allPoliciesOf,
  bucketByName,
  moduleTestStack,
  onlyResource,
  policyOf,
  statement,
  synthStack,
  TEST_ENV,
  trustOf,
} from "../../helpers";

const TRAIL = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/p-dev-audit";
const BUCKET = AUDIT_BUCKET;
const DATA = [
  "arn:aws:s3:::p-dev-data-111111111111-eu-west-1",
  "arn:aws:s3:::p-dev-models-111111111111-eu-west-1",
];

function synthTrail(managementEvents?: boolean, dataEventBucketArns: string[] = DATA) {
  const stack = moduleTestStack();
  const { key, bucket } = auditStore(stack);
  new AuditTrail(stack, "trail", {
    trailName: "p-dev-audit",
    bucket,
    key,
    environment: TEST_ENV,
    managementEvents,
    dataEventBucketArns,
  });
  return synthStack(stack);
}

describe("AuditTrail", () => {
  test("multi-region, signed, encrypted; management events and both buckets' object reads and writes", () => {
    const json = synthTrail();
    const trail = onlyResource(json, "aws_cloudtrail");
    expect(trail).toMatchObject({
      name: "p-dev-audit",
      enable_logging: true,
      enable_log_file_validation: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
    });
    expect(trail.kms_key_id).toMatch(/^\$\{aws_kms_key\.audit-key_[A-F0-9]+\.arn\}$/);
    expect(trail.depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_policy\.audit-bucket_policy_/),
    ]);
    // No readOnly selector: reads and writes alike.
    expect(trail.advanced_event_selector).toEqual([
      {
        name: "Management events",
        field_selector: [{ field: "eventCategory", equals: ["Management"] }],
      },
      {
        name: "Object reads and writes of the platform's data buckets",
        field_selector: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", starts_with: DATA.map((a) => `${a}/`) },
        ],
      },
    ]);
  });

  test("without management events (an organization trail has them): data events only, no global events", () => {
    const trail = onlyResource(synthTrail(false), "aws_cloudtrail");
    expect(trail.include_global_service_events).toBe(false);
    expect(trail.advanced_event_selector.map((s: any) => s.name)).toEqual([
      "Object reads and writes of the platform's data buckets",
    ]);
    expect(() => synthTrail(false, [])).toThrow(
      /a trail without management events needs data event buckets/,
    );
    expect(
      onlyResource(synthTrail(true, []), "aws_cloudtrail").advanced_event_selector,
    ).toHaveLength(1);
  });

  test("CloudTrail may check the bucket and write under AWSLogs/<account>/, for this trail only", () => {
    const policy = policyOf(bucketByName(synthTrail(), BUCKET).config("aws_s3_bucket_policy"));
    expect(statement(policy, "CloudTrailChecksTheBucket")).toEqual({
      Sid: "CloudTrailChecksTheBucket",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
    });
    expect(statement(policy, "CloudTrailWritesLogFiles")).toEqual({
      Sid: "CloudTrailWritesLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/111111111111/*`,
      Condition: {
        StringEquals: { "aws:SourceArn": TRAIL, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    });
  });

  test("the key: CloudTrail encrypts for this account's trails, as this trail only", () => {
    const key = policyOf(onlyResource(synthTrail(), "aws_kms_key"));
    expect(statement(key, "CloudTrailEncryptsLogFiles")).toEqual({
      Sid: "CloudTrailEncryptsLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": TRAIL },
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*",
        },
      },
    });
    expect(statement(key, "CloudTrailChecksTheKey")).toEqual({
      Sid: "CloudTrailChecksTheKey",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
    });
  });

  test("the Athena table reads the trail's folder, partitioned by the regions named and by day", () => {
    const ddl = athenaTableDdl({
      trailName: "p-dev-audit",
      bucketName: BUCKET,
      env: TEST_ENV,
      regions: ["eu-west-1", "us-east-1"],
      since: "2026/01/01",
    });
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS p_dev_audit \(/);
    expect(ddl).toContain(`LOCATION 's3://${BUCKET}/AWSLogs/111111111111/CloudTrail/'`);
    expect(ddl).toContain("'projection.region.values'='eu-west-1,us-east-1'");
    expect(ddl).toContain("'projection.day.range'='2026/01/01,NOW'");
    expect(ddl).toContain(
      `'storage.location.template'='s3://${BUCKET}/AWSLogs/111111111111/CloudTrail/\${region}/\${day}'`,
    );
  });
});

describe("AuditTrail to CloudWatch Logs", () => {
  function synthWithLogs() {
    const stack = moduleTestStack();
    const { key, bucket } = auditStore(stack);
    const logsKey = testKey(stack, "logs");
    new AuditTrail(stack, "trail", {
      trailName: "p-dev-audit",
      bucket,
      key,
      environment: TEST_ENV,
      dataEventBucketArns: DATA,
      logGroup: {
        logGroupName: "/platform/p-dev/audit-trail",
        key: logsKey,
        roleName: "p-dev-audit-trail-logs",
        retentionInDays: 731,
      },
    });
    return synthStack(stack);
  }

  test("an encrypted log group, written by a role only this trail assumes, into its streams only", () => {
    const json = synthWithLogs();
    const group = onlyResource(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/platform/p-dev/audit-trail", retention_in_days: 731 });
    expect(group.kms_key_id).toMatch(/aws_kms_key\.logs-key_/);
    const trail = onlyResource(json, "aws_cloudtrail");
    expect(trail.cloud_watch_logs_group_arn).toMatch(
      /^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/,
    );
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.[^}]+\.arn\}$/);
    // CloudTrail checks the role can write as it creates the trail: the policy is attached first.
    expect(trail.depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_policy\.audit-bucket_policy_/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.trail_log-role_attach-permissions_/),
    ]);
    expect(trustOf(json, "p-dev-audit-trail-logs")).toEqual([
      {
        Sid: "ThisTrailOnly",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": TRAIL },
        },
      },
    ]);
    expect(allPoliciesOf(json, "p-dev-audit-trail-logs")).toEqual([
      {
        Sid: "WriteToTheTrailLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource:
          "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/p-dev/audit-trail:log-stream:*",
      },
    ]);
  });

  test("without a log group the trail writes to S3 only", () => {
    const trail = onlyResource(synthTrail(), "aws_cloudtrail");
    expect(trail.cloud_watch_logs_group_arn).toBeUndefined();
    expect(trail.cloud_watch_logs_role_arn).toBeUndefined();
  });
});
