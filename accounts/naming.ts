import { roleArn } from "../modules/core/aws-environment";
import { PERSONA_IDS, PERSONAS, type Persona } from "../modules/iam/personas";
import { BUCKET_KINDS, BUCKETS, type BucketKind } from "./buckets";
import type { AwsEnvironment } from "../modules/core/aws-environment";
import type { PlatformConfig } from "./config/schema/platform";
import { regionPartition } from "./config/regions";
import { AWS_LIMITS } from "../modules/core/limits";

/**
 * Deterministic names of everything the platform creates, computed from config alone.
 *
 * Cross-account wiring relies on these names (a deployment target trusts the dev pipeline role
 * by ARN, the dev model bucket names the target roles), so both sides must compute them from the
 * same function. Never build one of these names by hand elsewhere.
 */

/** The two kinds of account the platform knows. */
export type AccountType = "data-science" | "deployment-target";

/** What a name depends on. */
export interface NamingInput {
  readonly prefix: string;
  readonly region: string;
  /** The account's name in config; also its environment name and its stack id. */
  readonly accountName: string;
  readonly accountId: string;
  readonly type: AccountType;
  /** Name of the pre-existing role Terraform assumes in the account. */
  readonly deployRoleName: string;
}

/** Bucket purposes per account type. Every bucket the platform creates appears here. */
export const BUCKET_PURPOSES: Readonly<Record<AccountType, readonly string[]>> = {
  "data-science": [
    ...BUCKET_KINDS.map((kind) => BUCKETS[kind].purpose),
    "access-logs",
    "audit-logs",
    "tfstate",
  ],
  "deployment-target": ["access-logs", "audit-logs", "tfstate"],
};

/** S3 bucket names: 3 to 63 characters, lowercase letters, digits and hyphens. */
export const S3_BUCKET_NAME_MAX = AWS_LIMITS.s3.bucketNameChars;
/** IAM role names: at most 64 characters. */
export const IAM_ROLE_NAME_MAX = AWS_LIMITS.iam.roleNameChars;

/**
 * Studio users with their own execution role, per AWS account: each adds a role and four
 * customer-managed policies, and IAM's default quotas are 1,500 customer-managed policies and
 * 1,000 roles per account. 300 users take 1,200 policies, leaving room for the platform's own
 * (about 40 per data science account) and the account's other workloads.
 */
export const DEDICATED_ROLE_USERS_MAX = 300;

export class AccountNames {
  readonly partition: string;
  readonly dnsSuffix: string;
  /** `<prefix>-<account name>`: the stem of every name in this account. */
  readonly stem: string;

  constructor(private readonly input: NamingInput) {
    const p = regionPartition(input.region);
    this.partition = p.partition;
    this.dnsSuffix = p.dnsSuffix;
    this.stem = `${input.prefix}-${input.accountName}`;
  }

  get accountId(): string {
    return this.input.accountId;
  }

  get type(): AccountType {
    return this.input.type;
  }

  get region(): string {
    return this.input.region;
  }

  /** What modules need to build ARNs and conditions in this account. */
  get environment(): AwsEnvironment {
    return {
      accountId: this.input.accountId,
      region: this.input.region,
      partition: this.partition,
      dnsSuffix: this.dnsSuffix,
    };
  }

  /** Globally unique bucket name: prefix, environment, purpose, account id and region. */
  bucketName(purpose: string, region = this.input.region): string {
    return `${this.stem}-${purpose}-${this.input.accountId}-${region}`;
  }

  /** Role S3 uses to replicate one bucket to another region. */
  replicationRoleName(purpose: string): string {
    return `${this.stem}-${purpose}-replication`;
  }

  /** The name of one of the data science account's buckets (`BUCKETS`). */
  platformBucketName(kind: BucketKind): string {
    return this.bucketName(BUCKETS[kind].purpose);
  }

  get dataBucketName(): string {
    return this.platformBucketName("data");
  }

  get mlflowBucketName(): string {
    return this.platformBucketName("mlflow");
  }

  /** The account's S3 server access log bucket (made by its bootstrap stack). */
  get accessLogBucketName(): string {
    return this.bucketName("access-logs");
  }

