import { Fn, Token } from "../core/cdktf";

/**
 * The interface endpoints the platform knows, why each is there, and which AWS-owned S3
 * buckets the workloads behind it need through the S3 gateway endpoint.
 *
 * A VPC without an internet route reaches AWS only through endpoints; each one listed here is
 * there because a platform workload calls that service. The list per account is configurable
 * (`vpc.interfaceEndpoints`); these are the ids it accepts.
 */

export interface AwsOwnedBucket {
  /** Bucket name, with `{region}` for the region. */
  readonly name: string;
  /** Why a workload reads it. */
  readonly why: string;
}

export interface InterfaceEndpointService {
  /** Why the platform needs it. */
  readonly why: string;
  /**
   * Service name template: `{prefix}` is the partition's reversed DNS suffix
   * (`com.amazonaws`), `{region}` the region.
   * @default `{prefix}.{region}.<id>`
   */
  readonly serviceName?: string;
  /** AWS-owned buckets that clients of this service read through the S3 gateway endpoint. */
  readonly awsOwnedBuckets?: readonly AwsOwnedBucket[];
}

const SSM_AGENT_BUCKETS: readonly AwsOwnedBucket[] = [
  { name: "aws-ssm-{region}", why: "SSM documents' artifacts (Run Command, Session Manager)" },
  { name: "amazon-ssm-{region}", why: "SSM Agent updates" },
  { name: "amazon-ssm-packages-{region}", why: "SSM packages (CloudWatch agent)" },
  { name: "{region}-birdwatcher-prod", why: "SSM Distributor packages" },
  { name: "aws-ssm-distributor-file-{region}", why: "SSM Distributor files" },
  { name: "aws-ssm-document-attachments-{region}", why: "SSM document attachments" },
  { name: "patch-baseline-snapshot-{region}", why: "Patch Manager baselines" },
  { name: "al2023-repos-{region}-de612dc2", why: "Amazon Linux 2023 package repositories (dnf)" },
];

export const INTERFACE_ENDPOINT_CATALOGUE = {
  "sagemaker.api": {
    why: "SageMaker API: create and describe training, processing and pipeline jobs, models and endpoints",
  },
  "sagemaker.runtime": { why: "SageMaker Runtime: invoke model endpoints" },
  "sagemaker.studio": {
    why: "SageMaker Studio web application (VpcOnly domains reach Studio through it)",
    serviceName: "aws.sagemaker.{region}.studio",
    awsOwnedBuckets: [
      { name: "jumpstart-cache-prod-{region}", why: "SageMaker JumpStart models and notebooks" },
    ],
  },
  "sagemaker.notebook": {
    why: "SageMaker notebook and Studio JupyterServer applications",
    serviceName: "aws.sagemaker.{region}.notebook",
  },
  "sagemaker.experiments": {
    why: "SageMaker managed MLflow: the tracking API of managed tracking servers (mlflow mode managed)",
    // AWS's guide "Connecting to an MLflow tracking server through an interface VPC endpoint".
    serviceName: "aws.sagemaker.{region}.experiments",
  },
  sts: { why: "STS: jobs and apps assume roles and get caller identity" },
  logs: { why: "CloudWatch Logs: training, processing and endpoint containers write logs" },
  monitoring: { why: "CloudWatch metrics from jobs, endpoints and the CloudWatch agent" },
  ssm: {
    why: "Systems Manager: Session Manager replaces SSH to instances (MLflow server)",
    awsOwnedBuckets: SSM_AGENT_BUCKETS,
  },
  ssmmessages: { why: "Session Manager data channel (port forwarding, shell)" },
  ec2messages: { why: "SSM Agent command channel" },
  kms: { why: "KMS: decrypt and generate data keys for encrypted data, volumes and logs" },
  "ecr.api": { why: "ECR API: authenticate and resolve training and inference images" },
  "ecr.dkr": {
    why: "ECR Docker registry: pull training and inference images",
    awsOwnedBuckets: [
      { name: "prod-{region}-starport-layer-bucket", why: "ECR image layers (every image pull)" },
    ],
  },
  servicecatalog: { why: "Service Catalog: SageMaker projects provision MLOps templates" },
  secretsmanager: { why: "Secrets Manager: the MLflow database secret and Git credentials" },
  "codeartifact.api": {
    why: "CodeArtifact API: the token pip and uv use for the platform's package repository (packages.codeArtifact)",
  },
  "codeartifact.repositories": {
    // Private DNS is required for the repository endpoint names clients use (AWS's guide).
    why: "CodeArtifact repositories: pip and uv install packages from the platform's repository (packages.codeArtifact)",
  },
} as const satisfies Record<string, InterfaceEndpointService>;

export type InterfaceEndpointId = keyof typeof INTERFACE_ENDPOINT_CATALOGUE;

export const INTERFACE_ENDPOINT_IDS = Object.keys(
  INTERFACE_ENDPOINT_CATALOGUE,
) as InterfaceEndpointId[];

/**
 * The platform features that need interface endpoints, each with the endpoints it calls: an
 * account gets the endpoints of the features it has (`endpointsOfFeatures`), so turning a
 * feature off removes exactly the endpoints no other feature of the account needs.
 */
