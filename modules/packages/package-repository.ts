import { CodeartifactDomain } from "@cdktf/provider-aws/lib/codeartifact-domain";
import { CodeartifactDomainPermissionsPolicy } from "@cdktf/provider-aws/lib/codeartifact-domain-permissions-policy";
import { CodeartifactRepository } from "@cdktf/provider-aws/lib/codeartifact-repository";
import { CodeartifactRepositoryPermissionsPolicy } from "@cdktf/provider-aws/lib/codeartifact-repository-permissions-policy";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { Token } from "../core/cdktf";
import type { PolicyDocument, PolicyStatement } from "../iam/iam-policy";
import type { KmsKey } from "../kms/kms-key";

/** CodeArtifact domain names: 2 to 50 lowercase letters, digits and hyphens, a letter first. */
export const CODEARTIFACT_DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;

/** What changes or removes packages, repositories or the domain: nobody's but Terraform's. */
export const CODEARTIFACT_DESTRUCTIVE_ACTIONS = [
  "codeartifact:AssociateExternalConnection",
  "codeartifact:DeleteDomain",
  "codeartifact:DeleteDomainPermissionsPolicy",
  "codeartifact:DeletePackage",
  "codeartifact:DeletePackageVersions",
  "codeartifact:DeleteRepository",
  "codeartifact:DeleteRepositoryPermissionsPolicy",
  "codeartifact:DisassociateExternalConnection",
  "codeartifact:DisposePackageVersions",
  "codeartifact:PutDomainPermissionsPolicy",
  "codeartifact:PutPackageOriginConfiguration",
  "codeartifact:PutRepositoryPermissionsPolicy",
  "codeartifact:UpdatePackageVersionsStatus",
  "codeartifact:UpdateRepository",
];

/** What publishes a package version. */
export const CODEARTIFACT_PUBLISH_ACTIONS = [
  "codeartifact:PublishPackageVersion",
  "codeartifact:PutPackageMetadata",
];

export interface PackageRepositoryProps {
  readonly environment: AwsEnvironment;
  /** The domain's name (`<prefix>-<account>`). */
  readonly domainName: string;
  /** Encrypts every package asset of the domain; the deploy role gets the key's grant for it. */
  readonly key: KmsKey;
  /** The role Terraform runs as: it creates the domain and alone changes or removes anything. */
  readonly deployRoleArn: string;
}

/**
 * A private Python package path without the internet (AWS CodeArtifact): a domain encrypted with
 * the platform's key; `pypi-store`, the public PyPI through CodeArtifact's external connection
 * (it fetches and keeps what is asked for, so a package once used stays available); and
 * `packages`, the team's own packages with `pypi-store` upstream, the one index clients use.
 * Reading is granted by duty (`readStatements`), publishing only to `packages`
 * (`publishStatements`); the domain and repository policies deny every change and deletion to
 * everyone but Terraform's deploy role, so no package version is removed or swapped under a
 * reader. The domain and repositories are protected from destroy (they hold the packages).
 *
 * Clients reach it through the `codeartifact.api` (token) and `codeartifact.repositories`
 * (packages) interface endpoints with private DNS; Python packages need no S3 access (AWS's
 * guide: "An Amazon S3 endpoint is not needed when using Python or Swift package formats").
 */
export class PackageRepository extends Construct {
  readonly domain: CodeartifactDomain;
  readonly store: CodeartifactRepository;
  readonly packages: CodeartifactRepository;
  readonly domainName: string;
  /** The repository clients install from (with the public PyPI upstream). */
  readonly repositoryName = "packages";
  private readonly env: AwsEnvironment;

