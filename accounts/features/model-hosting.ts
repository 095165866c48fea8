import { TerraformOutput } from "../../modules/core/cdktf";
import type { KmsKey } from "../../modules/kms/kms-key";
import { ModelHostingRoles } from "../../modules/sagemaker/model-hosting-roles";
import type { AccountNetwork } from "./network";
import type { DataScienceAccountConfig } from "../config/schema/platform";
import type { AccountNames } from "../naming";
import { accountOfKind, type DeploymentTargetStack } from "../stacks/platform-stack";

/** The model execution and deployment roles of a deployment target, and their outputs. */
export function addModelHosting(
  stack: DeploymentTargetStack,
  network: AccountNetwork,
  endpointKey: KmsKey,
  dataScience: AccountNames,
): ModelHostingRoles {
  const names = stack.names;
  const account = stack.account;
  const source = accountOfKind<DataScienceAccountConfig>(
    stack.config,
    account.dataScienceAccount,
    ["data-science"],
    `accounts.${stack.accountName}.dataScienceAccount`,
  );
  const hosting = new ModelHostingRoles(stack, "model-hosting", {
    environment: names.environment,
    executionRoleName: names.modelExecutionRoleName,
    deploymentRoleName: names.modelDeploymentRoleName,
    externalId: account.deployment.externalId ?? names.defaultDeploymentExternalId,
    endpointKey,
    resourceNamePrefix: stack.config.prefix,
    prebuiltImageAccounts: account.deployment.prebuiltImageAccounts,
    network: {
      subnetIds: network.vpc.privateSubnetIds,
      securityGroupIds: [network.vpc.workloadSecurityGroup.id],
    },
    source: {
      accountId: dataScience.accountId,
      deployerRoleArn: dataScience.modelDeployerRoleArn,
      modelBucketName: dataScience.modelBucketName,
      modelArtifactsPrefix: source.sagemaker.modelArtifactsPrefix,
      dataKeyAlias: dataScience.dataKeyAlias,
      dataKeyArn: source.dataKeyArn,
      ecrRepositories: account.deployment.ecrRepositories,
    },
  });
  new TerraformOutput(stack, "model_execution_role_arn", {
    value: hosting.executionRole.roleArn,
    description: "Role SageMaker runs deployed models as",
  });
  new TerraformOutput(stack, "model_deployment_role_arn", {
    value: hosting.deploymentRole.roleArn,
    description: "Role the data science account's deployer assumes to deploy approved models here",
  });
  return hosting;
}
