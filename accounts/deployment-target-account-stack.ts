import type { Construct } from "constructs";
import { namingInput } from "./config-schema";
import { AccountNames } from "./naming";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/**
 * A deployment target account (staging, prod): hosts models trained in the data science
 * account, deployed by that account's pipeline.
 */
export class DeploymentTargetAccountStack extends PlatformStack {
  /** Names in the data science account this account takes models from. */
  readonly dataScienceNames: AccountNames;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    if (this.account.type !== "deployment-target") {
      throw new Error(
        `${id}: DeploymentTargetAccountStack needs an account of type "deployment-target"`,
      );
    }
    this.dataScienceNames = new AccountNames(
      namingInput(this.config, this.account.dataScienceAccount),
    );
    this.useAccountStateBackend();
  }
}
