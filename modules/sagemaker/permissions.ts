import { concatLists, mapList } from "../core/token-lists";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { iamPolicyVariable, type PolicyStatement } from "../iam/iam-policy";
import { STUDIO_USER_TAG } from "../iam/persona-trust";
import { serviceTrust } from "../iam/service-trust";

/**
 * Least-privilege statements for SageMaker execution and persona roles: explicit action lists
 * on this account's and region's resources. Bucket and key access is not here: it comes from
 * the bucket construct's grants.
 */

function sm(env: AwsEnvironment, ...resources: string[]): string[] {
  return resources.map((r) => arn(env, "sagemaker", r));
}

/** Trust of an execution role: SageMaker, acting for this account's resources only. */
export function sageMakerServiceTrust(env: AwsEnvironment): PolicyStatement {
  return serviceTrust(env, {
    sid: "SageMakerOfThisAccount",
    services: "sagemaker.amazonaws.com",
    sourceArns: arn(env, "sagemaker", "*"),
  });
}

/** What jobs, models, experiments, pipelines and registrations need. */
export function sageMakerWorkStatements(env: AwsEnvironment): PolicyStatement[] {
  return [
    {
      Sid: "RunJobs",
      Effect: "Allow",
      Action: [
        "sagemaker:AddTags",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:DescribeProcessingJob",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:DescribeTransformJob",
        "sagemaker:StopHyperParameterTuningJob",
        "sagemaker:StopProcessingJob",
        "sagemaker:StopTrainingJob",
        "sagemaker:StopTransformJob",
      ],
      Resource: sm(
        env,
        "training-job/*",
        "processing-job/*",
        "transform-job/*",
        "hyper-parameter-tuning-job/*",
      ),
    },
    {
      Sid: "ManageModels",
      Effect: "Allow",
      Action: ["sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:DescribeModel"],
      Resource: sm(env, "model/*"),
    },
    {
      Sid: "TrackExperiments",
      Effect: "Allow",
      Action: [
        "sagemaker:AssociateTrialComponent",
        "sagemaker:CreateExperiment",
        "sagemaker:CreateTrial",
        "sagemaker:CreateTrialComponent",
        "sagemaker:DescribeExperiment",
        "sagemaker:DescribeTrial",
        "sagemaker:DescribeTrialComponent",
        "sagemaker:UpdateTrialComponent",
      ],
      Resource: sm(env, "experiment/*", "experiment-trial/*", "experiment-trial-component/*"),
    },
    {
      Sid: "RunPipelines",
      Effect: "Allow",
      Action: [
        "sagemaker:CreatePipeline",
        "sagemaker:DescribePipeline",
        "sagemaker:DescribePipelineDefinitionForExecution",
        "sagemaker:DescribePipelineExecution",
        "sagemaker:ListPipelineExecutionSteps",
        "sagemaker:StartPipelineExecution",
        "sagemaker:StopPipelineExecution",
        "sagemaker:UpdatePipeline",
      ],
      Resource: sm(env, "pipeline/*"),
    },
    {
      Sid: "RegisterModelVersions",
      Effect: "Allow",
      Action: [
        "sagemaker:CreateModelPackage",
        "sagemaker:DescribeModelPackage",
        "sagemaker:DescribeModelPackageGroup",
      ],
      Resource: sm(env, "model-package-group/*", "model-package/*"),
    },
    {
      // List and search actions accept no resource but "*"; they only read metadata.
      Sid: "ListSageMakerWork",
      Effect: "Allow",
      Action: [
        "sagemaker:ListExperiments",
        "sagemaker:ListHyperParameterTuningJobs",
        "sagemaker:ListModelPackageGroups",
        "sagemaker:ListModelPackages",
        "sagemaker:ListModels",
        "sagemaker:ListPipelineExecutions",
        "sagemaker:ListPipelines",
        "sagemaker:ListProcessingJobs",
        "sagemaker:ListTrainingJobs",
        "sagemaker:ListTransformJobs",
        "sagemaker:ListTrialComponents",
        "sagemaker:ListTrials",
        "sagemaker:Search",
      ],
      Resource: "*",
    },
  ];
}

/** The ECR actions that pull an image. */
export const ECR_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

