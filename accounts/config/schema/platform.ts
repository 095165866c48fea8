import { IAM_ROLE_NAME, S3_PREFIX } from "../../../modules/core/patterns";
import { z } from "zod";
import {
  blocksOverlap,
  parsePrivateVpcBlock,
  subnetCapacity,
  type Ipv4Block,
} from "../../../modules/network/cidr";
import {
  AccountNames,
  bucketNameProblem,
  ownedNames,
  IAM_ROLE_NAME_MAX,
  type AccountType,
  type NamingInput,
} from "../../naming";
import {
  INTERFACE_ENDPOINT_IDS,
  type InterfaceEndpointId,
} from "../../../modules/network/vpc-endpoint-catalogue";
import { LOG_RETENTION_DAYS } from "../../../modules/logs/encrypted-log-group";
import { DEFAULT_TRANSITIONS, transitionProblem } from "../../../modules/storage/secure-bucket";
import { MAX_ZONES, MIN_ZONES } from "../../../modules/network/secure-vpc";
import { isKnownRegion, regionPartition } from "../regions";

/**
 * The platform config schema. The TypeScript example (`example.ts`) and any JSON or YAML
 * file named by PLATFORM_CONFIG go through this one schema. Every object is strict: an unknown
 * key (usually a typo) is an error that names the allowed keys.
 */

/** Tag keys the platform sets itself on every resource through the provider's default tags. */
export const RESERVED_TAG_KEYS = ["project", "environment", "managed-by"] as const;

export const DEFAULT_DEPLOY_ROLE_NAME = "terraform-deploy";

/** Levenshtein distance, for "did you mean" hints on misspelled keys. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A strict object whose unknown-key error names each unknown key and what is allowed. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const described = issue.keys.map((key) => {
        const hint = closest(key, allowed);
        return hint ? `"${key}" (did you mean "${hint}"?)` : `"${key}"`;
      });
      return `unknown key ${described.join(", ")}; allowed keys: ${allowed.join(", ")}`;
    },
  });
}

/** A whole number in [min, max], with one message that states the range. */
function intBetween(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const prefixSchema = z
  .string()
  .regex(NAME_PATTERN, {
    error:
      "must be lowercase letters and digits in hyphen-separated words, starting with a letter (it starts every bucket name)",
  })
  .min(2, { error: "must be at least 2 characters" })
  .max(20, { error: "must be at most 20 characters" });

const accountNameSchema = z
  .string()
  .regex(NAME_PATTERN, {
    error:
      "must be lowercase letters and digits in hyphen-separated words, starting with a letter (an account name is a stack id and part of bucket names)",
  })
  .max(20, { error: "must be at most 20 characters" })
  .refine((name) => !name.endsWith("-bootstrap"), {
    error: 'must not end with "-bootstrap" (reserved for bootstrap stack ids)',
  });

const accountIdSchema = z.string().regex(/^\d{12}$/, {
  error: "must be a 12-digit AWS account id, as a string (quote it in YAML)",
});

const regionSchema = z.string().refine(isKnownRegion, {
  error: "must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1",
});

/** IAM role names: 1 to 64 of letters, digits and `+=,.@_-`. */
const iamRoleNameSchema = z.string().regex(IAM_ROLE_NAME, {
  error: "must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -",
});

const tagKeySchema = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
    error: "must be 1 to 128 letters, digits, spaces or _ . : / = + - @",
  })
  .refine((k) => !k.toLowerCase().startsWith("aws:"), {
    error: 'must not start with "aws:" (reserved by AWS)',
  });

const tagValueSchema = z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, {
  error: "must be at most 256 letters, digits, spaces or _ . : / = + - @",
});

const azNameSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/, {
  error: "must be an availability zone name such as eu-west-1a",
});

const existingVpcSchema = strictObject({
  /** Id of the VPC to use. */
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0abc12345def67890" }),
  /** Its private subnets, one per availability zone (2 to 4). */
  privateSubnetIds: z
    .array(
      z
        .string()
        .regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0abc1234" }),
    )
    .min(2)
    .max(4),
  /** The route tables of those subnets; the S3 gateway endpoint is attached to each. */
  privateRouteTableIds: z
    .array(
      z
        .string()
        .regex(/^rtb-[0-9a-f]{8,17}$/, { error: "must be a route table id such as rtb-0abc1234" }),
    )
    .min(1)
    .max(4),
});

