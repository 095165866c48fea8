import { SagemakerServicecatalogPortfolioStatus } from "@cdktf/provider-aws/lib/sagemaker-servicecatalog-portfolio-status";
import { Construct } from "constructs";
import { arn, type AwsEnvironment, roleArn } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { IamRole } from "../iam/iam-role";
import { sageMakerWorkStatements } from "./permissions";
import {
  denyLeavingTheBuildDuty,
  denyModelApproval,
  sageMakerGuardrails,
  type SageMakerGuardrailProps,
} from "./guardrails";
import { serviceTrust } from "../iam/service-trust";

export interface SageMakerProjectsProps {
  readonly environment: AwsEnvironment;
  /** The SageMaker execution roles project pipelines may pass to SageMaker. */
  readonly sageMakerRoleArns: string[];
  /** The platform's subnets and security groups: the use role gets the same guardrails as every execution role. */
  readonly network: SageMakerGuardrailProps;
}

/** The names SageMaker projects look these roles up by. */
export const LAUNCH_ROLE_NAME = "AmazonSageMakerServiceCatalogProductsLaunchRole";
export const USE_ROLE_NAME = "AmazonSageMakerServiceCatalogProductsUseRole";

/**
 * SageMaker projects: the SageMaker Service Catalog portfolio enabled, and the two roles its
 * MLOps templates run as, with permissions scoped to the resources those templates create,
 * which SageMaker names `sagemaker-*` (and Service Catalog's stacks `SC-*`), instead of the broad
 * AWS managed policies. The use role runs SageMaker work from CodeBuild and CodePipeline, so it
 * carries the execution roles' guardrails and build-duty limits: VPC and keys required, no
 * approval, no role of another duty.
 */
export class SageMakerProjects extends Construct {
  readonly launchRole: IamRole;
  readonly useRole: IamRole;

  constructor(scope: Construct, id: string, props: SageMakerProjectsProps) {
    super(scope, id);
    const env = props.environment;

    new SagemakerServicecatalogPortfolioStatus(this, "portfolio", { status: "Enabled" });

    this.useRole = new IamRole(this, "use-role", {
      roleName: USE_ROLE_NAME,
      path: "/service-role/",
      description: "Runs the build, pipeline and deployment steps of SageMaker projects",
      trustStatements: [
        serviceTrust(env, {
          sid: "ProjectServicesOfThisAccount",
          services: [
            "cloudformation.amazonaws.com",
            "codebuild.amazonaws.com",
            "codepipeline.amazonaws.com",
            "events.amazonaws.com",
            "sagemaker.amazonaws.com",
          ],
        }),
      ],
    });
    this.launchRole = new IamRole(this, "launch-role", {
      roleName: LAUNCH_ROLE_NAME,
      path: "/service-role/",
      description: "Launches SageMaker project templates from Service Catalog",
      trustStatements: [
        serviceTrust(env, {
          sid: "ServiceCatalogOfThisAccount",
          services: "servicecatalog.amazonaws.com",
        }),
      ],
    });

    const resources = projectResources(env);
    for (const s of launchStatements(env, resources)) this.launchRole.addToPolicy(s);
    for (const s of useStatements(env, resources, props.sageMakerRoleArns)) {
      this.useRole.addToPolicy(s);
    }
    for (const s of sageMakerWorkStatements(env)) this.useRole.addToPolicy(s);
    for (const s of [
      ...sageMakerGuardrails(props.network),
      ...denyModelApproval(),
      ...denyLeavingTheBuildDuty([resources.useRoleArn, ...props.sageMakerRoleArns]),
    ]) {
      this.useRole.addToPolicy(s, "guardrails");
    }
  }
}

/** What the project templates create, all named by SageMaker `sagemaker-*`. */
interface ProjectResources {
  readonly useRoleArn: string;
  readonly projectBuckets: string[];
  readonly repositories: string;
  readonly buildProjects: string;
  readonly pipelines: string;
  readonly rules: string;
}

