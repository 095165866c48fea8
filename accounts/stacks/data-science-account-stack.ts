import type { Construct } from "constructs";
import {
  DATA_SCIENCE_ENDPOINTS,
  MLFLOW_SERVER_ENDPOINTS,
} from "../../modules/network/vpc-endpoint-catalogue";
import { addDataScienceData, type DataScienceData } from "../features/data";
import { addAccountNetwork, type AccountNetwork } from "../features/network";
import { addModelDelivery } from "../features/model-delivery";
import { addStudio, type DataScienceStudio } from "../features/studio";
import type { MlflowServerRole } from "../../modules/mlflow/mlflow-server-role";
import type { MlflowServer } from "../../modules/mlflow/mlflow-server";
import { addMlflowServer } from "../features/mlflow";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/**
 * The data science account (dev): where data scientists work and models are trained,
 * registered and stored.
 */
export class DataScienceAccountStack extends PlatformStack {
  readonly network: AccountNetwork;
  readonly data: DataScienceData;
  readonly studio: DataScienceStudio;
  readonly mlflowServerRole: MlflowServerRole;
  /** The MLflow server, when `mlflow.server.enabled`. */
  readonly mlflowServer?: MlflowServer;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    if (this.account.type !== "data-science") {
      throw new Error(`${id}: DataScienceAccountStack needs an account of type "data-science"`);
    }
    this.useAccountStateBackend();
    const mlflowServer = this.account.type === "data-science" && this.account.mlflow.server.enabled;
    this.network = addAccountNetwork(this, {
      defaultEndpoints: DATA_SCIENCE_ENDPOINTS,
      requiredEndpoints: mlflowServer ? MLFLOW_SERVER_ENDPOINTS : [],
    });
    this.data = addDataScienceData(this, this.network);
    this.studio = addStudio(this, this.network, this.data);
    this.mlflowServerRole = addModelDelivery(this, this.network, this.data, this.studio);
    this.mlflowServer = addMlflowServer(this, this.network, this.mlflowServerRole);
    this.allowCiPlanReads();
  }
}
