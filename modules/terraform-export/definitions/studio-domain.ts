import type { Construct } from "constructs";
import { StudioDomain } from "../../sagemaker/studio-domain";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import {
  kmsKeyArn,
  matches,
  oneOf,
  roleArn,
  securityGroupIdsVariable,
  subnetIdsVariable,
} from "../validations";

export const studioDomainModule: ModuleDefinition = {
  name: "studio-domain",
  title: "SageMaker Studio domain",
  summary: [
    "A SageMaker Studio domain that reaches nothing but its VPC (`VpcOnly`), encrypts its home",
    "file system and app volumes with your customer managed key, keeps the home file system when",
    "the domain is deleted (`retention_policy`), disables notebook output sharing, runs the",
    "domain and every app in the given security groups, and is protected from `terraform",
    "destroy`.",
  ].join("\n"),
  notes: [
    "The subnets must be private and the VPC must have the SageMaker API, Runtime, Studio and notebook interface endpoints (the secure VPC module's defaults), or Studio cannot start apps.",
    "User profiles are not part of the module: create `aws_sagemaker_user_profile` resources with `domain_id` and the same security groups, as the cdktf construct does.",
    'The key\'s policy must let the execution roles use it through SageMaker and EC2 (KMS key module: `user_arns`, `via_services = ["sagemaker", "ec2", "elasticfilesystem"]`).',
  ],
  variables: [
    {
      name: "domain_name",
      type: "string",
      description: "Name of the domain.",
      validation: [
        matches(
          "domain_name",
          "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
          "1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
        ),
      ],
    },
    {
      name: "auth_mode",
      type: "string",
      description: "How users sign in: IAM, or SSO through IAM Identity Center.",
      default: "IAM",
      validation: [oneOf("auth_mode", ["IAM", "SSO"])],
    },
    {
      name: "vpc_id",
      type: "string",
      description: "VPC of the domain.",
      validation: [matches("vpc_id", "^vpc-[0-9a-f]+$", "a VPC id (vpc-...)")],
    },
    subnetIdsVariable("Private subnets of the domain, in at least two availability zones."),
    securityGroupIdsVariable(
      "Security groups of the domain and of every app (the workload group).",
    ),
    {
      name: "kms_key_arn",
      type: "string",
      description: "Customer managed key of the home file system and app volumes.",
      validation: [kmsKeyArn("kms_key_arn")],
    },
    {
      name: "default_execution_role_arn",
      type: "string",
      description: "Execution role of users without one of their own.",
      validation: [roleArn("default_execution_role_arn")],
    },
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const studio = new StudioDomain(scope, "studio", {
      domainName: inputs.string("domain_name"),
      authMode: inputs.string("auth_mode") as "IAM" | "SSO",
      vpcId: inputs.string("vpc_id"),
      subnetIds: inputs.list("subnet_ids"),
      securityGroupIds: inputs.list("security_group_ids"),
      kmsKeyArn: inputs.string("kms_key_arn"),
      defaultExecutionRoleArn: inputs.string("default_execution_role_arn"),
    });
    return [
      { name: "domain_id", description: "Id of the domain.", value: studio.domainId },
      { name: "domain_arn", description: "ARN of the domain.", value: studio.domain.arn },
      { name: "domain_url", description: "URL of the domain.", value: studio.domain.url },
      {
        name: "home_efs_file_system_id",
        description: "Id of the home file system (kept when the domain is deleted).",
        value: studio.domain.homeEfsFileSystemId,
      },
    ];
  },
  tests: moduleTests("studio-domain"),
  example: {
    domain_name: '"mlops-dev"',
    vpc_id: '"vpc-0123456789abcdef0"',
    subnet_ids: '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    security_group_ids: '["sg-0123456789abcdef0"]',
    kms_key_arn: '"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    default_execution_role_arn: '"arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"',
  },
};