const vpcSchema = strictObject({
  /** Private IPv4 block of the VPC (RFC 1918, /16 to /28); for an existing VPC, its block. */
  cidr: z.string(),
  /**
   * Either how many availability zones to use (the first N the region offers to the account)
   * or their names. SageMaker endpoints and Studio need at least two. Default 2.
   */
  availabilityZones: z
    .union(
      [
        intBetween(MIN_ZONES, MAX_ZONES),
        z
          .array(azNameSchema)
          .min(MIN_ZONES)
          .max(MAX_ZONES)
          .refine((list) => new Set(list).size === list.length, {
            error: "must not repeat a zone",
          }),
      ],
      {
        error: `must be a number of zones from ${MIN_ZONES} to ${MAX_ZONES}, or a list of ${MIN_ZONES} to ${MAX_ZONES} zone names such as [eu-west-1a, eu-west-1b]`,
      },
    )
    .optional(),
  /** Prefix length of each subnet. Defaults to the VPC prefix + 3 (room for 8 subnets). */
  subnetPrefixLength: intBetween(16, 28).optional(),
  /**
   * Internet egress. `none` (default): no internet gateway, no NAT; AWS is reached through
   * endpoints only. `one-per-az`: public subnets and a NAT gateway in each zone. `single`: one
   * NAT gateway for all zones (cheaper, one zone's outage cuts egress everywhere).
   */
  natGateways: z
    .enum(["none", "one-per-az", "single"], { error: 'must be "none", "one-per-az" or "single"' })
    .default("none"),
  /** Use an existing VPC instead of creating one: the platform adds endpoints, security groups and flow logs. */
  existing: existingVpcSchema.optional(),
  /** Interface endpoints to create. Default: what the account's type needs (README). */
  interfaceEndpoints: z
    .array(
      z.enum(INTERFACE_ENDPOINT_IDS as [InterfaceEndpointId, ...InterfaceEndpointId[]], {
        error: `must be one of ${INTERFACE_ENDPOINT_IDS.join(", ")}`,
      }),
    )
    .refine((list) => new Set(list).size === list.length, { error: "must not repeat an endpoint" })
    .optional(),
  /** Days flow logs are kept. Default 365. */
  flowLogRetentionDays: z
    .union(
      LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [
        z.ZodLiteral<number>,
        z.ZodLiteral<number>,
        ...z.ZodLiteral<number>[],
      ],
      {
        error: `must be a CloudWatch Logs retention of a year or more: ${LOG_RETENTION_DAYS.join(", ")}`,
      },
    )
    .default(365),
  /**
   * Remove every rule from the VPC's default security group. Turning it off is meant for an
   * existing VPC whose workloads still use the default group.
   */
  manageDefaultSecurityGroup: z.boolean({ error: "must be true or false" }).default(true),
});

const transitionsSchema = strictObject({
  /** Days until current objects move to STANDARD_IA. Default 30. */
  standardIaDays: intBetween(30, 36500).optional(),
  /** Days until GLACIER. Default 90. */
  glacierDays: intBetween(1, 36500).optional(),
  /** Days until DEEP_ARCHIVE. Default 365. */
  deepArchiveDays: intBetween(1, 36500).optional(),
});

const bucketShape = {
  /** Storage class tiering of current objects; `false` keeps them in STANDARD. */
  transitions: z
    .union([z.literal(false), transitionsSchema], {
      error: "must be false or a mapping of standardIaDays, glacierDays, deepArchiveDays",
    })
    .optional(),
  /** Days a superseded object version is kept. Default 90. */
  noncurrentVersionExpirationDays: intBetween(1, 3650).optional(),
};

