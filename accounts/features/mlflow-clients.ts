import { arn } from "../../modules/core/aws-environment";
import {
  mlflowCertificateParameterName,
  mlflowServerDnsName,
} from "../../modules/mlflow/mlflow-server";
import { mlflowMode } from "../config/schema/mlflow";
import type { DataScienceStack } from "../stacks/platform-stack";

/**
 * What MLflow clients of the account set (Studio apps at start): the tracking URI and, for the
 * self-hosted server, the certificate parameter; from config alone, so Studio can be set up
 * before the server exists. Undefined without MLflow.
 */
export function mlflowClientSettings(
  stack: DataScienceStack,
): { trackingUri: string; certificateParameter?: string } | undefined {
  const names = stack.names;
  const mlflow = stack.account.mlflow;
  switch (mlflowMode(mlflow)) {
    case "ec2":
      return {
        trackingUri: `https://${mlflowServerDnsName(names.stem)}:${mlflow.server.port}`,
        certificateParameter: mlflowCertificateParameterName(names.stem),
      };
    case "managed":
      return {
        trackingUri: arn(
          names.environment,
          "sagemaker",
          `mlflow-tracking-server/${names.mlflowTrackingServerName}`,
        ),
      };
    default:
      return undefined;
  }
}
