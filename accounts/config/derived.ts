/**
 * What the config implies that several places need (the cross-field checks and the stacks):
 * whether an account's VPC has NAT egress, whether it gets the package path, which interface
 * endpoints it gets.
 */
import {
  DATA_SCIENCE_ENDPOINTS,
  DEPLOYMENT_TARGET_ENDPOINTS,
  MANAGED_MLFLOW_ENDPOINTS,
  MLFLOW_SERVER_ENDPOINTS,
  PACKAGE_REPOSITORY_ENDPOINTS,
  type InterfaceEndpointId,
} from "../../modules/network/vpc-endpoint-catalogue";
import { mlflowMode } from "./schema/mlflow";
import type { AccountConfig } from "./schema/platform";

/**
 * The interface endpoints an account's VPC gets: the configured list or the account type's
 * default, plus what its MLflow mode and package repository need. The stacks and the subnet-capacity check both use it.
 */
export function accountInterfaceEndpoints(account: AccountConfig): InterfaceEndpointId[] {
  const defaults =
    account.type === "data-science" ? DATA_SCIENCE_ENDPOINTS : DEPLOYMENT_TARGET_ENDPOINTS;
  const required =
    account.type === "data-science"
      ? { none: [], ec2: MLFLOW_SERVER_ENDPOINTS, managed: MANAGED_MLFLOW_ENDPOINTS }[
          mlflowMode(account.mlflow)
        ]
      : [];
  const packages = usesCodeArtifact(account) ? PACKAGE_REPOSITORY_ENDPOINTS : [];
  return [...new Set([...(account.vpc.interfaceEndpoints ?? defaults), ...required, ...packages])];
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