export const ENDPOINT_FEATURES = {
  studio: {
    why: "SageMaker Studio: the web app, JupyterLab and its kernels (invoking endpoints to test, Git credentials)",
    endpoints: [
      "sagemaker.api",
      "sagemaker.studio",
      "sagemaker.notebook",
      "sagemaker.runtime",
      "sts",
      "kms",
      "secretsmanager",
    ],
  },
  jobs: {
    why: "training, processing and pipeline jobs: their containers, logs and metrics",
    endpoints: ["sagemaker.api", "sts", "logs", "monitoring", "kms", "ecr.api", "ecr.dkr"],
  },
  hosting: {
    why: "model endpoints of a deployment target: images, logs, metrics, invocations",
    endpoints: [
      "sagemaker.api",
      "sagemaker.runtime",
      "sts",
      "logs",
      "monitoring",
      "kms",
      "ecr.api",
      "ecr.dkr",
    ],
  },
  projects: {
    why: "SageMaker projects (sagemaker.projects): MLOps templates from Service Catalog",
    endpoints: ["servicecatalog"],
  },
  "mlflow-server": {
    why: "the self-hosted MLflow server (mlflow mode ec2): its database secret, Session Manager, logs",
    endpoints: ["secretsmanager", "ssm", "ssmmessages", "ec2messages", "logs"],
  },
  "managed-mlflow": {
    why: "SageMaker's managed MLflow tracking server (mlflow mode managed)",
    endpoints: ["sagemaker.experiments", "sagemaker.api"],
  },
  packages: {
    why: "the private Python package path (packages.codeArtifact): token, then packages",
    endpoints: ["codeartifact.api", "codeartifact.repositories"],
  },
} as const satisfies Record<
  string,
  { readonly why: string; readonly endpoints: readonly InterfaceEndpointId[] }
>;

export type EndpointFeature = keyof typeof ENDPOINT_FEATURES;

/** Every endpoint the features need, each once, in catalogue order. */
export function endpointsOfFeatures(features: readonly EndpointFeature[]): InterfaceEndpointId[] {
  const needed = new Set<InterfaceEndpointId>(
    features.flatMap((f) => ENDPOINT_FEATURES[f].endpoints),
  );
  return INTERFACE_ENDPOINT_IDS.filter((id) => needed.has(id));
}

/** The features (of those given) that need an endpoint. */
export function featuresNeeding(
  endpoint: InterfaceEndpointId,
  features: readonly EndpointFeature[],
): EndpointFeature[] {
  return features.filter((f) =>
    (ENDPOINT_FEATURES[f].endpoints as readonly string[]).includes(endpoint),
  );
}

/** What clients of the platform's package repository need (token, then packages). */
export const PACKAGE_REPOSITORY_ENDPOINTS: readonly InterfaceEndpointId[] =
  ENDPOINT_FEATURES.packages.endpoints;

/** What the data science account needs with every feature but managed MLflow and packages. */
export const DATA_SCIENCE_ENDPOINTS: readonly InterfaceEndpointId[] = endpointsOfFeatures([
  "studio",
  "jobs",
  "projects",
  "mlflow-server",
]);

/** What clients of SageMaker's managed MLflow tracking server need (its API and SageMaker's). */
export const MANAGED_MLFLOW_ENDPOINTS: readonly InterfaceEndpointId[] =
  ENDPOINT_FEATURES["managed-mlflow"].endpoints;

/** What hosting a model needs. */
export const DEPLOYMENT_TARGET_ENDPOINTS: readonly InterfaceEndpointId[] =
  ENDPOINT_FEATURES.hosting.endpoints;

/** What the MLflow server needs to reach AWS without the internet. */
export const MLFLOW_SERVER_ENDPOINTS: readonly InterfaceEndpointId[] =
  ENDPOINT_FEATURES["mlflow-server"].endpoints;

/** `com.amazonaws` for `amazonaws.com`, `cn.com.amazonaws` for `amazonaws.com.cn`. */
export function serviceNamePrefix(dnsSuffix: string): string {
  if (Token.isUnresolved(dnsSuffix)) {
    return Fn.join(".", Fn.reverse(Fn.split(".", dnsSuffix)));
  }
  return dnsSuffix.split(".").reverse().join(".");
}

export function interfaceServiceName(
  id: InterfaceEndpointId,
  region: string,
  dnsSuffix: string,
): string {
  const entry: InterfaceEndpointService = INTERFACE_ENDPOINT_CATALOGUE[id];
  const template = entry.serviceName ?? `{prefix}.{region}.${id}`;
  return template.replace("{prefix}", serviceNamePrefix(dnsSuffix)).replace("{region}", region);
}

/** The AWS-owned buckets the given endpoints' clients need, with their reasons. */
export function awsOwnedBucketsFor(
  ids: readonly InterfaceEndpointId[],
  region: string,
): { name: string; why: string }[] {
  return ids.flatMap((id) =>
    ((INTERFACE_ENDPOINT_CATALOGUE[id] as InterfaceEndpointService).awsOwnedBuckets ?? []).map(
      (b) => ({
        name: b.name.replace("{region}", region),
        why: b.why,
      }),
    ),
  );
}
