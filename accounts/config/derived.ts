/**
 * What the config implies that several places need (the cross-field checks and the stacks):
 * whether an account's VPC has NAT egress, whether it gets the package path, which interface
 * endpoints it gets.
 */
import {
  ENDPOINT_FEATURES,
  endpointsOfFeatures,
  featuresNeeding,
  type EndpointFeature,
  type InterfaceEndpointId,
} from "../../modules/network/vpc-endpoint-catalogue";
import { mlflowMode } from "./schema/mlflow";
import type { AccountConfig } from "./schema/platform";

/**
 * The features of an account that need interface endpoints: Studio and jobs in the data science
 * account, with SageMaker projects, the MLflow server of its mode and the package path when it
 * has them; model hosting in a deployment target.
 */
export function accountEndpointFeatures(account: AccountConfig): EndpointFeature[] {
  if (account.type !== "data-science") return ["hosting"];
  const byMode: Record<string, EndpointFeature[]> = {
    none: [],
    ec2: ["mlflow-server"],
    managed: ["managed-mlflow"],
  };
  const mlflow = byMode[mlflowMode(account.mlflow)];
  return [
    "studio",
    "jobs",
    ...(account.sagemaker.projects ? (["projects"] as const) : []),
    ...mlflow,
    ...(usesCodeArtifact(account) ? (["packages"] as const) : []),
  ];
}

/**
 * The interface endpoints an account's VPC gets: what its features need
 * (`accountEndpointFeatures`), or the configured list plus what its MLflow mode and package path
 * need; less the endpoints a shared services VPC provides (`vpc.sharedEndpoints`). The stacks and
 * the subnet-capacity check both use it.
 */
export function accountInterfaceEndpoints(account: AccountConfig): InterfaceEndpointId[] {
  const features = accountEndpointFeatures(account);
  const required = features
    .filter((f) => f === "mlflow-server" || f === "managed-mlflow" || f === "packages")
    .flatMap((f) => ENDPOINT_FEATURES[f].endpoints);
  const listed = account.vpc.interfaceEndpoints;
  const wanted =
    listed === undefined
      ? endpointsOfFeatures(features)
      : [...new Set<InterfaceEndpointId>([...listed, ...required])];
  const shared = account.vpc.sharedEndpoints;
  return wanted.filter((id) => shared[id] === undefined);
}

/** What each endpoint of the account is for: the features that need it, or "configured". */
export function endpointNeeds(account: AccountConfig): Record<string, readonly string[]> {
  const features = accountEndpointFeatures(account);
  return Object.fromEntries(
    accountInterfaceEndpoints(account).map((id) => {
      const needed = featuresNeeding(id, features);
      return [id, needed.length > 0 ? needed : ["configured"]];
    }),
  );
}

/**
 * Network interfaces besides the endpoints that the platform places in one private subnet, with
 * room for the ones SageMaker adds while it works: the data science account's Studio file
 * system mount target, MLflow instance and database, and Studio apps and jobs; a target's
 * endpoint instances.
 */
export function otherInterfacesPerSubnet(account: AccountConfig): number {
  return account.type === "data-science" ? 8 : 4;
}

/** Whether the account's VPC is new and routes to the internet through NAT. */
export function hasNatEgress(account: AccountConfig): boolean {
  return account.vpc.existing === undefined && account.vpc.natGateways !== "none";
}

/**
 * Whether the data science account gets the CodeArtifact package path: as configured, else
 * wherever the VPC has no NAT (an existing VPC counts as internet-free: its routes are not the
 * platform's to know).
 */
export function usesCodeArtifact(account: AccountConfig): boolean {
  if (account.type !== "data-science") return false;
  return account.packages.codeArtifact ?? !hasNatEgress(account);
}
