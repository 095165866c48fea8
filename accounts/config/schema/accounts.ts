import { z } from "zod";
import {
  AccountNames,
  bucketNameProblem,
  IAM_ROLE_NAME_MAX,
  namingInput,
  ownedNames,
} from "../../naming";
import { strictObject } from "../zod";
import {
  bucketConfigSchema,
  datasetAccessSchema,
  modelBucketConfigSchema,
  replicableBucketConfigSchema,
} from "./buckets";
import { accountIdSchema, iamRoleNameSchema, NAME_PATTERN } from "./common";
import { deploymentSchema } from "./deployment";
import { mlflowSchema } from "./mlflow";
import { vpcSchema } from "./network";
import type { ConfigIssues, PlatformConfig } from "./platform";
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

const commonAccountShape = {
  /** The 12-digit AWS account id. */
  accountId: accountIdSchema,
  /** Role Terraform assumes in this account. Defaults to the platform's `deployRoleName`. */
  deployRoleName: iamRoleNameSchema.optional(),
  vpc: vpcSchema,
};

const dataScienceAccountSchema = strictObject({
  type: z.literal("data-science"),
  ...commonAccountShape,
  /** Lifecycle and Object Lock of the account's buckets. */
  buckets: strictObject({
    data: replicableBucketConfigSchema.optional(),
    models: modelBucketConfigSchema.optional(),
    mlflow: replicableBucketConfigSchema.optional(),
    accessLogs: bucketConfigSchema.optional(),
  }).optional(),
  /** Roles outside the platform (EKS nodes, workflow engines) granted access to data or models. */
  datasetAccess: z.array(datasetAccessSchema).optional(),
  /** SageMaker Studio, personas, model registry, projects. */
  sagemaker: sagemakerSchema.prefault({}),
  /**
   * ARN of the data key once it exists. Deployment targets then name the key by ARN; without
   * it they name it by alias (`kms:ResourceAliases`).
   */
  dataKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, {
      error: "must be a KMS key ARN",
    })
    .optional(),
  /** The MLflow tracking server. */
  mlflow: mlflowSchema.prefault({}),
});

const deploymentTargetAccountSchema = strictObject({
  type: z.literal("deployment-target"),
  /** Name (key in `accounts`) of the data science account whose models this account hosts. */
  dataScienceAccount: z.string(),
  ...commonAccountShape,
  /** Lifecycle of the account's buckets. */
  buckets: strictObject({ accessLogs: bucketConfigSchema.optional() }).optional(),
  /** How the data science account's pipeline deploys here. */
  deployment: deploymentSchema.prefault({}),
});

export const accountSchema = z.discriminatedUnion(
  "type",
  [dataScienceAccountSchema, deploymentTargetAccountSchema],
  { error: 'must be "data-science" or "deployment-target"' },
);

export function checkAccounts(config: PlatformConfig, ctx: ConfigIssues): void {
  const names = Object.keys(config.accounts);
  if (names.length === 0) {
    ctx.addIssue({ code: "custom", path: ["accounts"], message: "must list at least one account" });
    return;
  }
  const dataScience = names.filter((n) => config.accounts[n].type === "data-science");
  if (dataScience.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: `must have exactly one account of type "data-science"; found ${dataScience.length}${
        dataScience.length ? ` (${dataScience.join(", ")})` : ""
      }`,
    });
  }
  for (const name of names) {
    const account = config.accounts[name];
    if (account.type !== "deployment-target") continue;
    const target = config.accounts[account.dataScienceAccount];
    if (target?.type !== "data-science") {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", name, "dataScienceAccount"],
        input: account.dataScienceAccount,
        message: `must name the data science account${dataScience.length ? ` (${dataScience.join(", ")})` : ""}`,
      });
    }
  }
}

export function checkNames(config: PlatformConfig, ctx: ConfigIssues): void {
  // Names that must be unique within one AWS account (IAM roles, KMS aliases, tables) or
  // globally (buckets). Grouping by account id catches two config accounts that share an id.
  const seen = new Map<string, string>();
  for (const name of Object.keys(config.accounts)) {
    const account = config.accounts[name];
    if (!/^\d{12}$/.test(account.accountId)) continue;
    const names = new AccountNames(namingInput(config, name));
    for (const bucket of names.allBucketNames()) {
      const problem = bucketNameProblem(bucket);
      if (problem) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `gives the bucket name "${bucket}", which ${problem}; shorten prefix or the account name`,
        });
      }
    }
    for (const owned of ownedNames(names)) {
      const key = owned.global
        ? `${owned.kind} ${owned.name}`
        : `${account.accountId} ${owned.kind} ${owned.name}`;
      const owner = seen.get(key);
      if (owner !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `would create ${owned.kind} ${owned.name}, which accounts.${owner} also creates in account ${account.accountId}`,
        });
      }
      seen.set(key, name);
      if (owned.kind === "IAM role" && owned.name.length > IAM_ROLE_NAME_MAX) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `gives the IAM role name "${owned.name}", longer than ${IAM_ROLE_NAME_MAX} characters; shorten prefix or the account name`,
        });
      }
    }
    const roleName = account.deployRoleName ?? config.deployRoleName;
    if (roleName.length > IAM_ROLE_NAME_MAX) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", name, "deployRoleName"],
        input: roleName,
        message: `must be at most ${IAM_ROLE_NAME_MAX} characters`,
      });
    }
  }
}
