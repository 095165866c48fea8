import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { ITerraformDependable } from "../core/cdktf";
import type { AwsEnvironment } from "../core/aws-environment";
import { IamRole } from "../iam/iam-role";
import { serviceOfThisAccount, serviceTrust } from "../iam/service-trust";
import type { KmsKey } from "../kms/kms-key";
import type { SecureBucket } from "../storage/secure-bucket";

/** An AWS Config managed rule and the platform promise it reports on. */
export interface ManagedConfigRule {
  /** AWS's identifier, such as `S3_BUCKET_SSL_REQUESTS_ONLY`. */
  readonly identifier: string;
  /** What it reports, in the platform's words. */
  readonly promise: string;
  /** Which accounts it applies to. */
  readonly accounts: "all" | "data-science" | "deployment-target";
}

/**
 * The managed rules that match what the platform promises. AWS publishes which regions each
 * rule exists in; a region without one is named in config (`awsConfig.excludeRules`).
 */
export const MANAGED_CONFIG_RULES: readonly ManagedConfigRule[] = [
  {
    identifier: "S3_BUCKET_SSL_REQUESTS_ONLY",
    promise: "buckets refuse requests without TLS",
    accounts: "all",
  },
  {
    identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
    promise: "buckets block public access",
    accounts: "all",
  },
  {
    identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
    promise: "buckets encrypt by default",
    accounts: "all",
  },
  { identifier: "S3_BUCKET_VERSIONING_ENABLED", promise: "buckets keep versions", accounts: "all" },
  {
    identifier: "CMK_BACKING_KEY_ROTATION_ENABLED",
    promise: "customer managed keys rotate",
    accounts: "all",
  },
  { identifier: "VPC_FLOW_LOGS_ENABLED", promise: "VPCs log their flows", accounts: "all" },
  {
    identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
    promise: "default security groups allow nothing",
    accounts: "all",
  },
  {
    identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
    promise: "log groups are encrypted with a customer managed key",
    accounts: "all",
  },
  {
    identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED",
    promise: "trails encrypt their log files",
    accounts: "all",
  },
  {
    identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    promise: "trails sign their log files",
    accounts: "all",
  },
  { identifier: "SNS_ENCRYPTED_KMS", promise: "topics are encrypted with KMS", accounts: "all" },
  { identifier: "EC2_IMDSV2_CHECK", promise: "instances require IMDSv2", accounts: "all" },
  {
    identifier: "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
    promise: "endpoint volumes use a customer managed key",
    accounts: "all",
  },
  { identifier: "SAGEMAKER_MODEL_IN_VPC", promise: "models run in the VPC", accounts: "all" },
  {
    identifier: "SAGEMAKER_DOMAIN_IN_VPC",
    promise: "the Studio domain's apps reach nothing but the VPC",
    accounts: "data-science",
  },
  {
    identifier: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
    promise: "notebook instances have no direct internet",
    accounts: "data-science",
  },
  {
    identifier: "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
    promise: "notebook volumes use a customer managed key",
    accounts: "data-science",
  },
  {
    identifier: "RDS_STORAGE_ENCRYPTED",
    promise: "databases are encrypted",
    accounts: "data-science",
  },
];

/** A configuration recorder the platform creates, delivering to its audit bucket. */
export interface ConfigRecorderProps {
  readonly roleName: string;
  readonly bucket: SecureBucket;
  readonly key: KmsKey;
}

export interface ConfigRulesProps {
  /** Starts every rule name: `<namePrefix>-<identifier in lowercase, with hyphens>`. */
  readonly namePrefix: string;
  readonly rules: readonly ManagedConfigRule[];
  readonly environment: AwsEnvironment;
  /** Create the account's recorder and delivery channel; without it one must exist already. */
  readonly recorder?: ConfigRecorderProps;
}

/** Where the recorder delivers in the bucket. */
export const CONFIG_DELIVERY_PREFIX = "config";

/** A rule's name: `<prefix>-s3-bucket-ssl-requests-only`. */
export function configRuleName(namePrefix: string, identifier: string): string {
  return `${namePrefix}-${identifier.toLowerCase().replace(/_/g, "-")}`;
}

/**
 * AWS Config managed rules for the platform's promises, so drift from the secure state is
 * reported by AWS itself; optionally the recorder they need (every supported resource type,
 * delivered encrypted to the audit bucket).
 */
export class ConfigRules extends Construct {
  readonly rules: ConfigConfigRule[];
  readonly recorderRole?: IamRole;

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    let recording: ITerraformDependable[] = [];
    if (props.recorder !== undefined) {
      const made = this.recorder(props.environment, props.recorder);
      this.recorderRole = made.role;
      recording = [made.status];
    }
    this.rules = props.rules.map(
      (rule) =>
        new ConfigConfigRule(this, rule.identifier.toLowerCase(), {
          name: configRuleName(props.namePrefix, rule.identifier),
          description: `The platform promises: ${rule.promise}`,
          source: { owner: "AWS", sourceIdentifier: rule.identifier },
          dependsOn: recording,
        }),
    );
  }

  private recorder(env: AwsEnvironment, props: ConfigRecorderProps) {
    const bucketArn = props.bucket.arnByName;
    const deliveryObjects = `${bucketArn}/${CONFIG_DELIVERY_PREFIX}/AWSLogs/${env.accountId}/Config/*`;
    const role = new IamRole(this, "recorder-role", {
      roleName: props.roleName,
      description:
        "Lets AWS Config record this account's resources and deliver to the audit bucket",
      trustStatements: [
        serviceTrust(env, { sid: "ConfigOfThisAccount", services: "config.amazonaws.com" }),
      ],
    });
    const reads = new IamRolePolicyAttachment(this, "recorder-reads", {
      role: role.roleName,
      // AWS's policy for recorders: read-only Describe/Get/List of every recorded type.
      policyArn: `arn:${env.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
    });
    role.addToPolicy({
      Sid: "DeliverToTheAuditBucket",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: deliveryObjects,
    });
    role.addToPolicy({
      Sid: "CheckTheAuditBucket",
      Effect: "Allow",
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
    });
    props.key.grantThroughService({
      sid: "ConfigRecorderDelivers",
      principals: [role.roleArn],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      via: "s3",
      env,
    });
    role.addToPolicy({
      Sid: "EncryptDeliveries",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: props.key.keyArn,
    });
    props.bucket.addToResourcePolicy({
      Sid: "ConfigChecksTheBucket",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: bucketArn,
      Condition: serviceOfThisAccount(env),
    });
    props.bucket.addToResourcePolicy({
      Sid: "ConfigDelivers",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: deliveryObjects,
      Condition: serviceOfThisAccount(env),
    });

    const recorder = new ConfigConfigurationRecorder(this, "recorder", {
      name: "default",
      roleArn: role.roleArn,
      // Config checks the role's permissions as the recorder and its channel are created.
      dependsOn: [reads, ...role.permissionsGranted()],
      // IAM roles and policies too (one recorder per account: no duplicates). AWS records them
      // only in regions it offered Config in before February 2022; elsewhere the flag records none.
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const channel = new ConfigDeliveryChannel(this, "delivery-channel", {
      name: "default",
      s3BucketName: props.bucket.bucketName,
      s3KeyPrefix: CONFIG_DELIVERY_PREFIX,
      s3KmsKeyArn: props.key.keyArn,
      dependsOn: [recorder, props.bucket.bucketPolicy],
    });
    const status = new ConfigConfigurationRecorderStatus(this, "recorder-status", {
      name: recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    return { role, status };
  }
}
