import { KMS_ALIAS } from "../core/patterns";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { Token } from "../core/cdktf";
import { mapList } from "../core/token-lists";
import {
  accountOf,
  accountRootOf,
  viaService,
  type AwsEnvironment,
  type AwsService,
  accountRoot,
} from "../core/aws-environment";
import { KEY_POLICY_MAX_CHARS, ResourcePolicy, type PolicyStatement } from "../iam/iam-policy";

/**
 * `kms:ViaService` value(s): one service renders as a string, several as a list, and a list
 * Terraform knows only at plan time (a module variable) through `formatlist()`.
 */
function viaServices(env: AwsEnvironment, service: AwsService | AwsService[]): string | string[] {
  if (typeof service === "string") return viaService(env, service);
  // A plan-time list (a module variable) maps through formatlist: `s` is then "%s".
  return mapList(service, (s) => viaService(env, s as AwsService));
}

/**
 * Binds S3's use of a key to one bucket: S3 puts the object's ARN (or, with an S3 Bucket Key,
 * the bucket's) into the encryption context of every Encrypt, Decrypt and GenerateDataKey call it
 * makes. `IfExists` because S3's calls without a context (DescribeKey) name no bucket; with
 * `kms:ViaService` S3, S3 writes the context, never the caller. A key serving several buckets
 * then serves each grant only for its own bucket.
 */
export function s3BucketContext(bucketArn: string): PolicyStatement["Condition"] {
  return {
    StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
  };
}

/** A key policy statement for principals using the key through AWS services of their account. */
function throughService(
  sid: string,
  principalArns: string[],
  actions: string | string[],
  service: AwsService | AwsService[],
  env: AwsEnvironment,
  byCondition = false,
  extraCondition: PolicyStatement["Condition"] = {},
): PolicyStatement {
  const condition = {
    StringEquals: {
      "kms:ViaService": viaServices(env, service),
      "kms:CallerAccount": env.accountId,
    },
    ...extraCondition,
  };
  const statement = (principal: string | string[], conditions: PolicyStatement["Condition"]) => ({
    Sid: sid,
    Effect: "Allow" as const,
    Principal: { AWS: principal },
    Action: actions,
    Resource: "*",
    Condition: conditions,
  });
  const patterns = principalArns.some((arn) => arn.includes("*"));
  if (!patterns && !byCondition) return statement(principalArns, condition);
  // A key policy's Principal takes no wildcards: a pattern of this account's role names is the
  // account principal narrowed to the listed ARNs and patterns. Roles the platform does not
  // create are named the same way (exactly), so a missing or recreated role breaks nothing.
  for (const arn of principalArns) {
    if (!Token.isUnresolved(arn) && accountOf(arn) !== env.accountId) {
      throw new Error(`${sid}: ${arn} is not a role of this account (${env.accountId})`);
    }
  }
  return statement(accountRoot(env.partition, env.accountId), {
    ...condition,
    ...(patterns
      ? { ArnLike: { "aws:PrincipalArn": principalArns } }
      : { ArnEquals: { "aws:PrincipalArn": principalArns } }),
  });
}

/** The actions a key administrator needs to manage (not use) a key through Terraform. */
export const KMS_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** The actions a principal needs to encrypt and decrypt data through an AWS service. */
export const KMS_ENCRYPT_DECRYPT_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey*",
  "kms:ReEncrypt*",
];

/**
 * A key to use: one the platform manages here (grants add to its policy), or a key named by ARN
 * whose policy is managed elsewhere (grants add only to the grantee's own policy; the key's
 * owner must allow the grantee, as the exported KMS key module's `user_arns` does).
 */
export type KeyReference = KmsKey | { readonly keyArn: string };

/** The key when this stack manages its policy; undefined for a key named by ARN (or none). */
export function managedKey(key: KeyReference | undefined): KmsKey | undefined {
  return key instanceof KmsKey ? key : undefined;
}

export const KMS_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"];

export const MIN_DELETION_WINDOW_DAYS = 7;
export const MAX_DELETION_WINDOW_DAYS = 30;

export interface KmsKeyProps {
  /** Full alias name, `alias/<prefix>-<env>-<purpose>`. */
  readonly alias: string;
  /** What the key protects; shown in the console and in plans. */
  readonly description: string;
  /**
   * Principals (role ARNs) that administer the key: the account's Terraform deploy role. They
   * may change the key and its policy but not use it for data.
   */
  readonly administratorArns: string[];
  /**
   * Statements that let principals and AWS services use the key. More can be added with
   * `addToPolicy` or the grant methods.
   * @default no use is allowed until a statement is added
   */
  readonly usageStatements?: PolicyStatement[];
  /**
   * Days between scheduling deletion and the key's destruction (7 to 30).
   * @default 30, the longest window AWS allows
   */
  readonly deletionWindowInDays?: number;
  /**
   * Days between automatic rotations of the key material (90 to 2560).
   * @default 365
   */
  readonly rotationPeriodInDays?: number;
}

/** A use of a key by principals of its account, through AWS services: one key policy statement. */
export interface KeyUseGrant {
  /** The statement's id in the key policy. */
  readonly sid: string;
  /** Role ARNs of the key's account. */
  readonly principals: string[];
  readonly actions: string[];
  /** The services the principals use the key through (`kms:ViaService`). */
  readonly via: AwsService | AwsService[];
  readonly env: AwsEnvironment;
  /**
   * Name the principals by `aws:PrincipalArn` under their account, not as principals: for roles
   * that may not exist when the policy is written.
   * @default false
   */
  readonly byCondition?: boolean;
  /** Only for this bucket's objects (via "s3"): `s3BucketContext`. */
  readonly s3BucketArn?: string;
}