  /** The data science account's model artifact bucket; deployment targets read from it. */
  get modelBucketName(): string {
    return this.platformBucketName("models");
  }

  /** Every bucket name this account's stacks create. */
  allBucketNames(): string[] {
    return BUCKET_PURPOSES[this.input.type].map((p) => this.bucketName(p));
  }

  /** `alias/<prefix>-<env>-<purpose>`. */
  keyAlias(purpose: string): string {
    return `alias/${this.stem}-${purpose}`;
  }

  keyAliasArn(purpose: string): string {
    return `arn:${this.partition}:kms:${this.input.region}:${this.input.accountId}:${this.keyAlias(purpose)}`;
  }

  roleArn(roleName: string): string {
    return roleArn(this.partition, this.input.accountId, roleName);
  }

  get deployRoleArn(): string {
    return this.roleArn(this.input.deployRoleName);
  }

  // --- Network ---------------------------------------------------------------------------

  /** Key for the account's CloudWatch log groups. */
  get logsKeyAlias(): string {
    return this.keyAlias("logs");
  }

  get flowLogGroupName(): string {
    return `/aws/vpc/flow-logs/${this.stem}`;
  }

  get flowLogRoleName(): string {
    return `${this.stem}-vpc-flow-logs`;
  }

  // --- Keys per data class ----------------------------------------------------------------

  /** Data science account: data and models in S3. */
  get dataKeyAlias(): string {
    return this.keyAlias("data");
  }

  /** Data science account: Studio home file system and volumes. */
  get studioKeyAlias(): string {
    return this.keyAlias("studio");
  }

  /** Deployment targets: model endpoint volumes. */
  get endpointKeyAlias(): string {
    return this.keyAlias("endpoint");
  }

  // --- SageMaker (data science account) ---------------------------------------------------

  get studioDomainName(): string {
    return this.stem;
  }

  /** Execution role of data scientists' Studio apps and the jobs they start. */
  get studioExecutionRoleName(): string {
    return `${this.stem}-studio-execution`;
  }

  /** Execution role of team administrators' Studio apps (build duty, like every execution role). */
  get teamAdminExecutionRoleName(): string {
    return `${this.stem}-team-admin-execution`;
  }

  /** Execution role of SageMaker pipelines: train and register; never reaches a target. */
  get pipelineExecutionRoleName(): string {
    return `${this.stem}-pipeline-execution`;
  }

  userExecutionRoleName(profile: string): string {
    return `${this.stem}-user-${profile}`;
  }

  /** Every dedicated per-user execution role of this account, as a name pattern. */
  get userExecutionRoleNamePattern(): string {
    return this.userExecutionRoleName("*");
  }

  /** The same as an IAM ARN pattern. */
  get userExecutionRoleArnPattern(): string {
    return this.roleArn(this.userExecutionRoleNamePattern);
  }

  /** This target's role of one kind: `<prefix>-<account>-model-execution`. */
  targetRoleName(kind: TargetRoleKind): string {
    return kind === "model-execution" ? this.modelExecutionRoleName : this.modelDeploymentRoleName;
  }

  /** A persona's role: `<prefix>-<account>-<its role name in PERSONAS>`. */
  personaRoleName(persona: Persona): string {
    return `${this.stem}-${PERSONAS[persona].roleName}`;
  }

  /** The approve duty: the only principal that sets model versions to Approved or Rejected. */
  get modelApproverRoleArn(): string {
    return this.roleArn(this.personaRoleName("modelApprover"));
  }

  /**
   * The deploy duty in the data science account: the only principal the targets' deployment
   * roles trust. No Studio, pipeline or persona role may pass or assume it.
   */
  get modelDeployerRoleName(): string {
    return `${this.stem}-model-deployer`;
  }

  get modelDeployerRoleArn(): string {
    return this.roleArn(this.modelDeployerRoleName);
  }

  // --- Cross-account roles (deployment targets) -------------------------------------------

  /** The role that runs models in a deployment target; reads the dev model artifacts. */
  get modelExecutionRoleName(): string {
    return `${this.stem}-model-execution`;
  }

