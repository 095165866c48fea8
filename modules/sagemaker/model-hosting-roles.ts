import { Construct } from "constructs";
import { arn, viaService, type AwsEnvironment, accountRoot } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { IamRole } from "../iam/iam-role";
import { Fn, Op, Token } from "../core/cdktf";
import { mapList } from "../core/token-lists";
import {
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  managedKey,
  s3BucketContext,
  type KeyReference,
} from "../kms/kms-key";
import { ECR_PULL_ACTIONS, sageMakerRuntimeStatements, sageMakerServiceTrust } from "./permissions";
import { denyVolumesWithoutKmsKey, LOCAL_NVME_INSTANCE_TYPES, VOLUME_ACTIONS } from "./guardrails";
import { approvedArtifactsOnly } from "./promotion";

/** Where the models come from: the data science account, all by deterministic name. */
export interface ModelSource {
  readonly accountId: string;
  /** The deployer role that deploys: the only principal of that account trusted here. */
  readonly deployerRoleArn: string;
  readonly modelBucketName: string;
  /** Prefix of the model artifacts in the bucket, ending in "/". */
  readonly modelArtifactsPrefix: string;
  /**
   * Alias of the key that encrypts the artifacts, `alias/<prefix>-<env>-data`; names the key
   * (through `kms:ResourceAliases`) when its ARN is not known. One of the two is needed.
   */
  readonly dataKeyAlias?: string;
  /**
   * The key's ARN, when config knows it.
   * @default the key is named by alias
   */
  readonly dataKeyArn?: string;
  /**
   * ECR repositories of the data science account that model images may come from.
   * @default none
   */
  readonly ecrRepositories?: string[];
}

export interface ModelHostingRolesProps {
  readonly environment: AwsEnvironment;
  readonly executionRoleName: string;
  readonly deploymentRoleName: string;
  readonly source: ModelSource;
  /** External id the pipeline must present to assume the deployment role. */
  readonly externalId: string;
  /**
   * The key of endpoint volumes; endpoint configurations must use it. A key managed in this stack
   * gets the roles in its policy; a key named by ARN must allow them already.
   */
  readonly endpointKey: KeyReference;
  /** The account's private subnets and workload group; models must use them. */
  readonly network: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
  /**
   * Models, endpoint configurations and endpoints the deployment role may create, change and
   * delete are those named `<resourceNamePrefix>-...`; others in the account are not its own.
   */
  readonly resourceNamePrefix: string;
  /**
   * AWS-owned accounts whose prebuilt images models here may run (SageMaker's framework and
   * algorithm images, such as 763104351884 for the Deep Learning Containers): nobody but AWS
   * pushes to them. The execution role pulls from these and `source.ecrRepositories`, nothing
   * else, so a model runs no image the platform's config does not name.
   * @default none
   */
  readonly prebuiltImageAccounts?: string[];
}

/**
 * The two roles of a deployment target account, the host duty of the promotion path: the model
 * execution role (SageMaker of this account runs the model as it; it reads only approved
 * artifacts from the data science account, and trusts nobody but SageMaker) and the model
 * deployment role (the data science account's deployer assumes it, with the external id, to
 * create models, endpoint configurations and endpoints named `<prefix>-...` here, only in this
 * account's VPC and with its endpoint key). The deployer is trusted through its account
 * principal and an exact `aws:PrincipalArn`, so the trust applies before the data science
 * account is deployed; no other principal of any account is.
 */
export class ModelHostingRoles extends Construct {
  readonly executionRole: IamRole;
  readonly deploymentRole: IamRole;

  constructor(scope: Construct, id: string, props: ModelHostingRolesProps) {
    super(scope, id);
    const env = props.environment;
    if (props.source.dataKeyArn === undefined && props.source.dataKeyAlias === undefined) {
      throw new Error(`${this.node.path}: source needs dataKeyArn or dataKeyAlias`);
    }
    this.executionRole = new IamRole(this, "execution-role", {
      roleName: props.executionRoleName,
      description: "Runs models deployed from the data science account; reads approved artifacts",
      trustStatements: [sageMakerServiceTrust(env)],
    });
    this.deploymentRole = new IamRole(this, "deployment-role", {
      roleName: props.deploymentRoleName,
      description:
        "Assumed by the data science deployer to deploy approved models into this account",
      trustStatements: [deployerTrust(props)],
    });
    const execution = executionStatements(props);
    for (const [sid, resources, when] of imagePulls(props)) {
      const pull: PolicyStatement = {
        Sid: sid,
        Effect: "Allow",
        Action: ECR_PULL_ACTIONS,
        Resource: resources,
      };
      // A module variable's list: the statement exists when the list is not empty.
      if (when !== undefined) this.executionRole.addToPolicy(pull, "permissions", when);
      else execution.push(pull);
    }
    for (const s of execution) this.executionRole.addToPolicy(s);
    for (const s of deploymentStatements(props)) this.deploymentRole.addToPolicy(s);

    const roles = [this.executionRole.principalArn, this.deploymentRole.principalArn];
    const endpointKey = managedKey(props.endpointKey);
    endpointKey?.grantThroughService({
      sid: "EndpointVolumes",
      principals: roles,
      actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: ["sagemaker", "ec2"],
      env,
    });
    endpointKey?.grantCreateGrantForAwsResources({
      sid: "EndpointVolumeGrants",
      principals: roles,
      via: ["sagemaker", "ec2"],
      env,
    });
  }
}

