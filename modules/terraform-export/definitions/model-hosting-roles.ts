import { S3_BUCKET_NAME, S3_PREFIX } from "../../core/patterns";
import type { Construct } from "constructs";
import { ModelHostingRoles } from "../../sagemaker/model-hosting-roles";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import {
  kmsKeyArn,
  matches,
  roleArn,
  roleName,
  securityGroupIdsVariable,
  subnetIdsVariable,
  everyMatches,
} from "../validations";

export const modelHostingRolesModule: ModuleDefinition = {
  name: "model-hosting-roles",
  title: "Cross-account model roles",
  summary: [
    "The two roles of a deployment target account (staging, prod). The model execution role:",
    "SageMaker of this account runs models as it, and nothing else may assume it; it reads model",
    "artifacts under one prefix of the data science account's model bucket, only objects tagged",
    "`model-approval = Approved`, decrypts them through S3, pulls images from the listed ECR",
    "repositories of that account, and uses the endpoint key. The model deployment role: the data",
    "science account's deployer role (exact `aws:PrincipalArn`, with an external id) assumes it to",
    "create, update and delete models, endpoint configurations and endpoints named",
    "`<resource_name_prefix>-...`, only in the given subnets and security groups and only with the",
    "endpoint key (or on instance types with local NVMe storage, which take no key); it may pass",
    "the execution role to SageMaker and nothing else, and an explicit deny refuses volumes under",
    "any other key.",
  ].join("\n"),
  notes: [
    "The data science account must grant the execution role too: read on the model bucket's prefix (bucket policy) and decrypt on the data key (key policy).",
    'The endpoint key\'s policy must let both roles use it through SageMaker and EC2 (KMS key module: `user_arns`, `via_services = ["sagemaker", "ec2"]`).',
  ],
  variables: [
    {
      name: "execution_role_name",
      type: "string",
      description: "Name of the model execution role.",
      validation: [roleName("execution_role_name")],
    },
    {
      name: "deployment_role_name",
      type: "string",
      description: "Name of the model deployment role.",
      validation: [roleName("deployment_role_name")],
    },
    {
      name: "source_account_id",
      type: "string",
      description: "AWS account id of the data science account the models come from.",
      validation: [matches("source_account_id", "^[0-9]{12}$", "a 12-digit AWS account id")],
    },
    {
      name: "deployer_role_arn",
      type: "string",
      description:
        "The data science account's deployer role: the only principal of that account trusted to deploy.",
      validation: [roleArn("deployer_role_arn")],
    },
    {
      name: "resource_name_prefix",
      type: "string",
      description:
        "Models, endpoint configurations and endpoints the deployment role manages are named `<resource_name_prefix>-...`.",
      validation: [
        matches(
          "resource_name_prefix",
          "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,40}$",
          "letters, digits and hyphens, starting and ending with a letter or digit, at most 41 characters",
        ),
      ],
    },
    {
      name: "external_id",
      type: "string",
      description: "External id the deployer must present to assume the deployment role.",
      validation: [
        // RE2 (Terraform's regex engine) caps repetition counts at 1000: length is separate.
        matches("external_id", "^[\\w+=,.@:/-]+$", "letters, digits or + = , . @ : / -"),
        {
          condition: "length(var.external_id) >= 2 && length(var.external_id) <= 1224",
          message: "external_id has ${length(var.external_id)} characters; STS allows 2 to 1224.",
        },
      ],
    },
    {
      name: "model_bucket_name",
      type: "string",
      description: "The data science account's model bucket.",
      validation: [matches("model_bucket_name", S3_BUCKET_NAME, "an S3 bucket name")],
    },
    {
      name: "model_artifacts_prefix",
      type: "string",
      description: "Prefix of the model artifacts in the bucket: the only one the roles may read.",
      default: "models/",
      validation: [
        matches(
          "model_artifacts_prefix",
          S3_PREFIX,
          'path segments each ending in "/", such as models/, without "*" (a policy would read it as a wildcard)',
        ),
      ],
    },
    {
      name: "model_data_key_arn",
      type: "string",
      description: "ARN of the key that encrypts the model artifacts.",
      validation: [kmsKeyArn("model_data_key_arn")],
    },
    {
      name: "ecr_repository_names",
      type: "list(string)",
      description: "ECR repositories of the data science account that model images may come from.",
      default: [],
      validation: [
        everyMatches(
          "ecr_repository_names",
          "^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$",
          "an ECR repository name",
        ),
      ],
    },
    {
      name: "prebuilt_image_account_ids",
      type: "list(string)",
      description:
        "AWS-owned accounts whose SageMaker prebuilt images models may run (763104351884: Deep Learning Containers); none by default.",
      default: [],
      validation: [
        everyMatches("prebuilt_image_account_ids", "^[0-9]{12}$", "a 12-digit account id"),
      ],
    },
    {
      name: "endpoint_kms_key_arn",
      type: "string",
      description: "Key of endpoint volumes in this account; endpoint configurations must use it.",
      validation: [kmsKeyArn("endpoint_kms_key_arn")],
    },
    subnetIdsVariable("Private subnets models must run in."),
    securityGroupIdsVariable("Security groups models must run in."),
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const roles = new ModelHostingRoles(scope, "model", {
      environment: inputs.environment,
      executionRoleName: inputs.string("execution_role_name"),
      deploymentRoleName: inputs.string("deployment_role_name"),
      externalId: inputs.string("external_id"),
      source: {
        accountId: inputs.string("source_account_id"),
        deployerRoleArn: inputs.string("deployer_role_arn"),
        modelBucketName: inputs.string("model_bucket_name"),
        modelArtifactsPrefix: inputs.string("model_artifacts_prefix"),
        dataKeyArn: inputs.string("model_data_key_arn"),
        ecrRepositories: inputs.list("ecr_repository_names"),
      },
      endpointKey: { keyArn: inputs.string("endpoint_kms_key_arn") },
      resourceNamePrefix: inputs.string("resource_name_prefix"),
      prebuiltImageAccounts: inputs.list("prebuilt_image_account_ids"),
      network: {
        subnetIds: inputs.list("subnet_ids"),
        securityGroupIds: inputs.list("security_group_ids"),
      },
    });
    return [
      {
        name: "execution_role_arn",
        description: "ARN of the model execution role.",
        value: roles.executionRole.roleArn,
      },
      {
        name: "deployment_role_arn",
        description: "ARN of the model deployment role.",
        value: roles.deploymentRole.roleArn,
      },
    ];
  },
  tests: moduleTests("model-hosting-roles"),
  example: {
    execution_role_name: '"mlops-prod-model-execution"',
    deployment_role_name: '"mlops-prod-model-deployment"',
    source_account_id: '"111111111111"',
    deployer_role_arn: '"arn:aws:iam::111111111111:role/mlops-dev-model-deployer"',
    resource_name_prefix: '"mlops"',
    external_id: '"mlops-prod-deploy"',
    model_bucket_name: '"mlops-dev-models-111111111111"',
    model_data_key_arn:
      '"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    endpoint_kms_key_arn:
      '"arn:aws:kms:eu-west-1:333333333333:key/abcd1234-12ab-34cd-56ef-1234567890ab"',
    subnet_ids: '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    security_group_ids: '["sg-0123456789abcdef0"]',
  },
};
