import { AccessLogBucket } from "../../modules/storage/access-log-bucket";
import { BucketReplication } from "../../modules/storage/bucket-replication";
import { RegionalScope } from "../../modules/core/regional-scope";
import { KmsKey } from "../../modules/kms/kms-key";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import { BUCKETS, perBucket, type BucketKind } from "../buckets";
import { bucketLifecycle, type BucketConfig } from "../config/schema/buckets";
import { deploymentTargetsOf, targetRoles } from "./cross-account";
import { addDatasetAccess } from "./dataset-access";
import type { AccountNetwork } from "./network";
import { mlflowMode } from "../config/schema/mlflow";
import type {
  DataScienceStack,
  DeploymentTargetStack,
  PlatformStack,
} from "../stacks/platform-stack";

/** A customer managed key of the account, administered by its deploy role. */
function accountKey(stack: PlatformStack, id: string, alias: string, description: string): KmsKey {
  return new KmsKey(stack, id, {
    alias,
    description,
    administratorArns: [stack.names.deployRoleArn],
  });
}

export interface DataScienceData {
  /** Encrypts data and models in S3. */
  readonly dataKey: KmsKey;
  /** Encrypts the Studio home file system and volumes. */
  readonly studioKey: KmsKey;
  /** Every bucket of `BUCKETS`, by kind; the three below are the same, by name. */
  readonly buckets: Record<BucketKind, SecureBucket>;
  readonly dataBucket: SecureBucket;
  readonly modelBucket: SecureBucket;
  readonly mlflowBucket: SecureBucket;
}

/** Keys, buckets, dataset consumers and the DVC remote of the data science account. */
export function addDataScienceData(
  stack: DataScienceStack,
  network: AccountNetwork,
): DataScienceData {
  const names = stack.names;
  const env = names.environment;
  const account = stack.account;
  const accessLogs = { targetBucketName: names.accessLogBucketName };
  const vpcEndpointId = network.vpc.s3GatewayEndpoint.id;

  const dataKey = accountKey(
    stack,
    "data-key",
    names.dataKeyAlias,
    `Encrypts data and models of ${names.stem} in S3`,
  );
  const studioKey = accountKey(
    stack,
    "studio-key",
    names.studioKeyAlias,
    `Encrypts the SageMaker Studio home file system and volumes of ${names.stem}`,
  );

  // Who besides the deploy role may use each bucket from outside this account's S3 endpoint
  // (a bucket kind not named here: nobody).
  const exemptions: Partial<Record<BucketKind, string[]>> = {
    // Deployment targets read models from their own VPCs: their model execution roles (exact
    // ARNs, or the name pattern past EXACT_TARGET_ROLES_MAX; what they may do is the allows').
    models:
      deploymentTargetsOf(stack.config, stack.accountName).length > 0
        ? targetRoles(stack.config, stack.accountName, "model-execution").arns
        : [],
    // Like the data bucket: only through this account's S3 endpoint, so the MLflow bucket is no
    // way around the data bucket's network rule. The managed tracking server reads and writes it
    // from SageMaker's own network as its role: exempt by exact ARN, only in that mode.
    mlflow:
      mlflowMode(account.mlflow) === "managed" ? [names.roleArn(names.mlflowTrackingRoleName)] : [],
  };
  const configs = account.buckets ?? {};
  const buckets = perBucket(
    (kind) =>
      new SecureBucket(stack, BUCKETS[kind].constructId, {
        bucketName: names.platformBucketName(kind),
        encryption: { kmsKey: dataKey },
        environment: env,
        accessLogs,
        lifecycle: bucketLifecycle(configs[kind]),
        vpcEndpointOnly: {
          vpcEndpointId,
          exemptPrincipalArns: [names.deployRoleArn, ...(exemptions[kind] ?? [])],
        },
        objectLock: objectLockOf(configs[kind]),
      }),
  );
  const { data: dataBucket, models: modelBucket, mlflow: mlflowBucket } = buckets;

  addReplicas(
    stack,
    dataKey,
    perBucket((kind) => ({ bucket: buckets[kind], config: configs[kind] })),
  );

  addDatasetAccess(stack, { data: dataBucket, models: modelBucket });

  const dvcUrl = `s3://${names.dataBucketName}/dvc`;
  stack.addOutputs({
    bucket_names: {
      value: perBucket((kind) => buckets[kind].bucketName),
      description: "The account's buckets by purpose",
    },
    bucket_arns: {
      value: perBucket((kind) => buckets[kind].bucketArn),
      description: "ARNs of the account's buckets by purpose",
    },
    key_arns: {
      value: { data: dataKey.keyArn, studio: studioKey.keyArn },
      description: "KMS keys by data class",
    },
    key_aliases: {
      value: { data: dataKey.aliasName, studio: studioKey.aliasName },
      description: "Aliases of the KMS keys by data class",
    },
    dvc_remote_url: { value: dvcUrl, description: "DVC remote in the data bucket" },
    dvc_remote_commands: {
      value: [
        `dvc remote add -d platform ${dvcUrl}`,
        `dvc remote modify platform region ${names.region}`,
      ].join("\n"),
      description:
        "Commands that point a DVC project at the platform's data bucket; DVC must run inside the VPC (Studio, jobs): the bucket refuses requests from outside its S3 endpoint",
    },
  });
  return { dataKey, studioKey, buckets, dataBucket, modelBucket, mlflowBucket };
}