/**
 * The deployer of the data science account, through its account principal and its exact ARN,
 * with the external id: nobody else.
 */
function deployerTrust(props: ModelHostingRolesProps): PolicyStatement {
  const source = props.source;
  return {
    Sid: "DataScienceDeployerOnly",
    Effect: "Allow",
    Principal: { AWS: accountRoot(props.environment.partition, source.accountId) },
    Action: "sts:AssumeRole",
    Condition: {
      ArnEquals: { "aws:PrincipalArn": source.deployerRoleArn },
      StringEquals: { "sts:ExternalId": props.externalId },
    },
  };
}

/** What the execution role may do: read approved artifacts, use the endpoint key, run. */
function executionStatements(props: ModelHostingRolesProps): PolicyStatement[] {
  const env = props.environment;
  const source = props.source;
  const bucketArn = `arn:${env.partition}:s3:::${source.modelBucketName}`;
  return [
    {
      Sid: "ListTheModelArtifacts",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: {
        StringLike: {
          "s3:prefix": [source.modelArtifactsPrefix, `${source.modelArtifactsPrefix}*`],
        },
      },
    },
    {
      Sid: "ReadApprovedModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${bucketArn}/${source.modelArtifactsPrefix}*`,
      Condition: approvedArtifactsOnly(),
    },
    {
      Sid: "FindTheModelBucket",
      Effect: "Allow",
      Action: "s3:GetBucketLocation",
      Resource: bucketArn,
    },
    {
      Sid: "DecryptTheModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource:
        source.dataKeyArn ?? `arn:${env.partition}:kms:${env.region}:${source.accountId}:key/*`,
      Condition: {
        StringEquals: { "kms:ViaService": viaService(env, "s3") },
        // Objects of the model bucket only: the data key serves other buckets of dev too.
        ...s3BucketContext(bucketArn),
        ...(source.dataKeyArn === undefined
          ? { "ForAnyValue:StringEquals": { "kms:ResourceAliases": source.dataKeyAlias! } }
          : {}),
      },
    },
    {
      Sid: "UseTheEndpointKey",
      Effect: "Allow",
      Action: [...KMS_ENCRYPT_DECRYPT_ACTIONS, "kms:CreateGrant"],
      Resource: props.endpointKey.keyArn,
      Condition: {
        StringEquals: {
          "kms:ViaService": [viaService(env, "sagemaker"), viaService(env, "ec2")],
        },
      },
    },
    ...sageMakerRuntimeStatements(env, props.network, { images: "none" }),
  ];
}

/**
 * The image pulls of the execution role: only the configured repositories of the data science
 * account and the configured AWS-owned accounts, so a container-only model (no artifact, no
 * approval) runs no image the config does not name. Each with its Sid and resources, and the
 * condition on which it exists when the list is a module variable; none for an empty list.
 */
function imagePulls(props: ModelHostingRolesProps): [string, string[], unknown?][] {
  const env = props.environment;
  const source = props.source;
  const pulls: [string, string[], (item: string) => string][] = [
    [
      "PullModelImagesFromDataScience",
      source.ecrRepositories ?? [],
      (name) => `arn:${env.partition}:ecr:${env.region}:${source.accountId}:repository/${name}`,
    ],
    [
      "PullSageMakerPrebuiltImages",
      props.prebuiltImageAccounts ?? [],
      (account) => `arn:${env.partition}:ecr:${env.region}:${account}:repository/*`,
    ],
  ];
  return pulls.flatMap(([sid, items, arnOf]): [string, string[], unknown?][] => {
    if (Token.isUnresolved(items))
      return [[sid, mapList(items, arnOf), Op.gte(Fn.lengthOf(items), 1)]];
    return items.length > 0 ? [[sid, items.map(arnOf)]] : [];
  });
}

/**
 * What the deployment role may do: create, change and delete models, endpoint configurations and
 * endpoints named `<prefix>-...`, in this account's VPC with its endpoint key; pass only the
 * execution role.
 */