function checkTransitions(
  bucket: { transitions?: false | Record<string, number | undefined> },
  ctx: z.RefinementCtx<unknown>,
): void {
  if (bucket.transitions === undefined || bucket.transitions === false) return;
  const problem = transitionProblem({ ...DEFAULT_TRANSITIONS, ...bucket.transitions });
  if (problem) ctx.addIssue({ code: "custom", path: ["transitions"], message: problem });
}

const bucketConfigSchema = strictObject(bucketShape).superRefine(checkTransitions);

/** A bucket that may be copied to another region. */
const replicableBucketShape = {
  ...bucketShape,
  /**
   * Replicate every object version to a bucket in this region, with the same protections, its
   * own key and access-log bucket. Default: no replication.
   */
  replicaRegion: regionSchema.optional(),
};

const replicableBucketConfigSchema =
  strictObject(replicableBucketShape).superRefine(checkTransitions);

const modelBucketConfigSchema = strictObject({
  ...replicableBucketShape,
  /** S3 Object Lock (GOVERNANCE) default retention in days; set it when the bucket is created. */
  objectLockRetentionDays: intBetween(1, 36500).optional(),
}).superRefine(checkTransitions);

const ROLE_NAME_OR_ARN = /^(arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*)?[\w+=,.@-]{1,64}$/;

const datasetAccessSchema = strictObject({
  /** A role in this account, by name or ARN (an EKS node role, a workflow engine's role, ...). */
  principal: z.string().regex(ROLE_NAME_OR_ARN, {
    error: "must be an IAM role name or role ARN (arn:aws:iam::<account>:role/<name>)",
  }),
  bucket: z.enum(["data", "models"], { error: 'must be "data" or "models"' }),
  access: z.enum(["read-only", "read-write"], { error: 'must be "read-only" or "read-write"' }),
  /** Key prefixes the role may use, each ending in "/". Default: the whole bucket. */
  prefixes: z
    .array(
      z.string().regex(S3_PREFIX, {
        error: 'must be path segments each ending in "/", such as "datasets/"',
      }),
    )
    .min(1)
    .optional(),
});

/** SageMaker's rule for user profile names. */
const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

const userProfileSchema = strictObject({
  /** Studio user profile name. */
  name: z.string().regex(PROFILE_NAME, {
    error:
      "must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker's rule)",
  }),
  persona: z.enum(["data-scientist", "team-admin"], {
    error: 'must be "data-scientist" or "team-admin"',
  }),
  /** Give this user an execution role of their own instead of their persona's. Default false. */
  dedicatedExecutionRole: z.boolean({ error: "must be true or false" }).default(false),
  /** IAM Identity Center user name; required with authMode SSO, not allowed with IAM. */
  ssoUserName: z.string().min(1).max(128).optional(),
});

const domainSchema = strictObject({
  /** IAM (default) or SSO (IAM Identity Center). */
  authMode: z.enum(["IAM", "SSO"], { error: 'must be "IAM" or "SSO"' }).default("IAM"),
  userProfiles: z.array(userProfileSchema).default([]),
});

const identitySchema = z.discriminatedUnion(
  "kind",
  [
    strictObject({
      /** Persona roles are assumed from IAM Identity Center permission sets of this account. */
      kind: z.literal("iam-identity-center"),
      /** Permission set name per persona. */
      permissionSets: strictObject({
        dataScientist: z
          .string()
          .regex(/^[\w+=,.@-]{1,32}$/, { error: "must be a permission set name" }),
        teamAdmin: z
          .string()
          .regex(/^[\w+=,.@-]{1,32}$/, { error: "must be a permission set name" }),
        admin: z.string().regex(/^[\w+=,.@-]{1,32}$/, { error: "must be a permission set name" }),
      }),
    }),
    strictObject({
      /** Persona roles are assumed through a SAML identity provider. */
      kind: z.literal("saml"),
      providerArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/, {
        error: "must be an IAM SAML provider ARN",
      }),
    }),
    strictObject({
      /** Persona roles are assumed by these roles (exact ARNs) of any account. */
      kind: z.literal("roles"),
      dataScientist: z
        .array(
          z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be a role ARN" }),
        )
        .min(1),
      teamAdmin: z
        .array(
          z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be a role ARN" }),
        )
        .min(1),
      admin: z
        .array(
          z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be a role ARN" }),
        )
        .min(1),
    }),
    strictObject({
      /** Any principal of this account, with MFA. For small teams without federation. */
      kind: z.literal("account-with-mfa"),
    }),
  ],
  { error: 'must be "iam-identity-center", "saml", "roles" or "account-with-mfa"' },
);

