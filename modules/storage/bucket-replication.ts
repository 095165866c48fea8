import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct } from "constructs";
import { viaService, type AwsEnvironment } from "../core/aws-environment";
import { IamRole } from "../iam/iam-role";
import { managedKey } from "../kms/kms-key";
import type { SecureBucket } from "./secure-bucket";
import { serviceTrust } from "../iam/service-trust";

export interface BucketReplicationProps {
  /** The bucket to copy; SSE-KMS. */
  readonly source: SecureBucket;
  /** The copy, made with the same protections in another region; SSE-KMS. */
  readonly replica: SecureBucket;
  /** Name of the role S3 uses to replicate. */
  readonly roleName: string;
  /** Environment of the source bucket. */
  readonly environment: AwsEnvironment;
  readonly replicaRegion: string;
  /** Source objects are under Object Lock: their retention and legal holds replicate too. */
  readonly objectLock?: boolean;
}

/**
 * Cross-region replication of every object version, delete marker and tag of a bucket into a
 * replica bucket, through a role that S3 of this account alone may assume and that may only
 * read the source, write the replica, decrypt with the source key and encrypt with the replica
 * key (both through S3 only). The two keys name the role in their policies, and the source's
 * VPC-endpoint rule exempts it: S3 replicates from outside any VPC.
 */
export class BucketReplication extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const { source, replica, environment: env } = props;
    const sourceKey = managedKey(source.kmsKey);
    const replicaKey = managedKey(replica.kmsKey);
    if (sourceKey === undefined || replicaKey === undefined) {
      throw new Error(
        `${this.node.path}: source and replica must both be encrypted with a KMS key managed in this stack`,
      );
    }
    const replicaEnv = { ...env, region: props.replicaRegion };

    this.role = new IamRole(this, "role", {
      roleName: props.roleName,
      description: `Lets S3 replicate ${source.node.id} to ${props.replicaRegion}`,
      trustStatements: [
        serviceTrust(env, { sid: "S3OfThisAccount", services: "s3.amazonaws.com" }),
      ],
    });
    this.role.addToPolicy({
      Sid: "ReadTheSourceBucket",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: source.bucketArn,
    });
    this.role.addToPolicy({
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionTagging",
        ...(props.objectLock ? ["s3:GetObjectLegalHold", "s3:GetObjectRetention"] : []),
      ],
      Resource: `${source.bucketArn}/*`,
    });
    this.role.addToPolicy({
      Sid: "WriteTheReplica",
      Effect: "Allow",
      Action: ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: `${replica.bucketArn}/*`,
    });
    // With the S3 bucket key on, the encryption context is the bucket ARN.
    this.role.addToPolicy({
      Sid: "DecryptWithTheSourceKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: sourceKey.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": viaService(env, "s3") },
        StringLike: {
          "kms:EncryptionContext:aws:s3:arn": [source.bucketArn, `${source.bucketArn}/*`],
        },
      },
    });
    this.role.addToPolicy({
      Sid: "EncryptWithTheReplicaKey",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: replicaKey.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": viaService(replicaEnv, "s3") },
        StringLike: {
          "kms:EncryptionContext:aws:s3:arn": [replica.bucketArn, `${replica.bucketArn}/*`],
        },
      },
    });
    sourceKey.grantThroughService({
      sid: `${source.grantLabel}Replication`,
      principals: [this.role.principalArn],
      actions: ["kms:Decrypt"],
      via: "s3",
      env,
    });
    replicaKey.grantThroughService({
      sid: `${source.grantLabel}Replica`,
      principals: [this.role.principalArn],
      actions: ["kms:Encrypt", "kms:GenerateDataKey"],
      via: "s3",
      env: replicaEnv,
    });
    source.addVpcEndpointExemption(this.role.principalArn);
    replica.addVpcEndpointExemption(this.role.principalArn);

    new S3BucketReplicationConfigurationA(this, "configuration", {
      bucket: source.bucket.id,
      role: this.role.roleArn,
      rule: [
        {
          id: "replicate-everything",
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: replica.bucketArn,
            encryptionConfiguration: { replicaKmsKeyId: replicaKey.keyArn },
          },
        },
      ],
      dependsOn: [source.versioning, replica.versioning],
    });
  }
}
