/** Where a module's resources live: what ARNs, service principals and conditions depend on. */
export interface AwsEnvironment {
  readonly accountId: string;
  readonly region: string;
  /** ARN partition: `aws`, `aws-us-gov`, `aws-cn`. */
  readonly partition: string;
  /** DNS suffix of service endpoints: `amazonaws.com`, `amazonaws.com.cn`. */
  readonly dnsSuffix: string;
}

/**
 * The AWS services the platform names in ARNs, `kms:ViaService` values and service principals: a
 * union, so a misspelt service fails `tsc` instead of a policy that matches nothing.
 */
export type AwsService =
  | "cloudformation"
  | "cloudtrail"
  | "codeartifact"
  | "codebuild"
  | "codecommit"
  | "codepipeline"
  | "config"
  | "dynamodb"
  | "ec2"
  | "ecr"
  | "elasticfilesystem"
  | "events"
  | "iam"
  | "kms"
  | "logs"
  | "rds"
  | "s3"
  | "sagemaker"
  | "secretsmanager"
  | "servicecatalog"
  | "sns"
  | "ssm"
  | "sts"
  | "vpc-flow-logs";

/** A service principal: `sagemaker.amazonaws.com`. */
export type ServicePrincipal = `${AwsService}.amazonaws.com`;

/** The `kms:ViaService` value of a service in the environment's region: `s3.eu-west-1.amazonaws.com`. */
export function viaService(env: AwsEnvironment, service: AwsService): string {
  return `${service}.${env.region}.${env.dnsSuffix}`;
}

export function arn(
  env: AwsEnvironment,
  service: AwsService,
  resource: string,
  region = env.region,
): string {
  return `arn:${env.partition}:${service}:${region}:${env.accountId}:${resource}`;
}

/**
 * An IAM ARN: `arn:<partition>:iam::<account>:<resource>` (IAM is global, so no region). The one
 * place the platform spells IAM ARNs.
 */
export function iamArn(partition: string, account: string, resource: string): string {
  return `arn:${partition}:iam::${account}:${resource}`;
}

/** The account principal: `arn:<partition>:iam::<account>:root`. */
export function accountRoot(partition: string, account: string): string {
  return iamArn(partition, account, "root");
}

/** A role's ARN: `arn:<partition>:iam::<account>:role<path><name>` (path `/` by default). */
export function roleArn(partition: string, account: string, name: string, path = "/"): string {
  return iamArn(partition, account, `role${path}${name}`);
}

/** A statement id from any name: letters and digits only. */
export function sid(...parts: string[]): string {
  return parts
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}

/** The account id of an ARN (its fifth field). */
export function accountOf(arn: string): string {
  return arn.split(":")[4];
}

/** The account principal of an ARN's account: `arn:<partition>:iam::<account>:root`. */
export function accountRootOf(arn: string): string {
  const [, partition, , , account] = arn.split(":");
  return accountRoot(partition, account);
}