const sagemakerSchema = strictObject({
  /** The Studio domain; SageMaker allows one per account and region. Default: one domain. */
  domains: z
    .array(domainSchema)
    .max(1, {
      error: "must list at most one domain: SageMaker allows one domain per account and region",
    })
    .default([{ authMode: "IAM", userProfiles: [] }]),
  /** Who may assume the persona roles. */
  identity: identitySchema.default({ kind: "account-with-mfa" }),
  /** Model registry groups; staging and prod may read them. */
  modelPackageGroups: z
    .array(
      z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, {
        error: "must be 1 to 63 letters, digits and hyphens (SageMaker's rule)",
      }),
    )
    .default([]),
  /** SageMaker projects: the Service Catalog portfolio and its two roles. Default true. */
  projects: z.boolean({ error: "must be true or false" }).default(true),
  /** Where pipelines write model artifacts in the model bucket; what the targets may read. */
  modelArtifactsPrefix: z
    .string()
    .regex(S3_PREFIX, {
      error: 'must be path segments each ending in "/", such as "models/"',
    })
    .default("models/"),
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
  mlflow: strictObject({
    /** Secrets Manager secret of an external backend database, which the server may read. */
    databaseSecretArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, {
        error: "must be a Secrets Manager secret ARN",
      })
      .optional(),
    /** The server itself: a private EC2 instance with a PostgreSQL backend store. */
    server: strictObject({
      /** The switch. Default false: only the role exists. */
      enabled: z.boolean({ error: "must be true or false" }).default(false),
      /** MLflow version installed from the package index, pinned. */
      mlflowVersion: z
        .string()
        .regex(/^\d+\.\d+\.\d+$/, { error: "must be an exact version such as 2.17.2" })
        .default("2.17.2"),
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
          error: "must be an EC2 instance type such as t3.medium",
        })
        .default("t3.medium"),
      /** AMI to pin; default: the latest Amazon Linux 2023 (a new one replaces the stateless server). */
      amiId: z
        .string()
        .regex(/^ami-[0-9a-f]{8,17}$/, { error: "must be an AMI id such as ami-0abcdef1234567890" })
        .optional(),
      port: intBetween(1024, 65535).default(5000),
      /**
       * Package index for pip (a CodeArtifact or mirror URL) when the VPC has no NAT. Default:
       * PyPI through NAT.
       */
      pipIndexUrl: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
      database: strictObject({
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
            error: "must be an RDS instance class such as db.t4g.small",
          })
          .default("db.t4g.small"),
        /** PostgreSQL major version. */
        engineVersion: z
          .enum(["15", "16", "17"], { error: 'must be "15", "16" or "17"' })
          .default("16"),
        allocatedStorageGb: intBetween(20, 16384).default(20),
        multiAz: z.boolean({ error: "must be true or false" }).default(false),
        /** Days of automated backups, 7 to 35. */
        backupRetentionDays: intBetween(7, 35).default(7),
      }).prefault({}),
    }).prefault({}),
  }).prefault({}),
});

const deploymentTargetAccountSchema = strictObject({
  type: z.literal("deployment-target"),
  /** Name (key in `accounts`) of the data science account whose models this account hosts. */
  dataScienceAccount: z.string(),
  ...commonAccountShape,
  /** Lifecycle of the account's buckets. */
  buckets: strictObject({ accessLogs: bucketConfigSchema.optional() }).optional(),
  /** How the data science account's pipeline deploys here. */
  deployment: strictObject({
    /**
     * External id the pipeline must present to assume the deployment role. Default
     * `<prefix>-<account>-model-deployment`; set your own.
     */
    externalId: z
      .string()
      .regex(/^[\w+=,.@:\/-]{2,1224}$/, {
        error: "must be 2 to 1224 letters, digits or + = , . @ : / _ -",
      })
      .optional(),
    /** ECR repositories of the data science account whose images models here may pull. */
    ecrRepositories: z
      .array(
        z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
          error: "must be an ECR repository name",
        }),
      )
      .default([]),
  }).prefault({}),
});

