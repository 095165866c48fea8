import { KmsKey } from "../../modules/kms/kms-key";
import { MlflowServer } from "../../modules/mlflow/mlflow-server";
import { MlflowServerRole } from "../../modules/mlflow/mlflow-server-role";
import type { DataScienceStack } from "../stacks/platform-stack";
import {
  ManagedTrackingServer,
  useManagedTrackingServer,
} from "../../modules/mlflow/managed-tracking-server";
import { mlflowMode } from "../config/schema/mlflow";
import type { DataScienceData } from "./data";
import { studioWorkRoles, type DataScienceStudio } from "./studio";
import type { PackageRepository } from "../../modules/packages/package-repository";
import type { AccountNetwork } from "./network";

/** MLflow in the data science account: the EC2 server's role, and the server of the mode. */
export interface DataScienceMlflow {
  readonly serverRole: MlflowServerRole;
  /** The self-hosted server, with mlflow mode `ec2`. */
  readonly server?: MlflowServer;
  /** SageMaker's managed tracking server, with mlflow mode `managed`. */
  readonly managed?: ManagedTrackingServer;
}

/**
 * MLflow tracking, as `mlflow.mode` decides (`mlflowMode`): the role and instance profile an EC2
 * server runs as (artifacts in the MLflow bucket, its log group, an external database secret if
 * configured), always; with `ec2` the self-hosted server; with `managed` SageMaker's managed
 * tracking server, which Studio and the persona roles reach through the MLflow interface
 * endpoint. Both modes use the same artifact bucket. Each with the outputs people need.
 */
export function addMlflow(
  stack: DataScienceStack,
  network: AccountNetwork,
  data: DataScienceData,
  studio: DataScienceStudio,
  packages?: PackageRepository,
): DataScienceMlflow {
  const names = stack.names;
  const env = names.environment;
  const account = stack.account;
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
      description:
        "Where the MLflow server stores the artifacts it serves (--artifacts-destination)",
    },
    mlflow_server_command: {
      value: `mlflow server --serve-artifacts --artifacts-destination ${artifactRoot} --host 127.0.0.1 --port 5001`,
      description:
        "How a server run as this role serves MLflow (backend store URI from its secret), behind a TLS proxy; clients need only the tracking URI",
    },
  });
  const mode = mlflowMode(account.mlflow);
  return {
    serverRole,
    server:
      mode === "ec2" ? addMlflowServer(stack, network, serverRole, studio, packages) : undefined,
    managed: mode === "managed" ? addManagedMlflow(stack, network, data, studio) : undefined,
  };
}

/**
 * SageMaker's managed tracking server (`mlflow.mode: managed`), and the right to use it for
 * every Studio execution role, the pipeline role and the build personas: its API only through
 * the platform's MLflow interface endpoint, and only this server.
 */
function addManagedMlflow(
  stack: DataScienceStack,
  network: AccountNetwork,
  data: DataScienceData,
  studio: DataScienceStudio,
): ManagedTrackingServer {
  const names = stack.names;
  const config = stack.account.mlflow.managed;
  const managed = new ManagedTrackingServer(stack, "mlflow-managed", {
    environment: names.environment,
    name: names.mlflowTrackingServerName,
    roleName: names.mlflowTrackingRoleName,
    artifactBucket: data.mlflowBucket,
    size: config.size,
    mlflowVersion: config.mlflowVersion,
    weeklyMaintenanceWindowStart: config.weeklyMaintenanceWindowStart,
    automaticModelRegistration: config.automaticModelRegistration,
  });
  const endpointId = network.endpointId("sagemaker.experiments");
  for (const role of trackingClients(studio)) {
    for (const s of useManagedTrackingServer(managed.serverArn, endpointId)) {
      role.addToPolicy(s, "mlflow");
    }
  }
  stack.addOutputs({
    mlflow_tracking_server_arn: {
      value: managed.serverArn,
      description:
        "The managed tracking server: MLflow clients' tracking URI (with the sagemaker-mlflow plugin)",
    },
    mlflow_client_setup: {
      value: `pip install sagemaker-mlflow && python -c 'import mlflow; mlflow.set_tracking_uri("${managed.serverArn}")'`,
      description: "How an MLflow client in the VPC (Studio, jobs) uses the managed server",
    },
  });
  return managed;
}

/** Who uses the tracking server: every Studio execution role, the pipeline role, the personas. */
function trackingClients(studio: DataScienceStudio) {
  return [...studioWorkRoles(studio), studio.personaRoles.admin];
}

/**
 * The self-hosted MLflow tracking server (`mlflow.mode: ec2`): its own key (volume, database,
 * secret), the server and its backend store, and the outputs people need to reach it.
 */
function addMlflowServer(
  stack: DataScienceStack,
  network: AccountNetwork,
  role: MlflowServerRole,
  studio: DataScienceStudio,
  packages: PackageRepository | undefined,
): MlflowServer {
  const config = stack.account.mlflow.server;
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
    packages:
      packages === undefined
        ? config.pipIndexUrl === undefined
          ? { from: "pypi" }
          : { from: "index", url: config.pipIndexUrl }
        : { from: "codeartifact", url: packages.pipIndexUrl, tokenCommand: packages.tokenCommand },
    database: config.database,
    databaseIdentifier: names.mlflowDatabaseIdentifier,
  });
  // MLflow clients trust the server's own certificate, which it publishes at boot.
  for (const client of trackingClients(studio)) {
    client.addToPolicy(
      {
        Sid: "TrustTheMlflowServer",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: server.certificateParameter.arn,
      },
      "mlflow",
    );
  }
  const forward = JSON.stringify({
    portNumber: [String(server.port)],
    localPortNumber: [String(server.port)],
  });
  const certificate = server.certificateParameter.name;
  // The private zone's name, which follows the instance: a replaced server keeps the URI.
  const trackingUri = `https://${server.dnsName}:${server.port}`;
  stack.addOutputs({
    mlflow_tracking_uri: {
      value: trackingUri,
      description: "Tracking URI inside the VPC (Studio, pipelines), over TLS",
    },
    mlflow_client_setup: {
      value: [
        `aws ssm get-parameter --name ${certificate} --query Parameter.Value --output text > ~/.mlflow-server.pem`,
        `export MLFLOW_TRACKING_URI=${trackingUri} MLFLOW_TRACKING_SERVER_CERT_PATH=~/.mlflow-server.pem`,
      ].join("\n"),
      description:
        "How an MLflow client in the VPC (Studio, jobs) trusts the server's certificate and reaches it; artifacts go through the server",
    },
    mlflow_certificate_parameter: {
      value: certificate,
      description: "SSM parameter holding the server's TLS certificate (PEM)",
    },
    mlflow_tunnel_command: {
      value: `aws ssm start-session --target ${server.instance.id} --document-name AWS-StartPortForwardingSession --parameters '${forward}'`,
      description: `Opens https://localhost:${server.port} to the server through Session Manager (no SSH, no open port; trust the certificate as mlflow_client_setup does)`,
    },
    mlflow_boot_status_command: {
      value: `aws ssm get-parameter --region ${names.region} --name ${server.bootStatusParameter.name} --query Parameter.Value --output text`,
      description:
        "How the server's last boot went: ok, or failed and at which step (an apply succeeds whether or not the server starts)",
    },
    mlflow_database_endpoint: {
      value: server.database.endpoint,
      description: "PostgreSQL endpoint of the backend store (private)",
    },
  });
  return server;
}