function deploymentStatements(props: ModelHostingRolesProps): PolicyStatement[] {
  const env = props.environment;
  const sm = (resource: string) => arn(env, "sagemaker", resource);
  const own = (type: string) => sm(`${type}/${props.resourceNamePrefix}-*`);
  const inThisVpc = {
    "ForAllValues:StringEquals": {
      "sagemaker:VpcSubnets": props.network.subnetIds,
      "sagemaker:VpcSecurityGroupIds": props.network.securityGroupIds,
    },
    Null: { "sagemaker:VpcSubnets": "false", "sagemaker:VpcSecurityGroupIds": "false" },
  };
  const allowed = [
    {
      Sid: "CreateModelsInThisVpc",
      Action: "sagemaker:CreateModel",
      Resource: own("model"),
      Condition: inThisVpc,
    },
    {
      Sid: "CreateEndpointConfigsWithTheEndpointKey",
      Action: "sagemaker:CreateEndpointConfig",
      Resource: own("endpoint-config"),
      Condition: {
        StringEquals: { "sagemaker:VolumeKmsKeyArn": props.endpointKey.keyArn },
        "ForAllValues:StringEquals": {
          "sagemaker:VpcSubnets": props.network.subnetIds,
          "sagemaker:VpcSecurityGroupIds": props.network.securityGroupIds,
        },
      },
    },
    {
      // Local NVMe storage takes no volume key (SageMaker rejects one): only those types.
      Sid: "CreateEndpointConfigsOnLocalNvmeInstances",
      Action: "sagemaker:CreateEndpointConfig",
      Resource: own("endpoint-config"),
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true", "sagemaker:InstanceTypes": "false" },
        "ForAllValues:StringLike": { "sagemaker:InstanceTypes": LOCAL_NVME_INSTANCE_TYPES },
        "ForAllValues:StringEquals": {
          "sagemaker:VpcSubnets": props.network.subnetIds,
          "sagemaker:VpcSecurityGroupIds": props.network.securityGroupIds,
        },
      },
    },
    {
      // A serverless configuration has no instances and no volume (SageMaker takes no key).
      Sid: "CreateServerlessEndpointConfigs",
      Action: "sagemaker:CreateEndpointConfig",
      Resource: own("endpoint-config"),
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true", "sagemaker:InstanceTypes": "true" },
      },
    },
    {
      Sid: "CreateAndUpdateOwnEndpoints",
      Action: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
      Resource: [own("endpoint"), own("endpoint-config")],
    },
    {
      Sid: "TidyOwnModelsAndEndpoints",
      Action: [
        "sagemaker:AddTags",
        "sagemaker:DeleteEndpoint",
        "sagemaker:DeleteEndpointConfig",
        "sagemaker:DeleteModel",
      ],
      Resource: [own("model"), own("endpoint"), own("endpoint-config")],
    },
    {
      Sid: "InspectModelsAndEndpoints",
      Action: [
        "sagemaker:DescribeEndpoint",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:DescribeModel",
      ],
      Resource: [sm("model/*"), sm("endpoint/*"), sm("endpoint-config/*")],
    },
    {
      Sid: "ListModelsAndEndpoints",
      Action: ["sagemaker:ListEndpointConfigs", "sagemaker:ListEndpoints", "sagemaker:ListModels"],
      Resource: "*",
    },
    {
      Sid: "PassOnlyTheModelExecutionRole",
      Action: "iam:PassRole",
      Resource: arn(env, "iam", `role/${props.executionRoleName}`, ""),
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    },
    {
      Sid: "UseTheEndpointKeyForEndpoints",
      Action: ["kms:CreateGrant", "kms:DescribeKey"],
      Resource: props.endpointKey.keyArn,
      Condition: { StringEquals: { "kms:ViaService": viaService(env, "sagemaker") } },
    },
  ].map((s) => ({ Effect: "Allow", ...s }) as PolicyStatement);
  // Belt and braces: whatever else is attached, no volume with another key, and none without
  // a key but on local-NVMe instances (which take none) or serverless (no instances), as in
  // the data science account. A key, when given, is the endpoint key.
  return [
    ...allowed,
    {
      Sid: "DenyVolumesWithOtherKeys",
      Effect: "Deny",
      Action: VOLUME_ACTIONS,
      Resource: "*",
      Condition: {
        StringNotEquals: { "sagemaker:VolumeKmsKeyArn": props.endpointKey.keyArn },
        Null: { "sagemaker:VolumeKmsKeyArn": "false" },
      },
    },
    denyVolumesWithoutKmsKey(),
  ];
}