const accountSchema = z.discriminatedUnion(
  "type",
  [dataScienceAccountSchema, deploymentTargetAccountSchema],
  { error: 'must be "data-science" or "deployment-target"' },
);

const stateSchema = strictObject({
  /**
   * How Terraform locks the state. `lockfile` (default) uses S3 native locking and needs
   * Terraform 1.10 or newer; `dynamodb` adds a lock table for teams on Terraform 1.6 to 1.9.
   */
  locking: z
    .enum(["lockfile", "dynamodb"], { error: 'must be "lockfile" or "dynamodb"' })
    .default("lockfile"),
  /**
   * Where the bootstrap stacks keep their own state. `local` (default) for the first apply, when
   * the state bucket does not exist yet; switch to `s3` and run `terraform init -migrate-state`
   * to move it into the bucket it created.
   */
  bootstrapBackend: z.enum(["local", "s3"], { error: 'must be "local" or "s3"' }).default("local"),
  /** Days a superseded state version is kept before it expires. */
  noncurrentVersionExpirationDays: intBetween(1, 3650).default(90),
  /** Superseded state versions kept regardless of age. */
  noncurrentVersionsRetained: intBetween(1, 100).default(10),
});

const platformShape = strictObject({
  /** Starts every resource name; short, lowercase. */
  prefix: prefixSchema,
  /** The one AWS region the platform runs in. */
  region: regionSchema,
  /** Extra tags on every resource. `project`, `environment` and `managed-by` are set by the platform. */
  tags: z.record(tagKeySchema, tagValueSchema).default({}),
  /** Role Terraform assumes in every account unless the account names its own. */
  deployRoleName: iamRoleNameSchema.default(DEFAULT_DEPLOY_ROLE_NAME),
  state: stateSchema.prefault({}),
  /**
   * CI without long-lived keys: a GitHub OIDC provider and plan/apply roles in every account.
   * Default: none.
   */
  ci: strictObject({
    github: strictObject({
      /** `owner/name` of the repository whose workflows may assume the roles. */
      repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
        error: "must be a GitHub repository as owner/name",
      }),
      /** The branch merges apply from. Default main. */
      branch: z
        .string()
        .regex(/^[\w./-]+$/, { error: "must be a branch name" })
        .default("main"),
      /** GitHub environment per account name; the apply role trusts only it. Default: the account name. */
      environments: z
        .record(
          z.string(),
          z.string().regex(/^[\w. -]{1,255}$/, { error: "must be a GitHub environment name" }),
        )
        .default({}),
      /** Create the account's GitHub OIDC provider (false when the account already has one). */
      createOidcProvider: z.boolean({ error: "must be true or false" }).default(true),
    }),
  }).optional(),
  /** The accounts, keyed by name; the name is the environment name and the stack id. */
  accounts: z.record(accountNameSchema, accountSchema),
});

export type PlatformConfigInput = z.input<typeof platformShape>;
export type PlatformConfig = z.output<typeof platformShape>;
export type AccountConfig = PlatformConfig["accounts"][string];
export type DataScienceAccountConfig = Extract<AccountConfig, { type: "data-science" }>;
export type DeploymentTargetAccountConfig = Extract<AccountConfig, { type: "deployment-target" }>;
export type AccountConfigInput = PlatformConfigInput["accounts"][string];

/** Naming input of one account of a validated config. */
export function namingInput(config: PlatformConfig, accountName: string): NamingInput {
  const account = config.accounts[accountName];
  return {
    prefix: config.prefix,
    region: config.region,
    accountName,
    accountId: account.accountId,
    type: account.type as AccountType,
    deployRoleName: account.deployRoleName ?? config.deployRoleName,
  };
}

export const DEFAULT_AVAILABILITY_ZONES = 2;

/** How many availability zones a new VPC spans. */
export function zoneCount(vpc: AccountConfig["vpc"]): number {
  const zones = vpc.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
  return typeof zones === "number" ? zones : zones.length;
}

