/**
 * The AWS calls terraform-provider-aws (6.x) makes to refresh each resource type the platform
 * synthesizes, as IAM actions: what `terraform plan` needs of the CI plan role. Spelled out here,
 * independently of the plan role's policy, from the provider's Read functions; a synthesized type
 * missing from this table fails the plan-role test, so a new resource type is a decision.
 */
const S3_BUCKET_READS = [
  "s3:ListBucket", // HeadBucket
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketLogging",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketPolicy",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketTagging",
  "s3:GetBucketVersioning",
  "s3:GetBucketWebsite",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
];

export const REFRESH_READS: Readonly<Record<string, readonly string[]>> = {
  aws_cloudtrail: [
    "cloudtrail:GetTrail",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetInsightSelectors",
    "cloudtrail:ListTags",
  ],
  aws_cloudwatch_event_rule: ["events:DescribeRule", "events:ListTagsForResource"],
  aws_cloudwatch_event_target: ["events:ListTargetsByRule"],
  aws_config_config_rule: ["config:DescribeConfigRules", "config:ListTagsForResource"],
  aws_config_configuration_recorder: ["config:DescribeConfigurationRecorders"],
  aws_config_configuration_recorder_status: [
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
  ],
  aws_config_delivery_channel: ["config:DescribeDeliveryChannels"],
  aws_cloudwatch_log_group: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
  aws_codeartifact_domain: ["codeartifact:DescribeDomain", "codeartifact:ListTagsForResource"],
  aws_codeartifact_domain_permissions_policy: ["codeartifact:GetDomainPermissionsPolicy"],
  aws_codeartifact_repository: [
    "codeartifact:DescribeRepository",
    "codeartifact:ListTagsForResource",
  ],
  aws_codeartifact_repository_permissions_policy: ["codeartifact:GetRepositoryPermissionsPolicy"],
  aws_db_instance: ["rds:DescribeDBInstances", "rds:ListTagsForResource"],
  aws_db_parameter_group: [
    "rds:DescribeDBParameterGroups",
    "rds:DescribeDBParameters",
    "rds:ListTagsForResource",
  ],
  aws_db_subnet_group: ["rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"],
  aws_default_security_group: ["ec2:DescribeSecurityGroups"],
  aws_dynamodb_table: [
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
  ],
  aws_eip: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
  aws_flow_log: ["ec2:DescribeFlowLogs"],
  aws_iam_instance_profile: ["iam:GetInstanceProfile"],
  aws_iam_openid_connect_provider: ["iam:GetOpenIDConnectProvider"],
  aws_iam_policy: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyTags"],
  aws_iam_role: [
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListRoleTags",
  ],
  aws_iam_role_policy: ["iam:GetRolePolicy"],
  aws_iam_role_policy_attachment: ["iam:ListAttachedRolePolicies"],
  aws_instance: [
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceAttribute",
    "ec2:DescribeInstanceCreditSpecifications",
    "ec2:DescribeVolumes",
  ],
  aws_internet_gateway: ["ec2:DescribeInternetGateways"],
  aws_kms_alias: ["kms:ListAliases"],
  aws_kms_key: [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
  ],
  aws_launch_template: ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
  aws_nat_gateway: ["ec2:DescribeNatGateways"],
  aws_route: ["ec2:DescribeRouteTables"],
  aws_route53_record: ["route53:ListResourceRecordSets"],
  aws_route53_zone: ["route53:GetHostedZone", "route53:ListTagsForResource"],
  aws_route_table: ["ec2:DescribeRouteTables"],
  aws_route_table_association: ["ec2:DescribeRouteTables"],
  aws_s3_bucket: S3_BUCKET_READS,
  aws_s3_bucket_lifecycle_configuration: ["s3:GetLifecycleConfiguration"],
  aws_s3_bucket_logging: ["s3:GetBucketLogging"],
  aws_s3_bucket_object_lock_configuration: ["s3:GetBucketObjectLockConfiguration"],
  aws_s3_bucket_ownership_controls: ["s3:GetBucketOwnershipControls"],
  aws_s3_bucket_policy: ["s3:GetBucketPolicy"],
  aws_s3_bucket_public_access_block: ["s3:GetBucketPublicAccessBlock"],
  aws_s3_bucket_replication_configuration: ["s3:GetReplicationConfiguration"],
  aws_s3_bucket_server_side_encryption_configuration: ["s3:GetEncryptionConfiguration"],
  aws_s3_bucket_versioning: ["s3:GetBucketVersioning"],
  aws_sagemaker_domain: ["sagemaker:DescribeDomain", "sagemaker:ListTags"],
  aws_sagemaker_mlflow_tracking_server: [
    "sagemaker:DescribeMlflowTrackingServer",
    "sagemaker:ListTags",
  ],
  aws_sagemaker_model_package_group: ["sagemaker:DescribeModelPackageGroup", "sagemaker:ListTags"],
  aws_sagemaker_model_package_group_policy: ["sagemaker:GetModelPackageGroupPolicy"],
  aws_sagemaker_servicecatalog_portfolio_status: [
    "sagemaker:GetSagemakerServicecatalogPortfolioStatus",
  ],
  aws_sagemaker_studio_lifecycle_config: [
    "sagemaker:DescribeStudioLifecycleConfig",
    "sagemaker:ListTags",
  ],
  aws_sagemaker_user_profile: ["sagemaker:DescribeUserProfile", "sagemaker:ListTags"],
  // GetServiceQuota (applied value), GetAWSDefaultServiceQuota (default), and the open request.
  aws_servicequotas_service_quota: [
    "servicequotas:GetServiceQuota",
    "servicequotas:GetAWSDefaultServiceQuota",
    "servicequotas:GetRequestedServiceQuotaChange",
  ],
  // GetParameter with decryption (a SecureString would also need kms:Decrypt on its key).
  aws_security_group: ["ec2:DescribeSecurityGroups"],
  aws_sns_topic: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
  aws_sns_topic_policy: ["sns:GetTopicAttributes"],
  aws_sns_topic_subscription: ["sns:GetSubscriptionAttributes"],
  aws_ssm_document: [
    "ssm:DescribeDocument",
    "ssm:DescribeDocumentPermission",
    "ssm:GetDocument",
    "ssm:ListTagsForResource",
  ],
  aws_ssm_parameter: ["ssm:GetParameter", "ssm:DescribeParameters", "ssm:ListTagsForResource"],
  aws_subnet: ["ec2:DescribeSubnets"],
  aws_vpc: [
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
  ],
  aws_vpc_endpoint: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"],
  aws_vpc_security_group_egress_rule: ["ec2:DescribeSecurityGroupRules"],
  aws_vpc_security_group_ingress_rule: ["ec2:DescribeSecurityGroupRules"],
  // Data sources, read at every plan.
  "data.aws_availability_zones": ["ec2:DescribeAvailabilityZones"],
  "data.aws_ssm_parameter": ["ssm:GetParameter"],
  "data.aws_vpc_endpoint_service": ["ec2:DescribeVpcEndpointServices"],
};

/** What every plan calls besides the resources: the provider's identity check. */
export const PROVIDER_READS = ["sts:GetCallerIdentity"];
