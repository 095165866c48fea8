import { S3_BUCKET_NAME } from "../../core/patterns";
import type { Construct } from "constructs";
import { renderPolicy } from "../../iam/iam-policy";
import { SecureBucket } from "../../storage/secure-bucket";
import { bucketGrantStatements } from "../../storage/bucket-grants";
import { ARCHIVE_SCHEDULE, DEFAULT_NONCURRENT_ARCHIVE_DAYS } from "../../storage/bucket-lifecycle";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import { kmsKeyArn, matches, nullOrMatches, roleArns, wholeNumberBetween } from "../validations";
import { AWS_LIMITS } from "../../core/limits";

const S3_DAYS_MAX = AWS_LIMITS.s3.lifecycleDays.max;

export const secureBucketModule: ModuleDefinition = {
  name: "secure-bucket",
  title: "Secure S3 bucket",
  summary: [
    "An S3 bucket with every protection on: SSE-KMS with your customer managed key and the S3",
    "bucket key, versioning, all four public access block settings, BucketOwnerEnforced (ACLs",
    "off), no `force_destroy`, `prevent_destroy`, server access logging, lifecycle rules (abort",
    "incomplete uploads, archive and then expire old versions, Intelligent-Tiering for current",
    "objects, where every object stays readable), and a bucket policy that",
    "denies requests without TLS 1.2, uploads that ask for another encryption, another key or",
    "customer-provided keys and, when `vpc_endpoint_id` is set, any request that does not come",
    "through that S3 VPC endpoint (except the exempt roles and AWS services acting for a",
    "principal).",
  ].join("\n"),
  notes: [
    "Access is granted by the callers' IAM policies: attach `read_policy_json` or `read_write_policy_json` to a role, and list the role in the key's `user_arns` (the KMS key module), since the key policy does not delegate to IAM.",
    "When `vpc_endpoint_id` is set, list the role Terraform runs as in `vpc_endpoint_exempt_role_arns`: otherwise the bucket policy locks Terraform out of the bucket.",
    "Object Lock is not offered: turning it on replaces the bucket, which `prevent_destroy` refuses; decide it when the bucket is created, with the cdktf construct.",
  ],
  variables: [
    {
      name: "bucket_name",
      type: "string",
      description: "Globally unique name of the bucket.",
      validation: [
        matches(
          "bucket_name",
          S3_BUCKET_NAME,
          "3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit",
        ),
        {
          condition:
            '!strcontains(var.bucket_name, "..") && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias")',
          message:
            'bucket_name is "${var.bucket_name}"; S3 refuses "..", the prefix xn-- and the suffix -s3alias.',
        },
      ],
    },
    {
      name: "kms_key_arn",
      type: "string",
      description: "ARN of the customer managed key that encrypts the objects.",
      validation: [kmsKeyArn("kms_key_arn")],
    },
    {
      name: "access_log_bucket_name",
      type: "string",
      description:
        "Bucket that receives the server access logs (under the prefix <bucket_name>/); it must allow the S3 logging service to write.",
      validation: [matches("access_log_bucket_name", S3_BUCKET_NAME, "an S3 bucket name")],
    },
    {
      name: "vpc_endpoint_id",
      type: "string",
      description:
        "S3 VPC endpoint that every request must come through, or null for requests from anywhere IAM allows.",
      default: null,
      validation: [
        nullOrMatches("vpc_endpoint_id", "^vpce-[0-9a-f]+$", "a VPC endpoint id (vpce-...)"),
      ],
    },
    {
      name: "vpc_endpoint_exempt_role_arns",
      type: "list(string)",
      description:
        "Roles that may reach the bucket from outside the VPC endpoint: at least the role Terraform runs as.",
      default: [],
      validation: [
        roleArns("vpc_endpoint_exempt_role_arns"),
        {
          condition: "var.vpc_endpoint_id == null || length(var.vpc_endpoint_exempt_role_arns) > 0",
          message:
            "vpc_endpoint_exempt_role_arns is empty while vpc_endpoint_id is set; list the role Terraform runs as, or the bucket policy locks it out.",
        },
      ],
    },
    {
      name: "noncurrent_version_expiration_days",
      type: "number",
      description: "Days a superseded object version is kept before it expires.",
      default: 90,
      validation: [wholeNumberBetween("noncurrent_version_expiration_days", 1, S3_DAYS_MAX)],
    },
    {
      name: "abort_incomplete_multipart_upload_days",
      type: "number",
      description: "Days before an unfinished multipart upload is aborted and its parts deleted.",
      default: 7,
      validation: [wholeNumberBetween("abort_incomplete_multipart_upload_days", 1, S3_DAYS_MAX)],
    },
    {
      name: "noncurrent_version_archive_days",
      type: "number",
      description:
        "Days after an object version is superseded when it moves to GLACIER Flexible Retrieval (restore before reading); less than noncurrent_version_expiration_days.",
      default: DEFAULT_NONCURRENT_ARCHIVE_DAYS,
      validation: [
        wholeNumberBetween("noncurrent_version_archive_days", 0, S3_DAYS_MAX),
        {
          condition: "var.noncurrent_version_archive_days < var.noncurrent_version_expiration_days",
          message:
            "noncurrent_version_archive_days is ${var.noncurrent_version_archive_days}; it must be less than noncurrent_version_expiration_days (${var.noncurrent_version_expiration_days}): S3 refuses an expiration that is not after the transition.",
        },
      ],
    },
    {
      name: "archive_current_versions",
      type: "bool",
      description:
        "Move current objects to STANDARD_IA, GLACIER and DEEP_ARCHIVE on the days below (the DVC reference's schedule), instead of Intelligent-Tiering. Archived objects cannot be read until restored.",
      default: false,
    },
    {
      name: "standard_ia_days",
      type: "number",
      description:
        "With archive_current_versions: days after creation when current objects move to STANDARD_IA.",
      default: ARCHIVE_SCHEDULE.standardIaDays,
      validation: [
        wholeNumberBetween("standard_ia_days", AWS_LIMITS.s3.standardIaMinDays, S3_DAYS_MAX),
      ],
    },
    {
      name: "glacier_days",
      type: "number",
      description:
        "With archive_current_versions: days after creation when current objects move to GLACIER.",
      default: ARCHIVE_SCHEDULE.glacierDays,
      validation: [
        wholeNumberBetween("glacier_days", 60, S3_DAYS_MAX),
        {
          condition: "var.glacier_days >= var.standard_ia_days + 30",
          message:
            "glacier_days is ${var.glacier_days}; it must be at least 30 days after standard_ia_days (${var.standard_ia_days}): S3 keeps objects in STANDARD_IA for 30 days.",
        },
      ],
    },
    {
      name: "deep_archive_days",
      type: "number",
      description:
        "With archive_current_versions: days after creation when current objects move to DEEP_ARCHIVE.",
      default: ARCHIVE_SCHEDULE.deepArchiveDays,
      validation: [
        wholeNumberBetween("deep_archive_days", 150, S3_DAYS_MAX),
        {
          condition: "var.deep_archive_days >= var.glacier_days + 90",
          message:
            "deep_archive_days is ${var.deep_archive_days}; it must be at least 90 days after glacier_days (${var.glacier_days}): S3 keeps objects in GLACIER for 90 days before DEEP_ARCHIVE.",
        },
      ],
    },
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const env = inputs.environment;
    const keyArn = inputs.string("kms_key_arn");
    const bucket = new SecureBucket(scope, "bucket", {
      bucketName: inputs.string("bucket_name"),
      encryption: { kmsKey: { keyArn } },
      environment: env,
      accessLogs: { targetBucketName: inputs.string("access_log_bucket_name") },
      lifecycle: {
        noncurrentVersionExpirationDays: inputs.number("noncurrent_version_expiration_days"),
        abortIncompleteMultipartUploadDays: inputs.number("abort_incomplete_multipart_upload_days"),
        noncurrentVersionArchiveDays: inputs.number("noncurrent_version_archive_days"),
        scheduleWhen: inputs.bool("archive_current_versions"),
        transitions: {
          standardIaDays: inputs.number("standard_ia_days"),
          glacierDays: inputs.number("glacier_days"),
          deepArchiveDays: inputs.number("deep_archive_days"),
        },
      },
      vpcEndpointOnly: {
        vpcEndpointId: inputs.string("vpc_endpoint_id"),
        exemptPrincipalArns: inputs.list("vpc_endpoint_exempt_role_arns"),
        when: inputs.isSet("vpc_endpoint_id"),
      },
    });
    const target = { bucketArn: bucket.bucketArn, keyArn, environment: env };
    return [
      { name: "bucket_name", description: "Name of the bucket.", value: bucket.bucketName },
      { name: "bucket_arn", description: "ARN of the bucket.", value: bucket.bucketArn },
      {
        name: "read_policy_json",
        description:
          "IAM policy (JSON) that lets a role list and read the bucket's objects and decrypt them through S3.",
        value: renderPolicy(bucketGrantStatements(target, "Read", "read-only")),
      },
      {
        name: "read_write_policy_json",
        description:
          "IAM policy (JSON) that lets a role read, write and delete the bucket's objects, with the key through S3.",
        value: renderPolicy(bucketGrantStatements(target, "ReadWrite", "read-write")),
      },
    ];
  },
  tests: moduleTests("secure-bucket"),
  example: {
    bucket_name: '"mlops-dev-data-111111111111"',
    kms_key_arn: '"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    access_log_bucket_name: '"mlops-dev-access-logs-111111111111"',
    vpc_endpoint_id: '"vpce-0123456789abcdef0"',
    vpc_endpoint_exempt_role_arns: '["arn:aws:iam::111111111111:role/terraform-deploy"]',
  },
};
