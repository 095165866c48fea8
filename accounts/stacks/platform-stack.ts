import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import {
  CloudBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
} from "../../modules/core/cdktf";
import { stackAwsProviderConstraint } from "../../modules/core/aws-provider-version";
import {
  type AccountConfig,
  type DataScienceAccountConfig,
  type DeploymentTargetAccountConfig,
  type PlatformConfig,
} from "../config/schema/platform";
import { namingInput } from "../naming";
import { AccountNames } from "../naming";

export interface PlatformStackProps {
  readonly config: PlatformConfig;
  /** The account's key in `config.accounts`. */
  readonly accountName: string;
}

/** Terraform versions the state settings need: S3 native locking came in 1.10. */
export function requiredTerraformVersion(config: PlatformConfig): string {
  // 1.6.1 brought the nested assume_role block and KMS aliases back to the S3 backend.
  return config.state.locking === "lockfile" ? ">= 1.10.0" : ">= 1.6.1";
}

/** Whether an account is of one of `kinds`, the kinds of `A` (narrows its type to `A`). */
export function isAccountOf<A extends AccountConfig>(
  account: AccountConfig,
  kinds: readonly A["type"][],
): account is A {
  return kinds.some((kind) => kind === account.type);
}

/**
 * The config of account `name`, when it is of one of `kinds`; an error naming `who`, the account
 * and the kinds otherwise (the loader's checks make that a programming error, not a config one).
 */
export function accountOfKind<A extends AccountConfig>(
  config: PlatformConfig,
  name: string,
  kinds: readonly A["type"][],
  who: string,
): A {
  const account = config.accounts[name];
  if (account === undefined || !isAccountOf<A>(account, kinds)) {
    throw new Error(
      `${who} needs an account of type ${kinds.map((k) => `"${k}"`).join(" or ")}; accounts.${name} is ${account === undefined ? "missing" : `"${account.type}"`}`,
    );
  }
  return account;
}

/** A stack of the data science account. */
export type DataScienceStack = PlatformStack<DataScienceAccountConfig>;
/** A stack of a deployment target account. */
export type DeploymentTargetStack = PlatformStack<DeploymentTargetAccountConfig>;

/** Tags every resource of an account gets through the provider. */
export function defaultTags(config: PlatformConfig, accountName: string): Record<string, string> {
  return {
    ...config.tags,
    project: config.prefix,
    environment: accountName,
    "managed-by": "cdktf",
  };
}

/**
 * A stack deployed into one AWS account: an AWS provider that assumes the account's deploy role
 * and refuses to act in any other account, the platform's default tags, and the Terraform
 * version the state settings need. Every stack of the platform extends it.
 */
export abstract class PlatformStack<
  A extends AccountConfig = AccountConfig,
> extends TerraformStack {
  readonly config: PlatformConfig;
  readonly accountName: string;
  /** The account's config, of a kind this stack is for (checked when the stack is made). */
  readonly account: A;
  readonly names: AccountNames;
  readonly provider: AwsProvider;
  /** The role the provider assumes: the deploy role, or another for a run (CI plans). */
  readonly roleArnVariable: TerraformVariable;
  private readonly regionalProviders = new Map<string, AwsProvider>();

  /** @param kinds the kinds of account this stack is for; another fails here, naming them. */
  constructor(
    scope: Construct,
    id: string,
    props: PlatformStackProps,
    kinds: readonly A["type"][],
  ) {
    super(scope, id);
    this.config = props.config;
    this.accountName = props.accountName;
    this.account = accountOfKind<A>(
      props.config,
      props.accountName,
      kinds,
      `${id}: ${new.target.name}`,
    );
    this.names = new AccountNames(namingInput(props.config, props.accountName));
    this.roleArnVariable = new TerraformVariable(this, "aws_role_arn", {
      type: "string",
      default: this.names.deployRoleArn,
      description:
        "Role the AWS provider assumes: the deploy role to apply; CI plans pass their read-only plan role (-var aws_role_arn=...)",
    });

    this.provider = new AwsProvider(this, "aws", this.providerConfig(this.config.region));
    this.addOverride("terraform.required_version", requiredTerraformVersion(this.config));
    // A range from the tested provider to the next major version, instead of the bindings' pin.
    this.addOverride("terraform.required_providers.aws.version", stackAwsProviderConstraint());
  }

  /**
   * The provider for another region of the same account (replicas): same deploy role, same
   * account guard, same tags; alias `<region>`.
   */
  providerFor(region: string): AwsProvider {
    let provider = this.regionalProviders.get(region);
    if (provider === undefined) {
      provider = new AwsProvider(this, `aws-${region}`, {
        ...this.providerConfig(region),
        alias: region,
      });
      this.regionalProviders.set(region, provider);
    }
    return provider;
  }

  private providerConfig(region: string) {
    return {
      region,
      allowedAccountIds: [this.account.accountId],
      assumeRole: [{ roleArn: this.roleArnVariable.stringValue, sessionName: this.sessionName }],
      defaultTags: [{ tags: defaultTags(this.config, this.accountName) }],
    };
  }

  /** Stack outputs, each with the description that plans and `terraform output` show. */
  addOutputs(outputs: Record<string, { value: unknown; description: string }>): void {
    for (const [id, o] of Object.entries(outputs)) {
      new TerraformOutput(this, id, { value: o.value, description: o.description });
    }
  }

  /** STS session name of this stack's Terraform runs; it shows in CloudTrail. */
  get sessionName(): string {
    return `${this.config.prefix}-${this.node.id}`.slice(0, 64);
  }

  /**
   * Keeps this stack's state in the account's state bucket (made by its bootstrap stack), or,
   * with `state.hcpTerraform`, in its own HCP Terraform workspace (`<prefix>-<stack id>`).
   */
  protected useAccountStateBackend(): void {
    const hcp = this.config.state.hcpTerraform;
    if (hcp !== undefined) {
      new CloudBackend(this, {
        organization: hcp.organization,
        hostname: hcp.hostname,
        workspaces: new NamedCloudWorkspace(this.names.hcpWorkspaceName(this.node.id), hcp.project),
      });
      return;
    }
    const locking = this.config.state.locking;
    new S3Backend(this, {
      bucket: this.names.stateBucketName,
      key: this.names.stateObjectKey(this.node.id),
      region: this.config.region,
      encrypt: true,
      kmsKeyId: this.names.stateKeyAliasArn,
      assumeRole: { roleArn: this.names.deployRoleArn, sessionName: this.sessionName },
      dynamodbTable: locking === "dynamodb" ? this.names.stateLockTableName : undefined,
    });
    if (locking === "lockfile") {
      // cdktf 0.21's S3Backend has no typed use_lockfile.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }
}