/** A use of a key by one role of another account, through one AWS service. */
export interface OtherAccountKeyUseGrant {
  readonly sid: string;
  readonly roleArn: string;
  readonly actions: string[];
  readonly via: AwsService;
  readonly env: AwsEnvironment;
  readonly s3BucketArn?: string;
}

/**
 * A customer managed KMS key with rotation, the longest deletion window, an alias, an explicit
 * key policy and protection from `terraform destroy`.
 *
 * The key policy does not delegate to IAM (no `arn:aws:iam::<account>:root` statement):
 * administration belongs to the named administrators, and use to the principals and services
 * its statements name, so an IAM policy alone can never open the key to another principal.
 */
export class KmsKey extends Construct {
  readonly key: KmsKeyResource;
  readonly aliasResource: KmsAlias;
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
  /** ARN of the alias; clients may name the key by it. */
  readonly aliasArn: string;
  private readonly policy: ResourcePolicy;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const deletionWindow = props.deletionWindowInDays ?? MAX_DELETION_WINDOW_DAYS;
    if (
      !Token.isUnresolved(deletionWindow) &&
      (deletionWindow < MIN_DELETION_WINDOW_DAYS || deletionWindow > MAX_DELETION_WINDOW_DAYS)
    ) {
      throw new Error(
        `${this.node.path}: deletionWindowInDays is ${deletionWindow}; must be ${MIN_DELETION_WINDOW_DAYS} to ${MAX_DELETION_WINDOW_DAYS}`,
      );
    }
    if (!Token.isUnresolved(props.alias) && !KMS_ALIAS.test(props.alias)) {
      throw new Error(
        `${this.node.path}: alias "${props.alias}" must be "alias/" followed by letters, digits, / _ -`,
      );
    }
    if (props.alias.startsWith("alias/aws/")) {
      throw new Error(`${this.node.path}: alias "${props.alias}" is reserved for AWS managed keys`);
    }
    if (props.administratorArns.length === 0) {
      throw new Error(`${this.node.path}: administratorArns must name at least one principal`);
    }

    this.policy = new ResourcePolicy(this.node.path);
    this.node.addValidation({
      validate: () => [this.policy.sizeProblem(KEY_POLICY_MAX_CHARS, "key policy") ?? []].flat(),
    });
    this.policy.add({
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: props.administratorArns },
      Action: KMS_ADMIN_ACTIONS,
      Resource: "*",
    });
    this.policy.add(...(props.usageStatements ?? []));

    this.key = new KmsKeyResource(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: props.rotationPeriodInDays ?? 365,
      deletionWindowInDays: deletionWindow,
      policy: this.policy.toJsonToken(),
      lifecycle: { preventDestroy: true },
    });
    this.aliasResource = new KmsAlias(this, "alias", {
      name: props.alias,
      targetKeyId: this.key.keyId,
    });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasName = props.alias;
    this.aliasArn = this.aliasResource.arn;
  }

  /**
   * Lets principals use the key only through AWS services of this account (S3, SageMaker, ...):
   * the key policy names them, with `kms:ViaService` and `kms:CallerAccount`. Returns the
   * statement it added.
   */
  grantThroughService(grant: KeyUseGrant): PolicyStatement {
    const statement = throughService(
      grant.sid,
      grant.principals,
      grant.actions,
      grant.via,
      grant.env,
      grant.byCondition,
      grant.s3BucketArn === undefined ? {} : s3BucketContext(grant.s3BucketArn),
    );
    this.addToPolicy(statement);
    return statement;
  }

  /**
   * Lets one role of another account use the key only through one AWS service of this region
   * (S3 for a bucket it may read): the role's account is the principal, narrowed to the exact
   * role by `aws:PrincipalArn` and to calls from that account, so the policy does not depend on
   * the role existing when it is written nor break when the role is recreated. Returns the
   * statement it added.
   */
  grantOtherAccountRoleThroughService(grant: OtherAccountKeyUseGrant): PolicyStatement {
    const { sid, roleArn, actions, via, env } = grant;
    const account = accountOf(roleArn);
    if (
      !Token.isUnresolved(roleArn) &&
      (account === env.accountId || !roleArn.startsWith(`arn:${env.partition}:`))
    ) {
      throw new Error(
        `${sid}: ${roleArn} is not a role of another account in partition ${env.partition}`,
      );
    }
    const statement: PolicyStatement = {
      Sid: sid,
      Effect: "Allow",
      Principal: { AWS: accountRootOf(roleArn) },
      Action: actions,
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": viaService(env, via), "kms:CallerAccount": account },
        ArnEquals: { "aws:PrincipalArn": roleArn },
        ...(grant.s3BucketArn === undefined ? {} : s3BucketContext(grant.s3BucketArn)),
      },
    };
    this.addToPolicy(statement);
    return statement;
  }

  /**
   * Lets principals have AWS services (SageMaker, EC2, EFS) create grants on the key for the
   * resources they make (volumes, file systems), and nothing else with grants. Returns the
   * statement it added.
   */
  grantCreateGrantForAwsResources(
    grant: Omit<KeyUseGrant, "actions" | "byCondition" | "s3BucketArn">,
  ): PolicyStatement {
    const base = throughService(
      grant.sid,
      grant.principals,
      "kms:CreateGrant",
      grant.via,
      grant.env,
    );
    const statement: PolicyStatement = {
      ...base,
      Condition: { ...base.Condition, Bool: { "kms:GrantIsForAWSResource": "true" } },
    };
    this.addToPolicy(statement);
    return statement;
  }

  /** Adds a statement to the key policy. Allowing every principal needs a condition. */
  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  /** Adds a statement that Terraform includes only when `condition` (boolean expression) holds. */
  addToPolicyWhen(condition: unknown, statement: PolicyStatement): void {
    this.policy.addWhen(condition, statement);
  }
}
