import { AccountNames, bucketNameProblem, namingInput } from "../../naming";
import { isKnownRegion, regionPartition } from "../regions";
import { datasetConsumerArn } from "../schema/buckets";
import type { ConfigIssues, PlatformConfig } from "../schema/platform";

export function checkDatasetAccess(config: PlatformConfig, ctx: ConfigIssues): void {
  const partition = isKnownRegion(config.region)
    ? regionPartition(config.region).partition
    : undefined;
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const seen = new Map<string, number>();
    (account.datasetAccess ?? []).forEach((grant, i) => {
      const path = ["accounts", name, "datasetAccess", i];
      // Role names are case-insensitive in IAM: one role, whatever the spelling.
      const arn = datasetConsumerArn(grant.principal, partition ?? "aws", account.accountId);
      const key = `${arn.toLowerCase()} ${grant.bucket}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `grants ${grant.principal} the ${grant.bucket} bucket again (see datasetAccess[${first}]); list all its prefixes in one entry`,
        });
      }
      seen.set(key, i);
      for (const field of ["vpcEndpointIds", "vpcIds"] as const) {
        const ids = grant.from?.[field] ?? [];
        const repeated = ids.find((id, j) => ids.indexOf(id) !== j);
        if (repeated !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "from", field],
            message: `lists ${repeated} twice; list each id once`,
          });
        }
      }
      if (grant.from !== undefined && !grant.from.vpcEndpointIds && !grant.from.vpcIds) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "from"],
          message: "needs vpcEndpointIds or vpcIds: where the consumer's requests come from",
        });
      }
      // Writes overlapping the model artifacts prefix would put a consumer on the promotion path.
      const artifacts = account.sagemaker.modelArtifactsPrefix;
      if (grant.bucket === "models" && grant.access === "read-write") {
        if (grant.prefixes === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "prefixes"],
            message: `are required for read-write access to the models bucket: the whole bucket includes the model artifacts prefix "${artifacts}" (sagemaker.modelArtifactsPrefix), where only training and the approver write`,
          });
        }
        (grant.prefixes ?? []).forEach((prefix, p) => {
          if (prefix.startsWith(artifacts) || artifacts.startsWith(prefix)) {
            ctx.addIssue({
              code: "custom",
              path: [...path, "prefixes", p],
              input: prefix,
              message: `overlaps the model artifacts prefix "${artifacts}" (sagemaker.modelArtifactsPrefix): only training and the approver write there; grant read-write elsewhere in the bucket, or read-only`,
            });
          }
        });
      }
      const match = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(grant.principal);
      if (match === null) return;
      if (partition !== undefined && match[1] !== partition) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "principal"],
          input: grant.principal,
          message: `must be a role in the platform's partition (arn:${partition}:iam::...)`,
        });
      } else if (match[2] !== account.accountId && grant.from === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "from"],
          message: `is required for ${grant.principal}, a role of another account: list the S3 VPC endpoints or VPCs its requests come from (this account's endpoint is not in its network)`,
        });
      }
    });
  }
}

export function checkReplicas(config: PlatformConfig, ctx: ConfigIssues): void {
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
