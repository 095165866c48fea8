import type { Construct } from "constructs";
import type { IamRole } from "../../modules/iam/iam-role";
import { allowCiPlanReads } from "../features/ci";
import { addDataScienceData, type DataScienceData } from "../features/data";
import { addMlflow, type DataScienceMlflow } from "../features/mlflow";
import { addModelDelivery } from "../features/model-delivery";
import { addMonitoring, type AccountMonitoring } from "../features/monitoring";
import { addSageMakerQuotas } from "../features/quotas";
import { addPackages, allowPackageUse } from "../features/packages";
import type { PackageRepository } from "../../modules/packages/package-repository";
import { addAccountNetwork, type AccountNetwork } from "../features/network";
import { addStudio, type DataScienceStudio } from "../features/studio";
import type { DataScienceAccountConfig } from "../config/schema/platform";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/**
 * The data science account (dev): where data scientists work and models are trained,
 * registered and stored.
 */
export class DataScienceAccountStack extends PlatformStack<DataScienceAccountConfig> {
  readonly network: AccountNetwork;
  readonly data: DataScienceData;
  readonly studio: DataScienceStudio;
  readonly mlflow: DataScienceMlflow;
  /** The private Python package path, when the account has one (`packages.codeArtifact`). */
  readonly packages?: PackageRepository;
  /** The deploy duty: the only principal the targets' deployment roles trust. */
  readonly modelDeployer: IamRole;
  readonly monitoring: AccountMonitoring;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props, ["data-science"]);
    this.useAccountStateBackend();
    this.network = addAccountNetwork(this);
    this.data = addDataScienceData(this, this.network);
    this.packages = addPackages(this, this.data);
    this.studio = addStudio(this, this.network, this.data, this.packages);
    this.modelDeployer = addModelDelivery(this, this.data);
    this.mlflow = addMlflow(this, this.network, this.data, this.studio, this.packages);
    allowPackageUse(this.packages, this.studio, this.mlflow);
    addSageMakerQuotas(this);
    this.monitoring = addMonitoring(this, {
      logsKey: this.network.logsKey,
      dataEventBuckets: [this.data.dataBucket, this.data.modelBucket],
      database: this.mlflow.server !== undefined,
    });
    allowCiPlanReads(this);
  }
}
