import type { Construct } from "constructs";
import { DATA_SCIENCE_ENDPOINTS } from "../modules/vpc-endpoint-catalogue";
import { addDataScienceData, type DataScienceData } from "./account-data";
import { addAccountNetwork, type AccountNetwork } from "./account-network";
import { addModelDelivery } from "./account-model-delivery";
import { addStudio, type DataScienceStudio } from "./account-studio";
import type { MlflowServerRole } from "../modules/mlflow-server-role";
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

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    if (this.account.type !== "data-science") {
      throw new Error(`${id}: DataScienceAccountStack needs an account of type "data-science"`);
    }
    this.useAccountStateBackend();
    this.network = addAccountNetwork(this, { defaultEndpoints: DATA_SCIENCE_ENDPOINTS });
    this.data = addDataScienceData(this, this.network);
    this.studio = addStudio(this, this.network, this.data);
    this.mlflowServerRole = addModelDelivery(this, this.network, this.data, this.studio);
  }
}
