import type { Construct } from "constructs";
import { AccessLogBucket } from "../../modules/storage/access-log-bucket";
import { LocalBackend, TerraformOutput } from "../../modules/core/cdktf";
import { bootstrapStateIsRemote } from "../config/schema/state";
import { suppressRule } from "../../modules/rules/suppress";
import type { GithubCiRoles } from "../../modules/ci/github-ci-roles";
import { addCiOutputs, addCiRoles, allowCiPlanReads } from "../features/ci";
import { TerraformStateBackend } from "../../modules/storage/terraform-state-backend";
import { bucketLifecycle } from "../config/schema/buckets";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** Stack id of an account's bootstrap stack. */
export function bootstrapStackId(accountName: string): string {
  return `${accountName}-bootstrap`;
}

/**
 * Creates what an account needs before anything else: its S3 access-log bucket (the sink every
 * other bucket logs into) and its Terraform state backend. Applied first, with local state (the
 * state bucket does not exist yet); once applied, `state.bootstrapBackend: s3` moves its own
 * state into the bucket it made (docs/deploying.md, "Deploying an account").
 */
export class BootstrapStack extends PlatformStack {
  readonly accessLogs: AccessLogBucket;
  readonly stateBackend: TerraformStateBackend;
  /** GitHub OIDC provider and CI roles, with `ci` in config. */
  readonly ci?: GithubCiRoles;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props, ["data-science", "deployment-target"]);
    const names = this.names;
    const locking = this.config.state.locking;

    this.accessLogs = new AccessLogBucket(this, "access-logs", {
      bucketName: names.accessLogBucketName,
      environment: names.environment,
      sourceBucketArnPatterns: [`arn:${names.partition}:s3:::${names.stem}-*`],
      lifecycle: bucketLifecycle(this.account.buckets?.accessLogs),
    });

    this.ci = addCiRoles(this);

    this.stateBackend = new TerraformStateBackend(this, "state", {
      bucketName: names.stateBucketName,
      keyAlias: names.stateKeyAlias,
      administratorArns: [names.deployRoleArn],
      // Role references (not names): Terraform creates the roles before the key policy names them.
      stateUserArns: [names.deployRoleArn, ...(this.ci ? [this.ci.planRole.roleArn] : [])],
      environment: names.environment,
      accessLogs: { targetBucketName: this.accessLogs.bucketName },
      lockTableName: locking === "dynamodb" ? names.stateLockTableName : undefined,
      noncurrentVersionExpirationDays: this.config.state.noncurrentVersionExpirationDays,
      noncurrentVersionsRetained: this.config.state.noncurrentVersionsRetained,
    });

    if (bootstrapStateIsRemote(this.config.state)) {
      this.useAccountStateBackend();
    } else {
      // Relative to cdktf.out/stacks/<id>, where terraform runs: the project root. cdktf's
      // default is an absolute path, which would tie the output to one checkout.
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
      suppressRule(
        this,
        "Stack.EncryptedStateWithLocking",
        "bootstrap state is local until the state bucket this stack creates exists; set state.bootstrapBackend: s3 and run npm run migrate-state (docs/deploying.md)",
      );
    }

    new TerraformOutput(this, "access_log_bucket", {
      value: this.accessLogs.bucketName,
      description: "Bucket that receives the S3 server access logs of the account's buckets",
    });
    new TerraformOutput(this, "state_bucket", {
      value: this.stateBackend.bucket.bucketName,
      description: "Bucket that holds this account's Terraform state",
    });
    new TerraformOutput(this, "state_key_arn", {
      value: this.stateBackend.key.keyArn,
      description: "KMS key that encrypts the state",
    });
    new TerraformOutput(this, "state_key_alias", {
      value: this.stateBackend.key.aliasName,
      description: "Alias of the state key; the backends name the key by it",
    });
    if (this.ci) {
      allowCiPlanReads(this, this.ci.planRole.roleArn);
      addCiOutputs(this, this.ci);
    }
    if (this.stateBackend.lockTable) {
      new TerraformOutput(this, "state_lock_table", {
        value: this.stateBackend.lockTable.name,
        description: "DynamoDB table that locks the state",
      });
    }
  }
}