/**
 * What a job's container needs around it: logs, metrics, images, network interfaces. Images:
 * `any-of-the-region` for the data science account's build roles (SageMaker's built-in algorithm
 * and framework images live in AWS-owned accounts; their own images in any repository), `none`
 * where the caller names exactly which repositories (a deployment target's execution role).
 */
export function sageMakerRuntimeStatements(
  env: AwsEnvironment,
  network: { subnetIds: string[]; securityGroupIds: string[] },
  options: { readonly images: "any-of-the-region" | "none" },
): PolicyStatement[] {
  const logGroup = arn(env, "logs", "log-group:/aws/sagemaker/*");
  return [
    {
      Sid: "WriteSageMakerLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
      ],
      Resource: [logGroup, `${logGroup}:log-stream:*`],
    },
    {
      Sid: "PutSageMakerMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: {
        StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] },
      },
    },
    {
      Sid: "AuthenticateToEcr",
      Effect: "Allow",
      Action: "ecr:GetAuthorizationToken",
      Resource: "*",
    },
    ...(options.images === "any-of-the-region"
      ? [
          {
            Sid: "PullImages",
            Effect: "Allow" as const,
            Action: ECR_PULL_ACTIONS,
            Resource: `arn:${env.partition}:ecr:${env.region}:*:repository/*`,
          },
        ]
      : []),
    {
      Sid: "DescribeNetwork",
      Effect: "Allow",
      Action: [
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      Resource: "*",
    },
    {
      Sid: "NetworkInterfacesInThePlatformSubnets",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
        "ec2:DeleteNetworkInterfacePermission",
      ],
      Resource: concatLists(
        [arn(env, "ec2", "network-interface/*")],
        mapList(network.subnetIds, (id) => arn(env, "ec2", `subnet/${id}`)),
        mapList(network.securityGroupIds, (id) => arn(env, "ec2", `security-group/${id}`)),
      ),
    },
  ];
}

/** What Studio apps of one domain do with the execution role. */
export function studioAppStatements(env: AwsEnvironment, domainId: string): PolicyStatement[] {
  // The user profile the Studio app runs for: SageMaker puts the domain and profile of the app
  // into the execution role's request context (`${sagemaker:UserProfileName}`, as in AWS's
  // "Give your users access to spaces" policy). An execution role is shared by every user of a
  // persona, so without these conditions one user could delete another's private space and its
  // storage, or its apps.
  const ownProfile = sm(
    env,
    `user-profile/${domainId}/${iamPolicyVariable("sagemaker:UserProfileName")}`,
  );
  return [
    {
      Sid: "StudioOfThisDomain",
      Effect: "Allow",
      Action: [
        "sagemaker:DescribeApp",
        "sagemaker:DescribeDomain",
        "sagemaker:DescribeSpace",
        "sagemaker:DescribeUserProfile",
      ],
      Resource: sm(
        env,
        `domain/${domainId}`,
        `user-profile/${domainId}/*`,
        `app/${domainId}/*`,
        `space/${domainId}/*`,
      ),
    },
    {
      // Private and shared spaces the caller owns: create, change, delete.
      Sid: "OwnSpaces",
      Effect: "Allow",
      Action: ["sagemaker:CreateSpace", "sagemaker:DeleteSpace", "sagemaker:UpdateSpace"],
      Resource: sm(env, `space/${domainId}/*`),
      Condition: {
        ArnLike: { "sagemaker:OwnerUserProfileArn": ownProfile },
        StringEquals: { "sagemaker:SpaceSharingType": ["Private", "Shared"] },
      },
    },
    {
      // Apps of the caller's own private spaces, and of shared spaces (which the team uses).
      Sid: "AppsOfOwnPrivateSpaces",
      Effect: "Allow",
      Action: ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
      Resource: sm(env, `app/${domainId}/*`),
      Condition: {
        ArnLike: { "sagemaker:OwnerUserProfileArn": ownProfile },
        StringEquals: { "sagemaker:SpaceSharingType": "Private" },
      },
    },
    {
      Sid: "AppsOfSharedSpaces",
      Effect: "Allow",
      Action: ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
      Resource: sm(env, `app/${domainId}/*`),
      Condition: { StringEquals: { "sagemaker:SpaceSharingType": "Shared" } },
    },
    {
      // Apps with no owner (the profile's own default apps), as AWS's space policy example does.
      Sid: "AppsWithoutOwner",
      Effect: "Allow",
      Action: ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
      Resource: sm(env, `app/${domainId}/*`),
      Condition: { Null: { "sagemaker:OwnerUserProfileArn": "true" } },
    },
    {
      Sid: "ListStudio",
      Effect: "Allow",
      Action: ["sagemaker:ListApps", "sagemaker:ListSpaces", "sagemaker:ListUserProfiles"],
      Resource: "*",
    },
  ];
}

