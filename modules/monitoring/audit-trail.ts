import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { IamRole } from "../iam/iam-role";
import { serviceTrust } from "../iam/service-trust";
import type { KeyReference, KmsKey } from "../kms/kms-key";
import { encryptedLogGroup } from "../logs/encrypted-log-group";
import type { SecureBucket } from "../storage/secure-bucket";

/** Where the trail also delivers, for CloudWatch Logs Insights queries and metric filters. */
export interface TrailLogGroupProps {
  readonly logGroupName: string;
  /** The account's logs key. */
  readonly key: KeyReference;
  readonly roleName: string;
  /** @default 365 */
  readonly retentionInDays?: number;
}

export interface AuditTrailProps {
  readonly trailName: string;
  /** Where log files go; it gets the statements CloudTrail needs (this trail only). */
  readonly bucket: SecureBucket;
  /** Encrypts the log files; it gets the statements CloudTrail needs (this trail only). */
  readonly key: KmsKey;
  readonly environment: AwsEnvironment;
  /**
   * Log the account's management events (every region, IAM's included): what EventBridge's
   * alerts need. False where an organization trail already logs them.
   * @default true
   */
  readonly managementEvents?: boolean;
  /** Buckets whose object reads and writes are logged, by principal (data events). */
  readonly dataEventBucketArns: readonly string[];
  /**
   * Deliver the events to a CloudWatch log group too (encrypted, kept a year by default).
   * @default S3 only
   */
  readonly logGroup?: TrailLogGroupProps;
}

/** The prefix CloudTrail writes under: `AWSLogs/<account>/`. */
export function trailLogPrefix(env: AwsEnvironment): string {
  return `AWSLogs/${env.accountId}/`;
}

/**
 * A multi-region CloudTrail trail with log file validation, encrypted with a customer managed
 * key, into a secure bucket: management events (which EventBridge's alerts need) and the data
 * events of the named buckets' objects, reads and writes, so "who read this prefix" has an
 * answer. Advanced event selectors log exactly these buckets, nothing else.
 */
export class AuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly trailArn: string;
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const env = props.environment;
    const management = props.managementEvents ?? true;
    if (!management && props.dataEventBucketArns.length === 0) {
      throw new Error(
        `${this.node.path}: a trail without management events needs data event buckets`,
      );
    }
    // Built from the name: the bucket and key policies must not wait for the trail.
    const trailArn = arn(env, "cloudtrail", `trail/${props.trailName}`);
    const thisTrail = { StringEquals: { "aws:SourceArn": trailArn } };
    const bucketArn = props.bucket.arnByName;

    props.bucket.addToResourcePolicy({
      Sid: "CloudTrailChecksTheBucket",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: thisTrail,
    });
    props.bucket.addToResourcePolicy({
      Sid: "CloudTrailWritesLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/${trailLogPrefix(env)}*`,
      Condition: {
        StringEquals: {
          ...thisTrail.StringEquals,
          "s3:x-amz-acl": "bucket-owner-full-control",
        },
      },
    });
    props.key.addToPolicy({
      Sid: "CloudTrailEncryptsLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        ...thisTrail,
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": arn(env, "cloudtrail", "trail/*", "*"),
        },
      },
    });
    props.key.addToPolicy({
      // DescribeKey to check the key; Decrypt because the bucket uses an S3 Bucket Key of it.
      Sid: "CloudTrailChecksTheKey",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: thisTrail,
    });

    const delivery = props.logGroup === undefined ? undefined : this.logDelivery(props, trailArn);
    this.logGroup = delivery?.group;
    this.trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      cloudWatchLogsGroupArn: delivery === undefined ? undefined : `${delivery.group.arn}:*`,
      cloudWatchLogsRoleArn: delivery?.role.roleArn,
      s3BucketName: props.bucket.bucketName,
      kmsKeyId: props.key.keyArn,
      enableLogging: true,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: management,
      advancedEventSelector: [
        ...(management
          ? [
              {
                name: "Management events",
                fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }],
              },
            ]
          : []),
        ...(props.dataEventBucketArns.length === 0
          ? []
          : [
              {
                name: "Object reads and writes of the platform's data buckets",
                fieldSelector: [
                  { field: "eventCategory", equalTo: ["Data"] },
                  { field: "resources.type", equalTo: ["AWS::S3::Object"] },
                  {
                    field: "resources.ARN",
                    startsWith: props.dataEventBucketArns.map((a) => `${a}/`),
                  },
                ],
              },
            ]),
      ],
      // CloudTrail checks the bucket policy, and the log role's permissions, as it creates the trail.
      dependsOn: [props.bucket.bucketPolicy, ...(delivery?.role.permissionsGranted() ?? [])],
    });
    this.trailArn = this.trail.arn;
  }

  /** The log group and the role CloudTrail writes to it with, for this trail only. */
  private logDelivery(props: AuditTrailProps, trailArn: string) {
    const env = props.environment;
    const logs = props.logGroup!;
    const group = encryptedLogGroup(this, "log-group", {
      logGroupName: logs.logGroupName,
      key: logs.key,
      environment: env,
      retentionInDays: logs.retentionInDays,
    });
    const role = new IamRole(this, "log-role", {
      roleName: logs.roleName,
      description: `Lets the trail ${props.trailName} write to ${logs.logGroupName}`,
      trustStatements: [
        serviceTrust(env, {
          sid: "ThisTrailOnly",
          services: "cloudtrail.amazonaws.com",
          sourceArns: trailArn,
        }),
      ],
    });
    const groupArn = arn(env, "logs", `log-group:${logs.logGroupName}`);
    role.addToPolicy({
      Sid: "WriteToTheTrailLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${groupArn}:log-stream:*`,
    });
    return { group, role };
  }
}

/** An Athena table name: letters, digits and underscores. */
function athenaName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_").toLowerCase();
}