type ReplicableConfig = BucketConfig & { replicaRegion?: string; objectLockRetentionDays?: number };

/** Object Lock from a bucket's config, for a bucket kind whose config takes a retention. */
function objectLockOf(config: ReplicableConfig | undefined): { retentionDays: number } | undefined {
  const days = config?.objectLockRetentionDays;
  return days === undefined ? undefined : { retentionDays: days };
}

/**
 * Copies of the buckets whose config names a replica region: in each such region a key under
 * the same alias, an access-log bucket, and replicas with the source's protections (including
 * the VPC-endpoint rule, which there leaves only the deploy and replication roles).
 */
function addReplicas(
  stack: PlatformStack,
  dataKey: KmsKey,
  sources: Record<string, { bucket: SecureBucket; config: ReplicableConfig | undefined }>,
): void {
  const names = stack.names;
  const regions = new Map<string, { scope: RegionalScope; key: KmsKey; logs: AccessLogBucket }>();
  for (const [purpose, { bucket, config }] of Object.entries(sources)) {
    const region = config?.replicaRegion;
    if (region === undefined) continue;
    let regional = regions.get(region);
    if (regional === undefined) {
      const scope = new RegionalScope(stack, `replica-${region}`, stack.providerFor(region));
      const env = { ...names.environment, region };
      regional = {
        scope,
        key: new KmsKey(scope, "data-key", {
          alias: dataKey.aliasName,
          description: `Encrypts replicas of ${names.stem} data and models in ${region}`,
          administratorArns: [names.deployRoleArn],
        }),
        logs: new AccessLogBucket(scope, "access-logs", {
          bucketName: names.bucketName("access-logs", region),
          environment: env,
          sourceBucketArnPatterns: [`arn:${names.partition}:s3:::${names.stem}-*`],
        }),
      };
      regions.set(region, regional);
    }
    const lock = objectLockOf(config);
    const replica = new SecureBucket(regional.scope, `${purpose}-bucket`, {
      bucketName: names.bucketName(purpose, region),
      encryption: { kmsKey: regional.key },
      environment: { ...names.environment, region },
      accessLogs: { targetBucketName: regional.logs.bucketName },
      lifecycle: bucketLifecycle(config),
      // No VPC endpoint reaches another region: only the exempt roles can use the replica.
      vpcEndpointOnly: { exemptPrincipalArns: [names.deployRoleArn] },
      objectLock: lock,
    });
    new BucketReplication(stack, `${purpose}-replication`, {
      source: bucket,
      replica,
      roleName: names.replicationRoleName(purpose),
      environment: names.environment,
      replicaRegion: region,
      objectLock: lock !== undefined,
    });
  }
}

export interface DeploymentTargetData {
  /** Encrypts model endpoint volumes. */
  readonly endpointKey: KmsKey;
}

/** Keys of a deployment target account. */
export function addDeploymentTargetData(stack: DeploymentTargetStack): DeploymentTargetData {
  const names = stack.names;
  const endpointKey = accountKey(
    stack,
    "endpoint-key",
    names.endpointKeyAlias,
    `Encrypts the SageMaker endpoint volumes of ${names.stem}`,
  );
  stack.addOutputs({
    key_arns: { value: { endpoint: endpointKey.keyArn }, description: "KMS keys by data class" },
    key_aliases: {
      value: { endpoint: endpointKey.aliasName },
      description: "Aliases of the KMS keys by data class",
    },
  });
  return { endpointKey };
}