/** Pass only the platform's SageMaker roles, only to SageMaker. */
export function passSageMakerRoles(roleArns: string[]): PolicyStatement {
  return {
    Sid: "PassOnlyPlatformSageMakerRoles",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: roleArns,
    Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  };
}

/** Approve or reject model versions: the model approver persona's right, and no one else's. */
export function approveModelVersions(env: AwsEnvironment): PolicyStatement {
  return {
    Sid: "ApproveModelVersions",
    Effect: "Allow",
    Action: "sagemaker:UpdateModelPackage",
    Resource: sm(env, "model-package/*"),
    Condition: {
      StringEquals: { "sagemaker:ModelApprovalStatus": ["Approved", "Rejected"] },
    },
  };
}

/** Read the model registry: groups, versions and their metadata. */
export function readTheRegistry(env: AwsEnvironment): PolicyStatement[] {
  return [
    {
      Sid: "ListTheRegistry",
      Effect: "Allow",
      Action: ["sagemaker:ListModelPackageGroups", "sagemaker:ListModelPackages"],
      Resource: "*",
    },
    {
      Sid: "ReadTheRegistry",
      Effect: "Allow",
      Action: ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"],
      Resource: sm(env, "model-package-group/*", "model-package/*"),
    },
  ];
}

/**
 * Open Studio as one's own user profile: the one whose `studio-user` tag equals the session's
 * `studio-user` tag. A session without the tag opens no profile.
 */
export function openStudio(env: AwsEnvironment, domainId: string): PolicyStatement[] {
  return [
    {
      Sid: "OpenOwnStudioUserProfile",
      Effect: "Allow",
      Action: "sagemaker:CreatePresignedDomainUrl",
      Resource: sm(env, `user-profile/${domainId}/*`),
      Condition: {
        StringEquals: {
          [`sagemaker:ResourceTag/${STUDIO_USER_TAG}`]: iamPolicyVariable(
            `aws:PrincipalTag/${STUDIO_USER_TAG}`,
          ),
        },
      },
    },
    {
      Sid: "SeeUserProfiles",
      Effect: "Allow",
      Action: "sagemaker:DescribeUserProfile",
      Resource: sm(env, `user-profile/${domainId}/*`),
    },
    {
      Sid: "SeeTheDomain",
      Effect: "Allow",
      Action: ["sagemaker:DescribeDomain"],
      Resource: sm(env, `domain/${domainId}`),
    },
    {
      Sid: "ListStudioAndRegistry",
      Effect: "Allow",
      Action: [
        "sagemaker:ListApps",
        "sagemaker:ListDomains",
        "sagemaker:ListModelPackageGroups",
        "sagemaker:ListModelPackages",
        "sagemaker:ListUserProfiles",
      ],
      Resource: "*",
    },
    {
      Sid: "ReadTheRegistry",
      Effect: "Allow",
      Action: ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"],
      Resource: sm(env, "model-package-group/*", "model-package/*"),
    },
  ];
}

/** Create, change and delete the domain's user profiles. */
export function manageUserProfiles(env: AwsEnvironment, domainId: string): PolicyStatement {
  return {
    Sid: "ManageUserProfiles",
    Effect: "Allow",
    Action: [
      "sagemaker:AddTags",
      "sagemaker:CreateUserProfile",
      "sagemaker:DeleteUserProfile",
      "sagemaker:UpdateUserProfile",
    ],
    Resource: sm(env, `user-profile/${domainId}/*`),
  };
}

/** Change the domain's settings (the data science administrator's right). */
export function administerDomain(env: AwsEnvironment, domainId: string): PolicyStatement {
  return {
    Sid: "AdministerTheDomain",
    Effect: "Allow",
    Action: ["sagemaker:DescribeDomain", "sagemaker:UpdateDomain"],
    Resource: sm(env, `domain/${domainId}`),
  };
}
