import { S3_PREFIX } from "../core/patterns";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { Token } from "../core/cdktf";
import { accountOf, sid, type AwsEnvironment } from "../core/aws-environment";
import { BUCKET_POLICY_MAX_CHARS, ResourcePolicy, type PolicyStatement } from "../iam/iam-policy";
import { suppressRule } from "../rules/suppress";
import type { Grantee } from "../iam/iam-role";
import {
  KMS_DECRYPT_ACTIONS,
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  managedKey,
  type KeyReference,
} from "../kms/kms-key";
import { bucketGrantStatements, type BucketAccess, type BucketTarget } from "./bucket-grants";
import {
  networkOriginDeny,
  otherAccountBucketStatements,
  type NetworkOrigin,
} from "./bucket-consumers";
import { lifecycleRules, type BucketLifecycleProps } from "./bucket-lifecycle";
import { AWS_LIMITS } from "../core/limits";

/**
 * How objects are encrypted: SSE-KMS with a customer managed key (and the S3 bucket key), or,
 * only where AWS supports nothing else, S3-managed keys with the reason written down.
 */
export type BucketEncryption =
  | { readonly kmsKey: KeyReference }
  | {
      /** Why this bucket cannot use a customer managed key (S3 server access log delivery). */
      readonly s3ManagedReason: string;
    };

/** Where the bucket's server access logs go, or why it has none. */
export type BucketAccessLogs =
  | { readonly targetBucketName: string; readonly prefix?: string }
  | { readonly disabledReason: string };

/** Requests must come through one S3 VPC endpoint. */
export interface VpcEndpointOnly {
  /**
   * The endpoint. Omit it for a bucket no endpoint reaches (a replica in another region): then
   * only the exempt roles and AWS services may use the bucket.
   */
  readonly vpcEndpointId?: string;
  /**
   * Roles that may reach the bucket from elsewhere: the Terraform deploy role, cross-account
   * readers in their own VPCs. Named by exact role ARN (`aws:PrincipalArn`).
   */
  readonly exemptPrincipalArns: string[];
  /**
   * A boolean Terraform expression: the rule applies only when it holds (an exported module's
   * optional `vpc_endpoint_id`).
   * @default always
   */
  readonly when?: unknown;
}

export interface SecureBucketProps {
  /** Globally unique bucket name (3 to 63 characters). */
  readonly bucketName: string;
  readonly encryption: BucketEncryption;
  readonly environment: AwsEnvironment;
  /** Server access logging: a target bucket, or the reason there is none. */
  readonly accessLogs: BucketAccessLogs;
  /** @default see BucketLifecycleProps */
  readonly lifecycle?: BucketLifecycleProps;
  /**
   * Deny requests that do not come through this VPC endpoint, except the exempt roles and
   * calls AWS services make on a principal's behalf (`aws:ViaAWSService`).
   * @default requests from anywhere IAM allows
   */
  readonly vpcEndpointOnly?: VpcEndpointOnly;
  /**
   * S3 Object Lock in GOVERNANCE mode with a default retention: objects cannot be deleted or
   * overwritten before it ends except by principals allowed to bypass governance retention.
   * Turning it on for an existing bucket replaces the bucket, which protection from destroy
   * refuses: decide when the bucket is created.
   * @default no Object Lock
   */
  readonly objectLock?: { readonly retentionDays: number };
}

/**
 * What a grant did, as a value: the grantee's identity statements and the resource policies'
 * statements (the bucket's, the key's) that together let it in. A role the platform writes
 * policies for gets its identity statements attached (`identityAttached`); a role of another
 * account gets them returned, for its own account to attach.
 */
export interface Grant {
  /** The grantee's role ARN. */
  readonly principalArn: string;
  readonly identityStatements: PolicyStatement[];
  readonly identityAttached: boolean;
  readonly resourceStatements: PolicyStatement[];
}