  constructor(scope: Construct, id: string, props: PackageRepositoryProps) {
    super(scope, id);
    const env = (this.env = props.environment);
    if (!Token.isUnresolved(props.domainName) && !CODEARTIFACT_DOMAIN_NAME.test(props.domainName)) {
      throw new Error(
        `${this.node.path}: domain name "${props.domainName}" must be 2 to 50 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
      );
    }
    this.domainName = props.domainName;
    // CreateDomain with a customer managed key needs DescribeKey and CreateGrant on it (the
    // grant lets CodeArtifact encrypt the domain's assets); only through CodeArtifact.
    props.key.grantThroughService({
      sid: "PackageDomainCreation",
      principals: [props.deployRoleArn],
      actions: ["kms:DescribeKey"],
      via: "codeartifact",
      env,
    });
    props.key.grantCreateGrantForAwsResources({
      sid: "PackageDomainGrants",
      principals: [props.deployRoleArn],
      via: "codeartifact",
      env,
    });
    this.domain = new CodeartifactDomain(this, "domain", {
      domain: props.domainName,
      encryptionKey: props.key.keyArn,
      lifecycle: { preventDestroy: true },
    });
    this.store = new CodeartifactRepository(this, "pypi-store", {
      domain: this.domain.domain,
      repository: "pypi-store",
      description: "The public PyPI, through CodeArtifact (what was fetched once stays)",
      // One external connection per repository, and none beside upstreams (CodeArtifact's rules).
      externalConnections: { externalConnectionName: "public:pypi" },
      lifecycle: { preventDestroy: true },
    });
    this.packages = new CodeartifactRepository(this, "packages", {
      domain: this.domain.domain,
      repository: this.repositoryName,
      description: "The team's own Python packages; the public PyPI as upstream",
      upstream: [{ repositoryName: this.store.repository }],
      lifecycle: { preventDestroy: true },
    });

    const onlyTerraform = (sid: string, actions: string[]): PolicyStatement => ({
      Sid: sid,
      Effect: "Deny",
      Principal: "*",
      Action: actions,
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": props.deployRoleArn } },
    });
    const document = (...statements: PolicyStatement[]): string =>
      JSON.stringify({ Version: "2012-10-17", Statement: statements } satisfies PolicyDocument);
    new CodeartifactDomainPermissionsPolicy(this, "domain-policy", {
      domain: this.domain.domain,
      policyDocument: document(
        onlyTerraform("OnlyTerraformChangesTheDomain", CODEARTIFACT_DESTRUCTIVE_ACTIONS),
      ),
    });
    for (const [id, repository, storeOnly] of [
      ["store-policy", this.store, true],
      ["packages-policy", this.packages, false],
    ] as const) {
      new CodeartifactRepositoryPermissionsPolicy(this, id, {
        domain: this.domain.domain,
        repository: repository.repository,
        policyDocument: document(
          onlyTerraform("OnlyTerraformChangesOrRemovesPackages", CODEARTIFACT_DESTRUCTIVE_ACTIONS),
          // The store holds what PyPI served: nobody publishes into it.
          ...(storeOnly
            ? [
                {
                  Sid: "NobodyPublishesIntoTheStore",
                  Effect: "Deny" as const,
                  Principal: "*" as const,
                  Action: CODEARTIFACT_PUBLISH_ACTIONS,
                  Resource: "*",
                },
              ]
            : []),
        ),
      });
    }
  }

  /** `https://<domain>-<account>.d.codeartifact.<region>.<suffix>/pypi/packages/simple/`. */
  get pipIndexUrl(): string {
    const env = this.env;
    return `https://${this.domainName}-${env.accountId}.d.codeartifact.${env.region}.${env.dnsSuffix}/pypi/${this.repositoryName}/simple/`;
  }

  /** The shell command that prints a 12-hour token for the index (the client's role's). */
  get tokenCommand(): string {
    const env = this.env;
    return `aws codeartifact get-authorization-token --region ${env.region} --domain ${this.domainName} --domain-owner ${env.accountId} --query authorizationToken --output text`;
  }

  private repositoryArns(): string[] {
    return [
      arn(this.env, "codeartifact", `repository/${this.domainName}/${this.repositoryName}`),
      arn(this.env, "codeartifact", `repository/${this.domainName}/pypi-store`),
    ];
  }

  /** Install packages: a token for the domain and reads of both repositories. */
  readStatements(): PolicyStatement[] {
    return [
      {
        Sid: "PackageToken",
        Effect: "Allow",
        Action: "codeartifact:GetAuthorizationToken",
        Resource: arn(this.env, "codeartifact", `domain/${this.domainName}`),
      },
      {
        // CodeArtifact's token is an STS bearer token; only for CodeArtifact.
        Sid: "PackageBearerToken",
        Effect: "Allow",
        Action: "sts:GetServiceBearerToken",
        Resource: "*",
        Condition: { StringEquals: { "sts:AWSServiceName": "codeartifact.amazonaws.com" } },
      },
      {
        Sid: "ReadPackages",
        Effect: "Allow",
        Action: ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"],
        Resource: this.repositoryArns(),
      },
    ];
  }

  /** Publish the team's own packages: into `packages` only (the repository policy keeps the store). */
  publishStatements(): PolicyStatement[] {
    return [
      {
        Sid: "PublishTeamPackages",
        Effect: "Allow",
        Action: CODEARTIFACT_PUBLISH_ACTIONS,
        Resource: arn(
          this.env,
          "codeartifact",
          `package/${this.domainName}/${this.repositoryName}/pypi/*`,
        ),
      },
    ];
  }
}
