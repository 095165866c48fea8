import { z } from "zod";
import { S3_PREFIX } from "../../../modules/core/patterns";
import {
  AccountNames,
  IAM_ROLE_NAME_MAX,
  DEDICATED_ROLE_USERS_MAX,
  namingInput,
} from "../../naming";
import { intBetween, strictObject } from "../zod";
import type { ConfigIssues, PlatformConfig } from "./platform";

/** SageMaker's range of IdleTimeoutInMinutes (Studio's built-in idle shutdown). */
export const IDLE_TIMEOUT_MINUTES = { min: 60, max: 525600 } as const;

/** SageMaker's rule for user profile names. */
const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

const userProfileSchema = strictObject({
  name: z
    .string()
    .regex(PROFILE_NAME, {
      error:
        "must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker's rule)",
    })
    .describe("Studio user profile name."),
  persona: z
    .enum(["data-scientist", "team-admin"], {
      error: 'must be "data-scientist" or "team-admin"',
    })
    .describe("What the user may do in Studio: the persona's execution role and permissions."),
  dedicatedExecutionRole: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "Give this user an execution role of their own instead of their persona's. Default false.",
    ),
  ssoUserName: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("IAM Identity Center user name; required with authMode SSO, not allowed with IAM."),
});

const domainSchema = strictObject({
  authMode: z
    .enum(["IAM", "SSO"], { error: 'must be "IAM" or "SSO"' })
    .default("IAM")
    .describe("IAM (default) or SSO (IAM Identity Center)."),
  userProfiles: z
    .array(userProfileSchema)
    .default([])
    .describe("Studio user profiles, each with a persona."),
  idleShutdownMinutes: intBetween(IDLE_TIMEOUT_MINUTES.min, IDLE_TIMEOUT_MINUTES.max)
    .default(120)
    .describe(
      "Studio's built-in idle shutdown: a JupyterLab or Code Editor app idle this many minutes stops (its instance with it); users may choose a shorter time, not a longer one. 60 to 525600 (SageMaker's range). Default 120.",
    ),
});

const permissionSetName = z
  .string()
  .regex(/^[\w+=,.@-]{1,32}$/, { error: "must be a permission set name" });

const roleArns = z
  .array(
    z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, {
      // IAM matches `*` and `?` in ArnEquals too: an exact role ARN holds neither.
      error: "must be an exact role ARN (arn:aws:iam::<account>:role/<name>), no wildcards",
    }),
  )
  .min(1);

/**
 * Who may assume the persona roles. `modelApprover` is the approve duty of the promotion path:
 * the only persona that may set a model version to Approved or Rejected (docs/architecture.md, "Model
 * promotion"); it must name other people than the builders.
 */
const identitySchema = z.discriminatedUnion(
  "kind",
  [
    strictObject({
      kind: z
        .literal("iam-identity-center")
        .describe(
          "Persona roles are assumed from IAM Identity Center permission sets of this account.",
        ),
      permissionSets: strictObject({
        dataScientist: permissionSetName.describe("Permission set of data scientists."),
        teamAdmin: permissionSetName.describe("Permission set of team admins."),
        admin: permissionSetName.describe("Permission set of platform admins."),
        modelApprover: permissionSetName.describe("Permission set of model approvers."),
      }).describe("Permission set name per persona."),
    }),
    strictObject({
      kind: z
        .literal("saml")
        .describe("Persona roles are assumed through a SAML identity provider."),
      providerArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/, {
          error: "must be an IAM SAML provider ARN",
        })
        .describe("ARN of the account's IAM SAML identity provider."),
    }),
    strictObject({
      kind: z
        .literal("roles")
        .describe("Persona roles are assumed by these roles (exact ARNs) of any account."),
      dataScientist: roleArns.describe("Roles that may assume the data scientist persona."),
      teamAdmin: roleArns.describe("Roles that may assume the team admin persona."),
      admin: roleArns.describe("Roles that may assume the admin persona."),
      modelApprover: roleArns.describe("Roles that may assume the model approver persona."),
    }),
    strictObject({
      kind: z
        .literal("account-with-mfa")
        .describe("Any principal of this account, with MFA. For small teams without federation."),
    }),
  ],
  { error: 'must be "iam-identity-center", "saml", "roles" or "account-with-mfa"' },
);

