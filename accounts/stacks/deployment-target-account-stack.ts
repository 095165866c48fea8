import type { Construct } from "constructs";
import { addDeploymentTargetData, type DeploymentTargetData } from "../features/data";
import { addAccountNetwork, type AccountNetwork } from "../features/network";
import { allowCiPlanReads } from "../features/ci";
import { addModelHosting } from "../features/model-hosting";
import { addMonitoring, type AccountMonitoring } from "../features/monitoring";
import { addSageMakerQuotas } from "../features/quotas";
import type { ModelHostingRoles } from "../../modules/sagemaker/model-hosting-roles";
import { namingInput } from "../naming";
import { AccountNames } from "../naming";
import type { DeploymentTargetAccountConfig } from "../config/schema/platform";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/**
 * A deployment target account (staging, prod): hosts models trained in the data science
 * account, deployed by that account's pipeline.
 */
export class DeploymentTargetAccountStack extends PlatformStack<DeploymentTargetAccountConfig> {
  /** Names in the data science account this account takes models from. */
  readonly dataScienceNames: AccountNames;
  readonly network: AccountNetwork;
  readonly data: DeploymentTargetData;
  readonly hosting: ModelHostingRoles;
  readonly monitoring: AccountMonitoring;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props, ["deployment-target"]);
    this.dataScienceNames = new AccountNames(
      namingInput(this.config, this.account.dataScienceAccount),
    );
    this.useAccountStateBackend();
    this.network = addAccountNetwork(this, {
      // Model artifacts come from the data science account's model bucket.
      readBuckets: [
        {
          bucketName: this.dataScienceNames.modelBucketName,
          accountId: this.dataScienceNames.accountId,
        },
      ],
    });
    this.data = addDeploymentTargetData(this);
    this.hosting = addModelHosting(
      this,
      this.network,
      this.data.endpointKey,
      this.dataScienceNames,
    );
    addSageMakerQuotas(this);
    this.monitoring = addMonitoring(this, { logsKey: this.network.logsKey });
    allowCiPlanReads(this);
  }
}
