import { accountRoot, iamArn, roleArn } from "../core/aws-environment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import type { AwsEnvironment } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { IamRole } from "../iam/iam-role";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** The apply role's session: 6 hours, the longest GitHub job (apply-accounts.yml asks for it). */
export const APPLY_SESSION_SECONDS = 21_600;

/** Describe/Get/List of the services the platform uses: the metadata Terraform refreshes. */
const PLAN_METADATA_ACTIONS = [
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetEventSelectors",
  "cloudtrail:GetInsightSelectors",
  "cloudtrail:GetTrail",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:ListTags",
  "codeartifact:DescribeDomain",
  "codeartifact:DescribeRepository",
  "codeartifact:GetDomainPermissionsPolicy",
  "codeartifact:GetRepositoryPermissionsPolicy",
  "codeartifact:ListTagsForResource",
  "dynamodb:DescribeContinuousBackups",
  "dynamodb:DescribeTable",
  "dynamodb:DescribeTimeToLive",
  "dynamodb:ListTagsOfResource",
  "config:DescribeConfigRules",
  "config:DescribeConfigurationRecorderStatus",
  "config:DescribeConfigurationRecorders",
  "config:DescribeDeliveryChannels",
  "config:ListTagsForResource",
  "ec2:Describe*",
  "events:DescribeRule",
  "events:ListTagsForResource",
  "events:ListTargetsByRule",
  "iam:Get*",
  "iam:List*",
  "kms:Describe*",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "logs:Describe*",
  "logs:ListTagsForResource",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "route53:GetHostedZone",
  "route53:ListResourceRecordSets",
  "route53:ListTagsForResource",
  "sagemaker:Describe*",
  "sagemaker:GetModelPackageGroupPolicy",
  "sagemaker:GetSagemakerServicecatalogPortfolioStatus",
  "sagemaker:List*",
  "secretsmanager:DescribeSecret",
  "servicequotas:GetAWSDefaultServiceQuota",
  "servicequotas:GetRequestedServiceQuotaChange",
  "servicequotas:GetServiceQuota",
  "sns:GetSubscriptionAttributes",
  "sns:GetTopicAttributes",
  "sns:ListTagsForResource",
  "sts:GetCallerIdentity",
];

/** Token subjects a role trusts: exact values, or patterns (`StringLike`). */
interface StringCondition {
  readonly like: boolean;
  readonly values: string | string[];
}

export interface GithubCiRolesProps {
  readonly environment: AwsEnvironment;
  /** `owner/name`. */
  readonly repository: string;
  /** GitHub environment the apply role trusts (its deployment branch rule names the branch). */
  readonly applyEnvironment: string;
  /** The protected branch applies run from; the apply role trusts no other ref. */
  readonly applyBranch: string;
  readonly planRoleName: string;
  readonly applyRoleName: string;
  /** The role Terraform assumes to apply; the apply role may assume it and nothing else. */
  readonly deployRoleArn: string;
  /** Create the account's OIDC provider; false when it exists (made elsewhere). */
  readonly createOidcProvider: boolean;
  /** What plans read besides AWS metadata: the state bucket and its lock. */
  readonly state: {
    readonly bucketName: string;
    /** Object keys of the states, with wildcards: `stacks/*`. */
    readonly objectPattern: string;
    readonly lockTableArn?: string;
  };
  /** Buckets whose configuration (never objects) plans read: `<prefix>-<env>-*`. */
  readonly bucketArnPattern: string;
  /**
   * The SSM parameter path the platform's own parameters live under (`/platform/<stem>/`):
   * plain `String` parameters (the MLflow server's certificate) that a plan refreshes. A
   * SecureString there would still not decrypt: no key policy lets the plan role use a key.
   */
  readonly parameterPath: string;
}

/**
 * CI identity without long-lived keys: the GitHub Actions OIDC provider and two roles, both
 * scoped by the token's `aud` and exact `sub` to one repository, never an organisation-wide
 * wildcard. The plan role serves pull requests: it reads AWS metadata (never data), reads the
 * state and takes its lock. The apply role serves one GitHub environment and may only assume the
 * deploy role.
 */
