import { z } from "zod";
import { intBetween, strictObject } from "../zod";
import { bucketConfigFields } from "../../buckets";
import { bucketConfigSchema, datasetAccessSchema } from "./buckets";
import { accountIdSchema, iamRoleNameSchema, NAME_PATTERN } from "./common";
import { deploymentSchema } from "./deployment";
import { mlflowSchema } from "./mlflow";
import { packagesSchema } from "./packages";
import { vpcSchema } from "./network";
import { sagemakerSchema } from "./sagemaker";

export const accountNameSchema = z
  .string()
  .regex(NAME_PATTERN, {
    error:
      "must be lowercase letters and digits in hyphen-separated words, starting with a letter (an account name is a stack id and part of bucket names)",
  })
  .max(20, { error: "must be at most 20 characters" })
  .refine((name) => !name.endsWith("-bootstrap"), {
    error: 'must not end with "-bootstrap" (reserved for bootstrap stack ids)',
  });

/** Service Quotas codes: `L-` and eight hex digits. */
const QUOTA_CODE = /^L-[0-9A-F]{8}$/;

const sagemakerQuotaSchema = strictObject({
  code: z
    .string()
    .regex(QUOTA_CODE, {
      error: "must be a Service Quotas quota code such as L-1194F27D (see docs/deploying.md)",
    })
    .describe(
      "The SageMaker quota's code in Service Quotas (`aws service-quotas list-service-quotas --service-code sagemaker`), e.g. the quota `ml.g5.xlarge for training job usage`.",
    ),
  value: intBetween(1, 100000).describe(
    "The value to request; Service Quotas opens a request when it is above the account's current value.",
  ),
  why: z
    .string()
    .min(10, { error: "must say why, in at least 10 characters" })
    .max(200)
    .describe("What the team needs it for: shown to reviewers in the plan."),
});

const commonAccountShape = {
  accountId: accountIdSchema.describe("The 12-digit AWS account id."),
  deployRoleName: iamRoleNameSchema
    .optional()
    .describe(
      "Role Terraform assumes in this account. Defaults to the platform's `deployRoleName`.",
    ),
  vpc: vpcSchema.describe(
    "The account's VPC: a new one (cidr, zones, NAT) or an existing one (`existing`).",
  ),
  sagemakerQuotas: z
    .array(sagemakerQuotaSchema)
    .default([])
    .refine((list) => new Set(list.map((q) => q.code)).size === list.length, {
      error: "must not list a quota code twice",
    })
    .describe(
      "SageMaker quotas the team needs in this account (GPU training and hosting instances), requested through Service Quotas. Default none.",
    ),
};

const dataScienceAccountSchema = strictObject({
  type: z
    .literal("data-science")
    .describe(
      "Where data scientists work: Studio, the data and model buckets, MLflow, the model registry.",
    ),
  ...commonAccountShape,
  buckets: strictObject({
    ...bucketConfigFields(),
    accessLogs: bucketConfigSchema
      .optional()
      .describe("The access-log bucket (made by the bootstrap stack)."),
  })
    .optional()
    .describe("Lifecycle and Object Lock of the account's buckets."),
  datasetAccess: z
    .array(datasetAccessSchema)
    .optional()
    .describe(
      "Roles outside the platform (EKS nodes, workflow engines) granted access to data or models.",
    ),
  sagemaker: sagemakerSchema
    .prefault({})
    .describe("SageMaker Studio, personas, model registry, projects."),
  dataKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, {
      error: "must be a KMS key ARN",
    })
    .optional()
    .describe(
      "ARN of the data key once it exists. Deployment targets then name the key by ARN; without it they name it by alias (`kms:ResourceAliases`).",
    ),
  mlflow: mlflowSchema.prefault({}).describe("The MLflow tracking server."),
  packages: packagesSchema.prefault({}).describe("Where Python packages come from."),
});

const deploymentTargetAccountSchema = strictObject({
  type: z
    .literal("deployment-target")
    .describe(
      "Where approved models are hosted (staging, prod), deployed by the data science account's pipeline.",
    ),
  dataScienceAccount: z
    .string()
    .describe(
      "Name (key in `accounts`) of the data science account whose models this account hosts.",
    ),
  ...commonAccountShape,
  buckets: strictObject({
    accessLogs: bucketConfigSchema
      .optional()
      .describe("The access-log bucket (made by the bootstrap stack)."),
  })
    .optional()
    .describe("Lifecycle of the account's buckets."),
  deployment: deploymentSchema
    .prefault({})
    .describe("How the data science account's pipeline deploys here."),
});

export const accountSchema = z.discriminatedUnion(
  "type",
  [dataScienceAccountSchema, deploymentTargetAccountSchema],
  { error: 'must be "data-science" or "deployment-target"' },
);
