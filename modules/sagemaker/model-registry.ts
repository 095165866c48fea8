import { SagemakerModelPackageGroup } from "@cdktf/provider-aws/lib/sagemaker-model-package-group";
import { SagemakerModelPackageGroupPolicy } from "@cdktf/provider-aws/lib/sagemaker-model-package-group-policy";
import { Construct } from "constructs";
import { arn, type AwsEnvironment, accountRoot } from "../core/aws-environment";
import { estimatedPolicySize, renderPolicy, type PolicyStatement } from "../iam/iam-policy";
import { AWS_LIMITS } from "../core/limits";

/** SageMaker's limit on a model package group's resource policy (PutModelPackageGroupPolicy). */
export const MODEL_PACKAGE_GROUP_POLICY_MAX_CHARS =
  AWS_LIMITS.sagemaker.modelPackageGroupPolicyChars;

export interface ModelRegistryProps {
  readonly environment: AwsEnvironment;
  /** Model package group names (SageMaker's rule: 1 to 63 letters, digits and hyphens). */
  readonly groupNames: string[];
  /**
   * Roles of other accounts that deploy the registered models (the deployment targets' model
   * execution and deployment roles): exact role ARNs, or ARN patterns
   * (`arn:aws:iam::*:role/mlops-*-model-execution`) where exact ARNs would outgrow the policy;
   * either honoured only in exactly these accounts.
   * @default no cross-account access
   */
  readonly readers?: {
    readonly accountIds: string[];
    readonly principalArns: string[];
  };
}

/**
 * Model package groups, protected from destroy, each with a resource policy that lets the named
 * roles of other accounts describe and list its versions and create models from them. The
 * policy names each account's principal and the roles by `aws:PrincipalArn`, so it applies
 * before those accounts are deployed.
 */
export class ModelRegistry extends Construct {
  readonly groups: Record<string, SagemakerModelPackageGroup> = {};

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const accounts = props.readers?.accountIds ?? [];
    for (const name of props.groupNames) {
      const group = new SagemakerModelPackageGroup(this, `group-${name}`, {
        modelPackageGroupName: name,
        modelPackageGroupDescription: `Model versions of ${name}; approved versions deploy to the targets`,
        lifecycle: { preventDestroy: true },
      });
      this.groups[name] = group;
      if (accounts.length === 0) continue;
      const principal = {
        AWS: accounts.map((a) => accountRoot(props.environment.partition, a)),
      };
      const condition = { ArnLike: { "aws:PrincipalArn": props.readers!.principalArns } };
      const statements: PolicyStatement[] = [
        {
          Sid: "DeploymentTargetsReadTheGroup",
          Effect: "Allow",
          Principal: principal,
          Action: "sagemaker:DescribeModelPackageGroup",
          Resource: arn(props.environment, "sagemaker", `model-package-group/${name}`),
          Condition: condition,
        },
        {
          Sid: "DeploymentTargetsUseItsVersions",
          Effect: "Allow",
          Principal: principal,
          Action: [
            "sagemaker:CreateModel",
            "sagemaker:DescribeModelPackage",
            "sagemaker:ListModelPackages",
          ],
          Resource: arn(props.environment, "sagemaker", `model-package/${name}/*`),
          Condition: condition,
        },
      ];
      const resourcePolicy = renderPolicy(statements);
      const size = estimatedPolicySize(resourcePolicy);
      if (size > MODEL_PACKAGE_GROUP_POLICY_MAX_CHARS) {
        throw new Error(
          `${this.node.path}: the policy of model package group ${name} is about ${size} characters; SageMaker allows ${MODEL_PACKAGE_GROUP_POLICY_MAX_CHARS}`,
        );
      }
      new SagemakerModelPackageGroupPolicy(this, `policy-${name}`, {
        modelPackageGroupName: group.modelPackageGroupName,
        resourcePolicy,
      });
    }
  }
}
