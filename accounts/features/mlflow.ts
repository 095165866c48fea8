import { KmsKey } from "../../modules/kms/kms-key";
import { MlflowServer } from "../../modules/mlflow/mlflow-server";
import { MlflowServerRole } from "../../modules/mlflow/mlflow-server-role";
import type { DataScienceAccountConfig } from "../config/schema/platform";
import type { PlatformStack } from "../stacks/platform-stack";
import type { DataScienceData } from "./data";
import type { AccountNetwork } from "./network";

/** MLflow in the data science account: the tracking server's role, and the server when enabled. */
export interface DataScienceMlflow {
  readonly serverRole: MlflowServerRole;
  /** The server, when `mlflow.server.enabled`. */
  readonly server?: MlflowServer;
}

/**
 * MLflow tracking: the role and instance profile a server runs as (artifacts in the MLflow
 * bucket, its log group, an external database secret if configured), always; and with
 * `mlflow.server.enabled` the server itself. Each with the outputs people need.
 */
export function addMlflow(
  stack: PlatformStack,
  network: AccountNetwork,
  data: DataScienceData,
): DataScienceMlflow {
  const names = stack.names;
  const env = names.environment;
  const account = stack.account as DataScienceAccountConfig;
  const serverRole = new MlflowServerRole(stack, "mlflow-server", {
    environment: env,
    roleName: names.mlflowServerRoleName,
    artifactBucket: data.mlflowBucket,
    logGroupName: names.mlflowLogGroupName,
    logsKey: network.logsKey,
    databaseSecretArn: account.mlflow.databaseSecretArn,
  });
  const artifactRoot = `s3://${names.mlflowBucketName}`;
  stack.addOutputs({
    mlflow_server_role_arn: {
      value: serverRole.role.roleArn,
      description: "Role of the MLflow tracking server",
    },
    mlflow_instance_profile: {
      value: serverRole.instanceProfile.name,
      description: "Instance profile of the MLflow server",
    },
    mlflow_default_artifact_root: {
      value: artifactRoot,
      description: "The --default-artifact-root of the MLflow server",
    },
    mlflow_server_command: {
      value: `mlflow server --default-artifact-root ${artifactRoot} --host 0.0.0.0 --port 5000`,
      description:
        "How the server runs (backend store URI from its secret); reach it through Session Manager",
    },
  });
  return { serverRole, server: addMlflowServer(stack, network, serverRole) };
}

/**
 * The MLflow tracking server, when `mlflow.server.enabled`: its own key (volume, database,
 * secret), the server and its backend store, and the outputs people need to reach it.
 */
function addMlflowServer(
  stack: PlatformStack,
  network: AccountNetwork,
  role: MlflowServerRole,
): MlflowServer | undefined {
  const config = (stack.account as DataScienceAccountConfig).mlflow.server;
  if (!config.enabled) return undefined;
  const names = stack.names;
  const key = new KmsKey(stack, "mlflow-key", {
    alias: names.mlflowKeyAlias,
    description: `Encrypts the MLflow server volume, database and database secret of ${names.stem}`,
    administratorArns: [names.deployRoleArn],
  });
  const server = new MlflowServer(stack, "mlflow", {
    environment: names.environment,
    name: names.stem,
    role,
    artifactRoot: `s3://${names.mlflowBucketName}`,
    key,
    logsKey: network.logsKey,
    deployRoleArn: names.deployRoleArn,
    network: {
      vpcId: network.vpc.vpcId,
      subnetIds: network.vpc.privateSubnetIds,
      clientSecurityGroupId: network.vpc.workloadSecurityGroup.id,
      endpointSecurityGroupId: network.vpc.endpointSecurityGroup.id,
      s3PrefixListId: network.vpc.s3GatewayEndpoint.prefixListId,
      internetEgress: network.vpc.internetEgress,
    },
    mlflowVersion: config.mlflowVersion,
    instanceType: config.instanceType,
    amiId: config.amiId,
    port: config.port,
    pipIndexUrl: config.pipIndexUrl,
    database: config.database,
    databaseIdentifier: names.mlflowDatabaseIdentifier,
  });
  const forward = JSON.stringify({
    portNumber: [String(server.port)],
    localPortNumber: [String(server.port)],
  });
  stack.addOutputs({
    mlflow_tracking_uri: {
      value: `http://${server.instance.privateIp}:${server.port}`,
      description: "Tracking URI inside the VPC (Studio, pipelines)",
    },
    mlflow_tunnel_command: {
      value: `aws ssm start-session --target ${server.instance.id} --document-name AWS-StartPortForwardingSession --parameters '${forward}'`,
      description: `Opens http://localhost:${server.port} to the server through Session Manager (no SSH, no open port)`,
    },
    mlflow_database_endpoint: {
      value: server.database.endpoint,
      description: "PostgreSQL endpoint of the backend store (private)",
    },
  });
  return server;
}