/** Subnets a new VPC must hold: a private subnet per zone, and a public one per zone with NAT. */
export function requiredSubnets(vpc: AccountConfig["vpc"]): number {
  return zoneCount(vpc) * (vpc.natGateways === "none" ? 1 : 2);
}

export function subnetPrefixLength(vpc: AccountConfig["vpc"], block: Ipv4Block): number {
  return vpc.subnetPrefixLength ?? Math.min(block.prefix + 3, 28);
}

type Ctx = z.RefinementCtx<PlatformConfig>;

function checkAccounts(config: PlatformConfig, ctx: Ctx): void {
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

function checkExistingVpc(vpc: AccountConfig["vpc"], path: (string | number)[], ctx: Ctx): void {
  const why = "an existing VPC keeps its own subnets and gateways; remove it or vpc.existing";
  if (vpc.natGateways !== "none") {
    ctx.addIssue({
      code: "custom",
      path: [...path, "natGateways"],
      input: vpc.natGateways,
      message: `cannot be used with vpc.existing: ${why}`,
    });
  }
  for (const field of ["availabilityZones", "subnetPrefixLength"] as const) {
    if (vpc[field] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, field],
        message: `cannot be used with vpc.existing: ${why}`,
      });
    }
  }
  const existing = vpc.existing!;
  for (const field of ["privateSubnetIds", "privateRouteTableIds"] as const) {
    if (new Set(existing[field]).size !== existing[field].length) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "existing", field],
        message: "must not repeat an id",
      });
    }
  }
}

function checkNewVpcSize(
  vpc: AccountConfig["vpc"],
  block: Ipv4Block,
  path: (string | number)[],
  ctx: Ctx,
): void {
  const subnetPrefix = subnetPrefixLength(vpc, block);
  const needed = requiredSubnets(vpc);
  const what =
    vpc.natGateways === "none"
      ? `${needed} subnets`
      : `${needed} subnets (private and public, for NAT)`;
  if (subnetPrefix < block.prefix) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "subnetPrefixLength"],
      input: subnetPrefix,
      message: `must be at least the VPC prefix length /${block.prefix}`,
    });
  } else if (subnetCapacity(block, subnetPrefix) < needed) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "cidr"],
      input: vpc.cidr,
      message: `is too small for ${what} of /${subnetPrefix} (room for ${subnetCapacity(block, subnetPrefix)}); use a larger block or a longer subnetPrefixLength`,
    });
  }
}

function checkNetworks(config: PlatformConfig, ctx: Ctx): void {
  const blocks: { name: string; block: Ipv4Block }[] = [];
  for (const [name, account] of Object.entries(config.accounts)) {
    const path = ["accounts", name, "vpc"];
    const parsed = parsePrivateVpcBlock(account.vpc.cidr);
    if ("problem" in parsed) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "cidr"],
        input: account.vpc.cidr,
        message: parsed.problem,
      });
      continue;
    }
    const block = parsed.block;
    if (account.vpc.existing !== undefined) {
      checkExistingVpc(account.vpc, path, ctx);
    } else {
      checkNewVpcSize(account.vpc, block, path, ctx);
    }
    if (Array.isArray(account.vpc.availabilityZones)) {
      account.vpc.availabilityZones.forEach((zone, i) => {
        if (!new RegExp(`^${config.region}[a-z]$`).test(zone)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "availabilityZones", i],
            input: zone,
            message: `must be a zone of the platform region ${config.region}, such as ${config.region}a`,
          });
        }
      });
    }
    for (const other of blocks) {
      if (blocksOverlap(other.block, block)) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "cidr"],
          input: account.vpc.cidr,
          message: `overlaps accounts.${other.name}.vpc.cidr ${other.block.cidr}; VPC blocks must not overlap so the accounts can be connected later`,
        });
      }
    }
    blocks.push({ name, block });
  }
}

