import { TerraformOutput } from "../../modules/core/cdktf";
import { KmsKey } from "../../modules/kms/kms-key";
import { MlflowServer } from "../../modules/mlflow/mlflow-server";
import type { MlflowServerRole } from "../../modules/mlflow/mlflow-server-role";
import type { AccountNetwork } from "./network";
import type { DataScienceAccountConfig } from "../config/schema/platform";
import type { PlatformStack } from "../stacks/platform-stack";

/**
 * The MLflow tracking server, when `mlflow.server.enabled`: its own key (volume, database,
 * secret), the server and its backend store, and the outputs people need to reach it.
 */
export function addMlflowServer(
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
  new TerraformOutput(stack, "mlflow_tracking_uri", {
    value: `http://${server.instance.privateIp}:${server.port}`,
    description: "Tracking URI inside the VPC (Studio, pipelines)",
  });
  new TerraformOutput(stack, "mlflow_tunnel_command", {
    value: `aws ssm start-session --target ${server.instance.id} --document-name AWS-StartPortForwardingSession --parameters '${forward}'`,
    description:
      "Opens http://localhost:" +
      server.port +
      " to the server through Session Manager (no SSH, no open port)",
  });
  new TerraformOutput(stack, "mlflow_database_endpoint", {
    value: server.database.endpoint,
    description: "PostgreSQL endpoint of the backend store (private)",
  });
  return server;
}