  /** The role the data science account's deployer assumes to deploy models into a target. */
  get modelDeploymentRoleName(): string {
    return `${this.stem}-model-deployment`;
  }

  /** Default external id of the deployment role. */
  get defaultDeploymentExternalId(): string {
    return `${this.stem}-model-deployment`;
  }

  // --- MLflow (data science account) ----------------------------------------------------

  get mlflowServerRoleName(): string {
    return `${this.stem}-mlflow-server`;
  }

  /** SageMaker's managed tracking server (mlflow mode managed) and its service role. */
  get mlflowTrackingServerName(): string {
    return this.stem;
  }

  /** The CodeArtifact domain of the account's Python packages: `<prefix>-<account>`. */
  get packageDomainName(): string {
    return this.stem;
  }

  get mlflowTrackingRoleName(): string {
    return `${this.stem}-mlflow-tracking`;
  }

  /**
   * Where the platform's SSM parameters live (`/platform/<stem>/`): under /platform/ because SSM
   * refuses names that start with "aws" or "ssm", which a prefix may.
   */
  get parameterPath(): string {
    return `/platform/${this.stem}/`;
  }

  get mlflowLogGroupName(): string {
    return `/platform/${this.stem}/mlflow-server`;
  }

  /** Key of the MLflow server's volume, database and database secret. */
  get mlflowKeyAlias(): string {
    return this.keyAlias("mlflow");
  }

  /** RDS instance identifier of the MLflow backend store. */
  get mlflowDatabaseIdentifier(): string {
    return `${this.stem}-mlflow`;
  }

  // --- CI (GitHub OIDC) -------------------------------------------------------------------

  /** Plans pull requests: read-only, reads and locks state. */
  get ciPlanRoleName(): string {
    return `${this.stem}-ci-plan`;
  }

  get ciPlanRoleArn(): string {
    return this.roleArn(this.ciPlanRoleName);
  }

  /** Applies merged changes from the account's GitHub environment: may assume the deploy role. */
  get ciApplyRoleName(): string {
    return `${this.stem}-ci-apply`;
  }

  // --- Detection and response (monitoring) ----------------------------------------------

  /** The audit trail's bucket: CloudTrail log files (and AWS Config's, when it records). */
  get auditBucketName(): string {
    return this.bucketName("audit-logs");
  }

  /** Encrypts the trail's log files, the audit bucket and the security alert topic. */
  get auditKeyAlias(): string {
    return this.keyAlias("audit");
  }

  get auditTrailName(): string {
    return `${this.stem}-audit`;
  }

  /** The trail's CloudWatch log group. */
  get auditLogGroupName(): string {
    return `/platform/${this.stem}/audit-trail`;
  }

  /** CloudTrail writes to that log group with it. */
  get auditTrailLogRoleName(): string {
    return `${this.stem}-audit-trail-logs`;
  }

  /** Forwards IAM's events from us-east-1 to the platform's region. */
  get alertForwarderRoleName(): string {
    return `${this.stem}-alert-forwarder`;
  }

  get configRecorderRoleName(): string {
    return `${this.stem}-config-recorder`;
  }

  /** Runs the Automation that stops unguarded SageMaker jobs. */
  get stopJobsRoleName(): string {
    return `${this.stem}-stop-jobs`;
  }

  /** EventBridge starts that Automation with it. */
  get stopJobsTriggerRoleName(): string {
    return `${this.stem}-stop-jobs-trigger`;
  }

  /** SSM reserves names starting with aws, amazon or amzn: the stem comes last. */
  get stopJobsDocumentName(): string {
    return `StopUnguardedJob-${this.stem}`;
  }

  // --- Terraform state -------------------------------------------------------------------

  get stateBucketName(): string {
    return this.bucketName("tfstate");
  }

  get stateKeyAlias(): string {
    return this.keyAlias("tfstate");
  }

  get stateKeyAliasArn(): string {
    return this.keyAliasArn("tfstate");
  }

  get stateLockTableName(): string {
    return `${this.stem}-tfstate-lock`;
  }

