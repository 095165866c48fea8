import { z } from "zod";
import { accountNameSchema, accountSchema } from "./accounts";
import { ciSchema } from "./ci";
import { iamRoleNameSchema, NAME_PATTERN, regionSchema } from "./common";
import { monitoringSchema } from "./monitoring";
import { stateSchema } from "./state";
import { tagKeySchema, tagValueSchema } from "./tags";
import { strictObject, type IssueSink } from "../zod";

/**
 * The platform config's fields: this file holds the top level and joins the sections, one file
 * each in this folder, each with the shape and range of its fields. What relates fields to each
 * other is in `../checks/` (one file per section), and `../platform-schema.ts` puts the two
 * together once. Every object is strict: an unknown key (usually a typo) is an error that names
 * the allowed keys.
 */

export const DEFAULT_DEPLOY_ROLE_NAME = "terraform-deploy";

const prefixSchema = z
  .string()
  .regex(NAME_PATTERN, {
    error:
      "must be lowercase letters and digits in hyphen-separated words, starting with a letter (it starts every bucket name)",
    // One line for a bad prefix: no length message, and none for every name derived from it.
    abort: true,
  })
  .min(2, { error: "must be at least 2 characters" })
  .max(20, { error: "must be at most 20 characters" });

export const platformShape = strictObject({
  prefix: prefixSchema.describe("Starts every resource name; short, lowercase."),
  region: regionSchema.describe("The one AWS region the platform runs in."),
  tags: z
    .record(tagKeySchema, tagValueSchema)
    .default({})
    .describe(
      "Extra tags on every resource. `project`, `environment` and `managed-by` are set by the platform.",
    ),
  deployRoleName: iamRoleNameSchema
    .default(DEFAULT_DEPLOY_ROLE_NAME)
    .describe("Role Terraform assumes in every account unless the account names its own."),
  state: stateSchema
    .prefault({})
    .describe(
      "Where Terraform state lives: the S3 backend of each account (default) or HCP Terraform.",
    ),
  ci: ciSchema
    .optional()
    .describe(
      "CI without long-lived keys: a GitHub OIDC provider and plan/apply roles in every account. Default: none.",
    ),
  monitoring: monitoringSchema
    .prefault({})
    .describe(
      "Detective and responsive controls in every account: security alerts, the audit trail, AWS Config rules, stopping unguarded jobs ([what you are told, and when](detection.md)).",
    ),
  accounts: z
    .record(accountNameSchema, accountSchema)
    .describe("The accounts, keyed by name; the name is the environment name and the stack id."),
});

export type PlatformConfigInput = z.input<typeof platformShape>;
export type PlatformConfig = z.output<typeof platformShape>;
export type AccountConfig = PlatformConfig["accounts"][string];
export type DataScienceAccountConfig = Extract<AccountConfig, { type: "data-science" }>;
export type DeploymentTargetAccountConfig = Extract<AccountConfig, { type: "deployment-target" }>;
export type AccountConfigInput = PlatformConfigInput["accounts"][string];

/** What the cross-field checks of every section report their problems to. */
export type ConfigIssues = IssueSink<PlatformConfig>;