/**
 * The Athena table over a trail's log files (CloudTrail's documented schema), with partition
 * projection by region and day, so a query reads only the days and regions it names and no
 * crawler or `MSCK REPAIR` is needed. `regions`: those the queries look at (a multi-region
 * trail writes one folder per region).
 */
export function athenaTableDdl(props: {
  readonly trailName: string;
  readonly bucketName: string;
  readonly env: AwsEnvironment;
  readonly regions: readonly string[];
  /** First day the projection offers, `yyyy/MM/dd`. */
  readonly since: string;
}): string {
  const location = `s3://${props.bucketName}/${trailLogPrefix(props.env)}CloudTrail`;
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${athenaName(props.trailName)} (`,
    "  eventversion STRING,",
    "  useridentity STRUCT<type:STRING, principalid:STRING, arn:STRING, accountid:STRING, invokedby:STRING, accesskeyid:STRING, username:STRING, sessioncontext:STRUCT<attributes:STRUCT<mfaauthenticated:STRING, creationdate:STRING>, sessionissuer:STRUCT<type:STRING, principalid:STRING, arn:STRING, accountid:STRING, username:STRING>, sourceidentity:STRING>>,",
    "  eventtime STRING, eventsource STRING, eventname STRING, awsregion STRING,",
    "  sourceipaddress STRING, useragent STRING, errorcode STRING, errormessage STRING,",
    "  requestparameters STRING, responseelements STRING, additionaleventdata STRING,",
    "  requestid STRING, eventid STRING, readonly STRING,",
    "  resources ARRAY<STRUCT<arn:STRING, accountid:STRING, type:STRING>>,",
    "  eventtype STRING, recipientaccountid STRING, sharedeventid STRING,",
    "  vpcendpointid STRING, eventcategory STRING",
    ")",
    "PARTITIONED BY (region STRING, day STRING)",
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${location}/'`,
    "TBLPROPERTIES (",
    "  'projection.enabled'='true',",
    "  'projection.region.type'='enum',",
    `  'projection.region.values'='${props.regions.join(",")}',`,
    "  'projection.day.type'='date',",
    `  'projection.day.range'='${props.since},NOW',`,
    "  'projection.day.format'='yyyy/MM/dd',",
    "  'projection.day.interval'='1',",
    "  'projection.day.interval.unit'='DAYS',",
    `  'storage.location.template'='${location}/\${region}/\${day}'`,
    ");",
  ].join("\n");
}
