import { perPersona, PERSONAS } from "../../../modules/iam/personas";
import { z } from "zod";
import { S3_PREFIX } from "../../../modules/core/patterns";
import { intBetween, strictObject } from "../zod";
import { AWS_LIMITS } from "../../../modules/core/limits";

/** SageMaker's rule for user profile names. */
const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

const userProfileSchema = strictObject({
  name: z
    .string()
    .regex(PROFILE_NAME, {
      error:
        "must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker's rule)",
    })
    .describe(
      "Studio user profile name. The person's sessions must carry the principal tag `studio-user` with this value (an Identity Center attribute for access control, a SAML PrincipalTag attribute, or an IAM tag): a session opens only the profile named by its tag.",
    ),
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
    // Identity Center user names: letters, digits and + = , . @ _ - (no spaces, no control
    // characters, which it refuses at apply).
    .regex(/^[\p{L}\p{N}+=,.@_-]{1,128}$/u, {
      error: "must be 1 to 128 letters, digits or + = , . @ _ - (an IAM Identity Center user name)",
    })
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
  idleShutdownMinutes: intBetween(
    AWS_LIMITS.sagemaker.idleTimeoutMinutes.min,
    AWS_LIMITS.sagemaker.idleTimeoutMinutes.max,
  )
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
export const identitySchema = z.discriminatedUnion(
  "kind",
  [
    strictObject({
      kind: z
        .literal("iam-identity-center")
        .describe(
          "Persona roles are assumed from IAM Identity Center permission sets of this account.",
        ),
      permissionSets: strictObject(
        perPersona((p) => permissionSetName.describe(`Permission set of ${PERSONAS[p].who}.`)),
      ).describe("Permission set name per persona."),
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
      ...perPersona((p) =>
        roleArns.describe(`Roles that may assume the persona of ${PERSONAS[p].who}.`),
      ),
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
      error:
        'must be path segments each ending in "/", such as "models/", of letters, digits and ! _ . \' ( ) - (no "*": a policy would read it as a wildcard)',
    })
    .default("models/")
    .describe(
      "Where pipelines write model artifacts in the model bucket; what the targets may read.",
    ),
});