function checkNames(config: PlatformConfig, ctx: Ctx): void {
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

function checkDatasetAccess(config: PlatformConfig, ctx: Ctx): void {
  const partition = isKnownRegion(config.region)
    ? regionPartition(config.region).partition
    : undefined;
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const seen = new Map<string, number>();
    (account.datasetAccess ?? []).forEach((grant, i) => {
      const key = `${grant.principal.split("/").pop()} ${grant.bucket}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name, "datasetAccess", i],
          message: `grants ${grant.principal} the ${grant.bucket} bucket again (see datasetAccess[${first}]); list all its prefixes in one entry`,
        });
      }
      seen.set(key, i);
      const match = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(grant.principal);
      if (match === null) return;
      if (match[2] !== account.accountId || (partition !== undefined && match[1] !== partition)) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name, "datasetAccess", i, "principal"],
          input: grant.principal,
          message: `must be a role in this account (arn:${partition ?? "aws"}:iam::${account.accountId}:role/...); the platform attaches the policy to it`,
        });
      }
    });
  }
}

function checkStudio(config: PlatformConfig, ctx: Ctx): void {
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
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

function checkMlflowServer(config: PlatformConfig, ctx: Ctx): void {
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science" || !account.mlflow.server.enabled) continue;
    const path = ["accounts", name, "mlflow"];
    if (account.mlflow.databaseSecretArn !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "databaseSecretArn"],
        message:
          "cannot be combined with mlflow.server.enabled: the server uses the secret of its own database",
      });
    }
    const noInternet = account.vpc.existing === undefined && account.vpc.natGateways === "none";
    if (noInternet && account.mlflow.server.pipIndexUrl === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "server", "enabled"],
        message:
          "needs a package index to install MLflow, and the VPC has no internet route (vpc.natGateways is none): set vpc.natGateways or mlflow.server.pipIndexUrl",
      });
    }
  }
}

function checkReplicas(config: PlatformConfig, ctx: Ctx): void {
  if (!isKnownRegion(config.region)) return;
  const partition = regionPartition(config.region).partition;
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const names = new AccountNames(namingInput(config, name));
    for (const purpose of ["data", "models", "mlflow"] as const) {
      const region = account.buckets?.[purpose]?.replicaRegion;
      if (region === undefined) continue;
      const path = ["accounts", name, "buckets", purpose, "replicaRegion"];
      if (region === config.region) {
        ctx.addIssue({
          code: "custom",
          path,
          input: region,
          message: `must differ from the platform region ${config.region}`,
        });
      } else if (regionPartition(region).partition !== partition) {
        ctx.addIssue({
          code: "custom",
          path,
          input: region,
          message: `must be in the platform's partition (${partition}); replication cannot cross partitions`,
        });
      }
      for (const bucket of [
        names.bucketName(purpose, region),
        names.bucketName("access-logs", region),
      ]) {
        const problem = bucketNameProblem(bucket);
        if (problem) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `gives the replica bucket name "${bucket}", which ${problem}; shorten prefix or the account name`,
          });
        }
      }
    }
  }
}

function checkCi(config: PlatformConfig, ctx: Ctx): void {
  for (const name of Object.keys(config.ci?.github.environments ?? {})) {
    if (!(name in config.accounts)) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "github", "environments", name],
        message: `names no account; accounts: ${Object.keys(config.accounts).join(", ")}`,
      });
    }
  }
}

function checkTags(config: PlatformConfig, ctx: Ctx): void {
  for (const key of Object.keys(config.tags)) {
    if ((RESERVED_TAG_KEYS as readonly string[]).includes(key.toLowerCase())) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", key],
        input: config.tags[key],
        message: `is set by the platform on every resource; reserved tag keys: ${RESERVED_TAG_KEYS.join(", ")}`,
      });
    }
  }
}

/** The full schema: field rules plus the rules that relate fields to each other. */
export const platformConfigSchema = platformShape.superRefine((config, ctx) => {
  checkAccounts(config, ctx);
  checkNetworks(config, ctx);
  checkNames(config, ctx);
  checkTags(config, ctx);
  checkDatasetAccess(config, ctx);
  checkReplicas(config, ctx);
  checkStudio(config, ctx);
  checkMlflowServer(config, ctx);
  checkCi(config, ctx);
});