/**
 * An S3 bucket with every protection on by default: SSE-KMS with a customer managed key and the
 * bucket key, versioning, all four public access block settings, BucketOwnerEnforced (ACLs
 * off), no force_destroy, protected from `terraform destroy`, a policy that denies requests
 * without TLS 1.2 and uploads asking for another encryption or key, and lifecycle rules.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The key of SSE-KMS buckets; undefined for S3-managed encryption. */
  readonly kmsKey?: KeyReference;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** The bucket policy: what a service that checks it on create (CloudTrail) depends on. */
  readonly bucketPolicy: S3BucketPolicy;
  private readonly policy: ResourcePolicy;
  private readonly env: AwsEnvironment;
  readonly versioning: S3BucketVersioningA;
  /** Letters and digits naming this bucket in statement ids. */
  readonly grantLabel: string;
  /** Roles exempt from the VPC-endpoint rule; more can be added until synthesis. */
  private readonly vpcEndpointExemptions: string[] = [];
  private readonly vpcEndpointRule: boolean;
  /**
   * The bucket's ARN from its name, for key policies: no reference to the bucket resource, so a
   * key never waits for (or cycles with) the buckets it serves.
   */
  readonly arnByName: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.env = props.environment;
    this.grantLabel = sid(id);
    this.arnByName = `arn:${props.environment.partition}:s3:::${props.bucketName}`;
    if ("kmsKey" in props.encryption) {
      this.kmsKey = props.encryption.kmsKey;
    } else if (props.encryption.s3ManagedReason.trim().length < 10) {
      throw new Error(`${this.node.path}: s3ManagedReason must say why (at least 10 characters)`);
    }
    if (
      "disabledReason" in props.accessLogs &&
      props.accessLogs.disabledReason.trim().length < 10
    ) {
      throw new Error(
        `${this.node.path}: accessLogs.disabledReason must say why (at least 10 characters)`,
      );
    }
    const lockDays = props.objectLock?.retentionDays;
    if (
      lockDays !== undefined &&
      !Token.isUnresolved(lockDays) &&
      (!Number.isInteger(lockDays) ||
        lockDays < AWS_LIMITS.s3.objectLockRetentionDays.min ||
        lockDays > AWS_LIMITS.s3.objectLockRetentionDays.max)
    ) {
      const { min, max } = AWS_LIMITS.s3.objectLockRetentionDays;
      throw new Error(
        `${this.node.path}: objectLock.retentionDays is ${lockDays}; must be a whole number from ${min} to ${max}`,
      );
    }

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock !== undefined ? true : undefined,
      lifecycle: { preventDestroy: true },
    });
    this.bucketName = this.bucket.bucket;
    // The reasons this construct demands for its two exceptions are what reviewers read.
    if ("s3ManagedReason" in props.encryption) {
      suppressRule(this.bucket, "S3.KmsEncryption", props.encryption.s3ManagedReason);
    }
    if ("disabledReason" in props.accessLogs) {
      suppressRule(this.bucket, "S3.AccessLogging", props.accessLogs.disabledReason);
    }
    this.bucketArn = this.bucket.arn;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    this.versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        this.kmsKey
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: this.kmsKey.keyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    if ("targetBucketName" in props.accessLogs) {
      new S3BucketLoggingA(this, "access-logs", {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.targetBucketName,
        targetPrefix: props.accessLogs.prefix ?? `${props.bucketName}/`,
      });
    }
    if (props.objectLock !== undefined) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: "GOVERNANCE", days: props.objectLock.retentionDays } },
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: lifecycleRules(this.node.path, props.lifecycle ?? {}),
    });

    this.policy = new ResourcePolicy(this.node.path);
    this.node.addValidation({
      validate: () =>
        [this.policy.sizeProblem(BUCKET_POLICY_MAX_CHARS, "bucket policy") ?? []].flat(),
    });
    this.policy.add(...this.baselineStatements());
    this.vpcEndpointRule = props.vpcEndpointOnly !== undefined;
    if (props.vpcEndpointOnly !== undefined) {
      this.vpcEndpointExemptions.push(...props.vpcEndpointOnly.exemptPrincipalArns);
      const deny = this.vpcEndpointDeny(props.vpcEndpointOnly.vpcEndpointId);
      if (props.vpcEndpointOnly.when === undefined) this.policy.add(deny);
      else this.policy.addWhen(props.vpcEndpointOnly.when, deny);
    }
    this.bucketPolicy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: this.policy.toJsonToken(),
      // S3 rejects a policy change that races the public access block change.
      dependsOn: [this.publicAccessBlock],
    });
  }

  /** Adds a statement to the bucket policy. Allowing every principal needs a condition. */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  private baselineStatements(): PolicyStatement[] {
    const bucketAndObjects = [this.bucketArn, `${this.bucketArn}/*`];
    const objects = `${this.bucketArn}/*`;
    const algorithm = this.kmsKey ? "aws:kms" : "AES256";
    const statements: PolicyStatement[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: bucketAndObjects,
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
      {
        // A request without encryption headers gets the bucket default (SSE-KMS with the key).
        Sid: "DenyOtherEncryption",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption": algorithm },
          Null: { "s3:x-amz-server-side-encryption": "false" },
        },
      },
      {
        Sid: "DenyCustomerProvidedKeys",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" },
        },
      },
    ];
    if (this.kmsKey) {
      // Clients may name the bucket's key by key ARN or alias ARN; any other key is refused.
      const alias = managedKey(this.kmsKey)?.aliasArn;
      statements.push({
        Sid: "DenyOtherKmsKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          StringNotEquals: {
            "s3:x-amz-server-side-encryption-aws-kms-key-id":
              alias === undefined ? this.kmsKey.keyArn : [this.kmsKey.keyArn, alias],
          },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
      });
    }
    return statements;
  }

  /** Lets one more role reach the bucket from outside the VPC endpoint (by exact role ARN). */
  addVpcEndpointExemption(principalArn: string): void {
    if (!this.vpcEndpointRule) return;
    if (Token.isUnresolved(this.vpcEndpointExemptions)) {
      // The exemptions are one list variable (an exported module's input); Terraform owns it.
      throw new Error(
        `${this.node.path}: the VPC endpoint exemptions are a Terraform variable; add ${principalArn} to it instead`,
      );
    }
    this.vpcEndpointExemptions.push(principalArn);
  }

  private vpcEndpointDeny(vpcEndpointId: string | undefined): PolicyStatement {
    return {
      Sid: vpcEndpointId === undefined ? "DenyAllButTheExemptRoles" : "DenyOutsideTheVpcEndpoint",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [this.bucketArn, `${this.bucketArn}/*`],
      Condition: {
        ...(vpcEndpointId === undefined
          ? {}
          : { StringNotEquals: { "aws:SourceVpce": vpcEndpointId } }),
        // The same array: exemptions added later are in the rendered policy.
        ArnNotEquals: { "aws:PrincipalArn": this.vpcEndpointExemptions },
        // Calls an AWS service makes on a principal's behalf (forward access sessions).
        BoolIfExists: { "aws:ViaAWSService": "false" },
      },
    };
  }

  /** Read access to the bucket, or to objects under `prefixes`, and decrypt with its key. */
  grantRead(grantee: Grantee, prefixes?: string[]): Grant {
    return this.grant(grantee, "read-only", prefixes);
  }

  /** Read and write access to the bucket, or to objects under `prefixes`, and its key. */
  grantReadWrite(grantee: Grantee, prefixes?: string[]): Grant {
    return this.grant(grantee, "read-write", prefixes);
  }

  /**
   * Adds to the grantee's policy what `bucketGrantStatements` describes; the key policy names
   * the grantee too (when this stack manages the key), since it does not delegate to IAM.
   */
  grant(grantee: Grantee, access: BucketAccess, prefixes?: string[]): Grant {
    const label = this.accessLabel(access, prefixes);
    const identityStatements = bucketGrantStatements(this.target(), label, access, prefixes);
    for (const statement of identityStatements) grantee.addToPrincipalPolicy(statement);
    const keyStatement = managedKey(this.kmsKey)?.grantThroughService({
      sid: `${label}${grantee.grantLabel}`,
      principals: [grantee.principalArn],
      actions: access === "read-only" ? KMS_DECRYPT_ACTIONS : KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: "s3",
      env: this.env,
      byCondition: grantee.namedByCondition,
      s3BucketArn: this.arnByName,
    });
    return {
      principalArn: grantee.principalArn,
      identityStatements,
      identityAttached: true,
      resourceStatements: keyStatement === undefined ? [] : [keyStatement],
    };
  }

  /**
   * Lets a role of another account use the bucket as `grant` would: the bucket policy allows it
   * and the key policy lets it use the key through S3 (each by the role's account principal and
   * its exact ARN, `otherAccountBucketStatements`). The grant's identity statements are the ones
   * the role's own account must attach to it (`identityAttached` false); cross-account access
   * needs both sides. `roleLabel` names the role in statement ids (unique among the bucket's
   * consumers).
   */
  grantOtherAccountRole(
    roleArn: string,
    roleLabel: string,
    access: BucketAccess,
    prefixes?: string[],
  ): Grant {
    const label = this.accessLabel(access, prefixes);
    if (!Token.isUnresolved(roleArn) && accountOf(roleArn) === this.env.accountId) {
      throw new Error(`${this.node.path}: ${roleArn} is a role of this account; use grant()`);
    }
    const bucketStatements = otherAccountBucketStatements(
      this.target(),
      `${label}${roleLabel}`,
      access,
      roleArn,
      prefixes,
    );
    this.policy.add(...bucketStatements);
    const keyStatement = managedKey(this.kmsKey)?.grantOtherAccountRoleThroughService({
      sid: `${label}${roleLabel}`,
      roleArn,
      actions: access === "read-only" ? KMS_DECRYPT_ACTIONS : KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: "s3",
      env: this.env,
      s3BucketArn: this.arnByName,
    });
    return {
      principalArn: roleArn,
      identityStatements: bucketGrantStatements(this.target(), label, access, prefixes),
      identityAttached: false,
      resourceStatements: [
        ...bucketStatements,
        ...(keyStatement === undefined ? [] : [keyStatement]),
      ],
    };
  }

  /**
   * Requests of the role must come from its own network origin (its VPC endpoints or VPCs)
   * instead of the bucket's VPC endpoint: the role is exempt from the VPC-endpoint rule and
   * denied everything from anywhere else (`networkOriginDeny`).
   */
  restrictToNetworkOrigin(roleArn: string, roleLabel: string, origin: NetworkOrigin): void {
    this.addVpcEndpointExemption(roleArn);
    this.policy.add(
      networkOriginDeny(this.bucketArn, `${this.grantLabel}${roleLabel}`, roleArn, origin),
    );
  }

  private target(): BucketTarget {
    return { bucketArn: this.bucketArn, keyArn: this.kmsKey?.keyArn, environment: this.env };
  }

  /** Checks the prefixes and names the grant in statement ids. */
  private accessLabel(access: BucketAccess, prefixes: string[] | undefined): string {
    for (const prefix of prefixes ?? []) {
      if (!Token.isUnresolved(prefix) && !S3_PREFIX.test(prefix)) {
        throw new Error(
          `${this.node.path}: prefix "${prefix}" must be path segments each ending in "/", such as "datasets/", without "*" (a policy would read it as a wildcard)`,
        );
      }
    }
    return `${this.grantLabel}${access === "read-only" ? "Read" : "ReadWrite"}`;
  }
}