export const sagemakerSchema = strictObject({
  domains: z
    .array(domainSchema)
    .max(1, {
      error: "must list at most one domain: SageMaker allows one domain per account and region",
    })
    .default([{ authMode: "IAM", userProfiles: [], idleShutdownMinutes: 120 }])
    .describe(
      "The Studio domain; SageMaker allows one per account and region. Default: one domain.",
    ),
  identity: identitySchema
    .default({ kind: "account-with-mfa" })
    .describe("Who may assume the persona roles."),
  modelPackageGroups: z
    .array(
      z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, {
        error: "must be 1 to 63 letters, digits and hyphens (SageMaker's rule)",
      }),
    )
    .default([])
    .describe("Model registry groups; staging and prod may read them."),
  projects: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .describe("SageMaker projects: the Service Catalog portfolio and its two roles. Default true."),
  modelArtifactsPrefix: z
    .string()
    .regex(S3_PREFIX, {
      error: 'must be path segments each ending in "/", such as "models/"',
    })
    .default("models/")
    .describe(
      "Where pipelines write model artifacts in the model bucket; what the targets may read.",
    ),
});

/** The approve duty must name other principals than the build duty (data scientists, team admins). */
function checkSeparateApprovers(
  identity: z.output<typeof identitySchema>,
  path: (string | number)[],
  ctx: ConfigIssues,
): void {
  if (identity.kind === "iam-identity-center") {
    const sets = identity.permissionSets;
    for (const builder of ["dataScientist", "teamAdmin"] as const) {
      if (sets.modelApprover === sets[builder]) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "permissionSets", "modelApprover"],
          input: sets.modelApprover,
          message: `is also the ${builder} permission set; the approver must be a separate duty from those who build models`,
        });
      }
    }
  } else if (identity.kind === "roles") {
    identity.modelApprover.forEach((role, i) => {
      for (const builder of ["dataScientist", "teamAdmin"] as const) {
        if (identity[builder].includes(role)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "modelApprover", i],
            input: role,
            message: `is also listed under ${builder}; the approver must be a separate duty from those who build models`,
          });
        }
      }
    });
  }
}

export function checkStudio(config: PlatformConfig, ctx: ConfigIssues): void {
  checkDedicatedRoleCount(config, ctx);
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    checkSeparateApprovers(
      account.sagemaker.identity,
      ["accounts", name, "sagemaker", "identity"],
      ctx,
    );
    const names = new AccountNames(namingInput(config, name));
    account.sagemaker.domains.forEach((domain, d) => {
      const seen = new Set<string>();
      domain.userProfiles.forEach((profile, i) => {
        const path = ["accounts", name, "sagemaker", "domains", d, "userProfiles", i];
        if (seen.has(profile.name)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "name"],
            input: profile.name,
            message: "is listed twice",
          });
        }
        seen.add(profile.name);
        if (domain.authMode === "SSO" && profile.ssoUserName === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "ssoUserName"],
            message: "is required with authMode SSO",
          });
        }
        if (domain.authMode === "IAM" && profile.ssoUserName !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "ssoUserName"],
            message: "cannot be used with authMode IAM",
          });
        }
        const role = names.userExecutionRoleName(profile.name);
        if (profile.dedicatedExecutionRole && role.length > IAM_ROLE_NAME_MAX) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "name"],
            input: profile.name,
            message: `gives the execution role name "${role}", longer than ${IAM_ROLE_NAME_MAX} characters`,
          });
        }
      });
    });
    const groups = account.sagemaker.modelPackageGroups;
    groups.forEach((group, i) => {
      if (groups.indexOf(group) !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name, "sagemaker", "modelPackageGroups", i],
          input: group,
          message: "is listed twice",
        });
      }
    });
  }
}

/** Users with a dedicated execution role, per AWS account id, within IAM's default quotas. */
function checkDedicatedRoleCount(config: PlatformConfig, ctx: ConfigIssues): void {
  const byAccountId = new Map<string, { count: number; first: string }>();
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const count = account.sagemaker.domains
      .flatMap((d) => d.userProfiles)
      .filter((p) => p.dedicatedExecutionRole).length;
    const entry = byAccountId.get(account.accountId) ?? { count: 0, first: name };
    entry.count += count;
    byAccountId.set(account.accountId, entry);
  }
  for (const [accountId, { count, first }] of byAccountId) {
    if (count <= DEDICATED_ROLE_USERS_MAX) continue;
    ctx.addIssue({
      code: "custom",
      path: ["accounts", first, "sagemaker", "domains"],
      message: `give ${count} Studio users of AWS account ${accountId} a dedicated execution role, more than ${DEDICATED_ROLE_USERS_MAX}: each adds a role and 4 customer-managed policies, and IAM allows 1,500 such policies per account by default (the apply would fail part-way). Let the others share their persona's role (dedicatedExecutionRole: false), or raise the IAM quotas and split the users over accounts`,
    });
  }
}