export class GithubCiRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  readonly providerArn: string;

  constructor(scope: Construct, id: string, props: GithubCiRolesProps) {
    super(scope, id);
    const env = props.environment;
    this.providerArn = iamArn(env.partition, env.accountId, `oidc-provider/${GITHUB_OIDC_HOST}`);
    if (props.createOidcProvider) {
      const provider = new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ["sts.amazonaws.com"],
      });
      this.providerArn = provider.arn;
    }
    const github = (sid: string, subject: StringCondition): PolicyStatement => ({
      Sid: sid,
      Effect: "Allow",
      Principal: { Federated: this.providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
          ...(subject.like ? {} : { [`${GITHUB_OIDC_HOST}:sub`]: subject.values }),
        },
        ...(subject.like ? { StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: subject.values } } : {}),
      },
    });
    const planRoleArn = roleArn(env.partition, env.accountId, props.planRoleName);

    this.planRole = new IamRole(this, "plan-role", {
      roleName: props.planRoleName,
      description: `Plans pull requests of ${props.repository}: reads metadata and state, locks state`,
      trustStatements: [
        // The default subject, and the one with the ref claim the apply role needs.
        github("PullRequestsOfTheRepository", {
          like: true,
          values: [
            `repo:${props.repository}:pull_request`,
            `repo:${props.repository}:pull_request:ref:refs/pull/*/merge`,
          ],
        }),
        {
          // Terraform's provider and backend assume the role named in the stack; in a plan run
          // that is this role itself (-var aws_role_arn), so it must trust itself, by exact ARN.
          Sid: "ItselfForTerraform",
          Effect: "Allow",
          Principal: { AWS: accountRoot(env.partition, env.accountId) },
          Action: "sts:AssumeRole",
          Condition: { ArnEquals: { "aws:PrincipalArn": planRoleArn } },
        },
      ],
    });
    this.applyRole = new IamRole(this, "apply-role", {
      roleName: props.applyRoleName,
      // A job's whole length (GitHub stops a job at 6 hours): Terraform assumes the deploy role
      // from these credentials, a chained session of at most 1 hour that the provider and the S3
      // backend assume again when it ends, which works only while these credentials last.
      maxSessionDuration: APPLY_SESSION_SECONDS,
      description: `Applies merged changes of ${props.repository} from the ${props.applyEnvironment} environment`,
      trustStatements: [
        github("TheAccountsEnvironmentOnTheBranch", {
          like: false,
          values: `repo:${props.repository}:environment:${props.applyEnvironment}:ref:refs/heads/${props.applyBranch}`,
        }),
      ],
    });

    for (const s of planStatements(props, planRoleArn)) this.planRole.addToPolicy(s);

    this.applyRole.addToPolicy({
      Sid: "AssumeTheDeployRoleOnly",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      // Only its own account's deploy role: never the data science account's model deployer,
      // which reaches every target (each target's deployments pass its own environment).
      Resource: props.deployRoleArn,
    });
  }
}

/**
 * The plan role's statements: AWS metadata Terraform refreshes (never data), AWS's public and the
 * platform's own parameters, the platform buckets' configuration, the state and its lock, and
 * itself (Terraform assumes the role the stack names).
 */
function planStatements(props: GithubCiRolesProps, planRoleArn: string): PolicyStatement[] {
  const env = props.environment;
  const stateArn = `arn:${env.partition}:s3:::${props.state.bucketName}`;
  const plan: PolicyStatement[] = [
    {
      // Describe/Get/List of the services the platform uses: metadata Terraform refreshes.
      Sid: "ReadPlatformMetadata",
      Effect: "Allow",
      Action: PLAN_METADATA_ACTIONS,
      Resource: "*",
    },
    {
      // AWS's public parameters (the latest AMI ids). Their ARNs have no account; `*` matches
      // that, and SSM refuses parameter names starting with "aws" in any account.
      Sid: "ReadPublicAwsParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: `arn:${env.partition}:ssm:${env.region}:*:parameter/aws/service/*`,
    },
    {
      // The platform's own parameters, under its path only; never another parameter of the
      // account, whose SecureString values decrypt with the AWS managed key.
      Sid: "ReadPlatformParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"],
      Resource: `arn:${env.partition}:ssm:${env.region}:${env.accountId}:parameter${props.parameterPath}*`,
    },
    {
      // The account's Automation documents (the response to unguarded jobs): their content and
      // who they are shared with. Documents hold steps, not secrets.
      Sid: "ReadAutomationDocuments",
      Effect: "Allow",
      Action: [
        "ssm:DescribeDocument",
        "ssm:DescribeDocumentPermission",
        "ssm:GetDocument",
        "ssm:ListTagsForResource",
      ],
      Resource: `arn:${env.partition}:ssm:${env.region}:${env.accountId}:document/*`,
    },
    {
      // Parameter metadata (names, types, tiers; never values), which refresh reads.
      Sid: "DescribeParameters",
      Effect: "Allow",
      Action: "ssm:DescribeParameters",
      Resource: "*",
    },
    {
      Sid: "ReadPlatformBucketConfiguration",
      Effect: "Allow",
      Action: [
        "s3:GetAccelerateConfiguration",
        "s3:GetBucket*",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
      ],
      Resource: props.bucketArnPattern,
    },
    {
      Sid: "ReadTheState",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${stateArn}/${props.state.objectPattern}`,
    },
    {
      Sid: "LockTheState",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:PutObject"],
      Resource: `${stateArn}/${props.state.objectPattern}.tflock`,
    },
  ];
  if (props.state.lockTableArn !== undefined) {
    plan.push({
      Sid: "LockTheStateTable",
      Effect: "Allow",
      Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: props.state.lockTableArn,
    });
  }
  plan.push({
    Sid: "AssumeItselfForTerraform",
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: planRoleArn,
  });
  return plan;
}