  /** HCP Terraform workspace of one of this account's stacks: `<prefix>-<stack id>`. */
  hcpWorkspaceName(stackId: string): string {
    return `${this.input.prefix}-${stackId}`;
  }

  /** Object key of a stack's state in the account's state bucket. */
  stateObjectKey(stackId: string): string {
    return `stacks/${stackId}/terraform.tfstate`;
  }
}

/** The roles every deployment target has, by the suffix of their names. */
export type TargetRoleKind = "model-execution" | "model-deployment";

/**
 * The name pattern (IAM's `*` wildcard) that matches one kind of target role in every target:
 * `<prefix>-*-model-execution`. Policies name the targets' roles by it (with the targets'
 * account ids); the config check keeps every other platform role from matching it.
 */
export function targetRoleNamePattern(prefix: string, kind: TargetRoleKind): string {
  return `${prefix}-*-${kind}`;
}

/** Whether `name` matches a name pattern whose `*` stands for any characters, as IAM's does. */
export function matchesNamePattern(pattern: string, name: string): boolean {
  const parts = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`).test(name);
}

/** A name the platform gives a resource, and whether it must be unique globally or per account. */
export interface OwnedName {
  readonly kind: "bucket" | "IAM role" | "KMS alias" | "log group" | "DynamoDB table";
  readonly name: string;
  readonly global: boolean;
}

/** Every name an account's stacks create; two accounts must never share one. */
export function ownedNames(names: AccountNames): OwnedName[] {
  return [
    ...names.allBucketNames().map((name) => ({ kind: "bucket" as const, name, global: true })),
    { kind: "KMS alias", name: names.stateKeyAlias, global: false },
    { kind: "KMS alias", name: names.logsKeyAlias, global: false },
    { kind: "KMS alias", name: names.auditKeyAlias, global: false },
    ...(names.type === "data-science"
      ? [
          { kind: "KMS alias" as const, name: names.dataKeyAlias, global: false },
          { kind: "KMS alias" as const, name: names.studioKeyAlias, global: false },
          ...[
            names.studioExecutionRoleName,
            names.teamAdminExecutionRoleName,
            names.pipelineExecutionRoleName,
            ...PERSONA_IDS.map((persona) => names.personaRoleName(persona)),
            names.modelDeployerRoleName,
            names.mlflowServerRoleName,
            names.mlflowTrackingRoleName,
          ].map((name) => ({ kind: "IAM role" as const, name, global: false })),
        ]
      : [
          { kind: "KMS alias" as const, name: names.endpointKeyAlias, global: false },
          { kind: "IAM role" as const, name: names.modelExecutionRoleName, global: false },
          { kind: "IAM role" as const, name: names.modelDeploymentRoleName, global: false },
        ]),
    { kind: "DynamoDB table", name: names.stateLockTableName, global: false },
    { kind: "log group", name: names.flowLogGroupName, global: false },
    { kind: "IAM role", name: names.flowLogRoleName, global: false },
    { kind: "IAM role", name: names.ciPlanRoleName, global: false },
    { kind: "IAM role", name: names.ciApplyRoleName, global: false },
    { kind: "log group", name: names.auditLogGroupName, global: false },
    ...[
      names.auditTrailLogRoleName,
      names.alertForwarderRoleName,
      names.configRecorderRoleName,
      names.stopJobsRoleName,
      names.stopJobsTriggerRoleName,
    ].map((name) => ({ kind: "IAM role" as const, name, global: false })),
  ];
}

/** Why `name` is not a valid S3 bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > S3_BUCKET_NAME_MAX) {
    return `is ${name.length} characters; S3 bucket names are 3 to ${S3_BUCKET_NAME_MAX}`;
  }
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) {
    return "may hold only lowercase letters, digits and hyphens, starting and ending with a letter or digit";
  }
  for (const p of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(p)) return `must not start with "${p}" (reserved by S3)`;
  }
  for (const s of ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"]) {
    if (name.endsWith(s)) return `must not end with "${s}" (reserved by S3)`;
  }
  return undefined;
}

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