function projectResources(env: AwsEnvironment): ProjectResources {
  return {
    // The ARN written out (not a reference) so reviewers read which role may be passed.
    useRoleArn: roleArn(env.partition, env.accountId, USE_ROLE_NAME, "/service-role/"),
    projectBuckets: [
      `arn:${env.partition}:s3:::sagemaker-project-*`,
      `arn:${env.partition}:s3:::sagemaker-project-*/*`,
    ],
    repositories: arn(env, "codecommit", "sagemaker-*"),
    buildProjects: arn(env, "codebuild", "project/sagemaker-*"),
    pipelines: arn(env, "codepipeline", "sagemaker-*"),
    rules: arn(env, "events", "rule/sagemaker-*"),
  };
}

/** The launch role: provision the templates' stacks and the resources they create; pass the use role. */
function launchStatements(env: AwsEnvironment, r: ProjectResources): PolicyStatement[] {
  const { useRoleArn, projectBuckets, repositories, buildProjects, pipelines, rules } = r;
  return [
    {
      Sid: "ProvisionTemplateStacks",
      Action: [
        "cloudformation:CreateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStacks",
        "cloudformation:GetTemplateSummary",
        "cloudformation:SetStackPolicy",
        "cloudformation:UpdateStack",
      ],
      Resource: arn(env, "cloudformation", "stack/SC-*"),
    },
    {
      Sid: "CreateProjectResources",
      Action: [
        "codebuild:BatchGetProjects",
        "codebuild:CreateProject",
        "codebuild:DeleteProject",
        "codebuild:UpdateProject",
        "codecommit:CreateRepository",
        "codecommit:DeleteRepository",
        "codecommit:GetRepository",
        "codecommit:TagResource",
        "codepipeline:CreatePipeline",
        "codepipeline:DeletePipeline",
        "codepipeline:GetPipeline",
        "codepipeline:GetPipelineState",
        "codepipeline:TagResource",
        "codepipeline:UpdatePipeline",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
      ],
      Resource: [repositories, buildProjects, pipelines, rules],
    },
    {
      Sid: "CreateProjectBuckets",
      Action: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
      ],
      Resource: projectBuckets.slice(0, 1),
    },
    {
      Sid: "PassTheUseRole",
      Action: "iam:PassRole",
      Resource: useRoleArn,
      Condition: {
        StringEquals: {
          "iam:PassedToService": [
            "codebuild.amazonaws.com",
            "codepipeline.amazonaws.com",
            "events.amazonaws.com",
            "sagemaker.amazonaws.com",
          ],
        },
      },
    },
  ].map((s) => ({ Effect: "Allow", ...s }));
}

/** The use role: run the projects' builds and pipelines, deploy their stacks, pass SageMaker roles. */
function useStatements(
  env: AwsEnvironment,
  r: ProjectResources,
  sageMakerRoleArns: string[],
): PolicyStatement[] {
  const { useRoleArn, projectBuckets, repositories, buildProjects, pipelines } = r;
  return [
    {
      Sid: "ProjectArtifacts",
      Action: [
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:PutObject",
      ],
      Resource: projectBuckets,
    },
    {
      Sid: "BuildAndRunPipelines",
      Action: [
        "codebuild:BatchGetBuilds",
        "codebuild:StartBuild",
        "codecommit:GetBranch",
        "codecommit:GetCommit",
        "codecommit:GetUploadArchiveStatus",
        "codecommit:UploadArchive",
        "codepipeline:StartPipelineExecution",
      ],
      Resource: [repositories, buildProjects, pipelines],
    },
    {
      Sid: "BuildLogs",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [
        arn(env, "logs", "log-group:/aws/codebuild/sagemaker-*"),
        arn(env, "logs", "log-group:/aws/codebuild/sagemaker-*:log-stream:*"),
      ],
    },
    {
      Sid: "DeployStacks",
      Action: [
        "cloudformation:CreateChangeSet",
        "cloudformation:CreateStack",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeChangeSet",
        "cloudformation:DescribeStacks",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:UpdateStack",
      ],
      Resource: arn(env, "cloudformation", "stack/sagemaker-*"),
    },
    {
      Sid: "PassSageMakerRoles",
      Action: "iam:PassRole",
      Resource: [useRoleArn, ...sageMakerRoleArns],
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    },
  ].map((s) => ({ Effect: "Allow", ...s }));
}
