import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  REPO_ROOT,
  findResource,
  keyByAlias,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  synthWith,
  trustOf,
} from "../../helpers";

const example = synthPlatform().json;
const ACCOUNTS: [string, string, string][] = [
  ["dev", "111111111111", "dev"],
  ["staging", "222222222222", "staging"],
  ["prod", "333333333333", "production"],
];

describe.each(ACCOUNTS)("CI identity of %s", (account, accountId, environment) => {
  const bootstrap = example[`${account}-bootstrap`];
  const provider = findResource(bootstrap, "aws_iam_openid_connect_provider", () => true);
  const providerRef = `\${aws_iam_openid_connect_provider.${provider[0]}.arn}`;

  test("the GitHub OIDC provider, for STS", () => {
    expect(provider[1]).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("the plan role trusts pull requests of the one repository, and itself for Terraform", () => {
    expect(trustOf(bootstrap, `mlops-${account}-ci-plan`)).toEqual([
      {
        Sid: "PullRequestsOfTheRepository",
        Effect: "Allow",
        Principal: { Federated: providerRef },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          // The default subject, or the one with the ref claim: only a pull request's number varies.
          StringLike: {
            "token.actions.githubusercontent.com:sub": [
              "repo:example-org/mlops-platform:pull_request",
              "repo:example-org/mlops-platform:pull_request:ref:refs/pull/*/merge",
            ],
          },
        },
      },
      {
        Sid: "ItselfForTerraform",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: {
            "aws:PrincipalArn": `arn:aws:iam::${accountId}:role/mlops-${account}-ci-plan`,
          },
        },
      },
    ]);
  });

  test("the apply role trusts only the repository's environment on the protected branch, and may only assume the deploy roles", () => {
    expect(trustOf(bootstrap, `mlops-${account}-ci-apply`)).toEqual([
      {
        Sid: "TheAccountsEnvironmentOnTheBranch",
        Effect: "Allow",
        Principal: { Federated: providerRef },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": `repo:example-org/mlops-platform:environment:${environment}:ref:refs/heads/main`,
          },
        },
      },
    ]);
    const deployRole = `arn:aws:iam::${accountId}:role/terraform-deploy`;
    expect(rolePolicy(bootstrap, `mlops-${account}-ci-apply`).Statement).toEqual([
      {
        Sid: "AssumeTheDeployRoleOnly",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        // Never the data science account's model deployer: through it the dev environment
        // would reach every target, prod included, past their own environments' gates.
        Resource: deployRole,
      },
    ]);
  });

  test("the apply role's session lasts as long as a GitHub job, and the apply workflow asks for exactly that; the plan role's stays at an hour", () => {
    const roles = resourcesOf(bootstrap, "aws_iam_role");
    const session = (name: string) =>
      Object.values(roles).find((r: any) => r.name === name)!.max_session_duration;
    const workflow = parseYaml(
      readFileSync(join(REPO_ROOT, ".github", "workflows", "apply-accounts.yml"), "utf8"),
    );
    const credentials = workflow.jobs.apply.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials"),
    );
    expect(session(`mlops-${account}-ci-apply`)).toBe(21_600);
    expect(credentials.with["role-duration-seconds"]).toBe(21_600);
    expect(session(`mlops-${account}-ci-plan`)).toBe(3600);
  });

  test("the apply role takes ci.github.branch", () => {
    const json = synthWith((input) => (input.ci.github.branch = "release/2026"));
    expect(
      trustOf(json[`${account}-bootstrap`], `mlops-${account}-ci-apply`)[0].Condition!
        .StringEquals!["token.actions.githubusercontent.com:sub"],
    ).toBe(
      `repo:example-org/mlops-platform:environment:${environment}:ref:refs/heads/release/2026`,
    );
  });

  test("the plan role reads metadata and state, locks state, and reads no data", () => {
    const policy = rolePolicy(bootstrap, `mlops-${account}-ci-plan`);
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "ReadPlatformMetadata",
      "ReadPublicAwsParameters",
      "ReadPlatformParameters",
      "ReadAutomationDocuments",
      "DescribeParameters",
      "ReadPlatformBucketConfiguration",
      "ReadTheState",
      "LockTheState",
      "AssumeItselfForTerraform",
    ]);
    const state = `arn:aws:s3:::mlops-${account}-tfstate-${accountId}-eu-west-1`;
    expect(statement(policy, "ReadTheState")).toEqual({
      Sid: "ReadTheState",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${state}/stacks/*`,
    });
    // The only writes the plan role has: its lock files.
    expect(statement(policy, "LockTheState")).toEqual({
      Sid: "LockTheState",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:PutObject"],
      Resource: `${state}/stacks/*.tflock`,
    });
    // Bucket configuration (what Terraform refreshes), never object contents.
    expect(statement(policy, "ReadPlatformBucketConfiguration")).toEqual({
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
      Resource: `arn:aws:s3:::mlops-${account}-*`,
    });
    const actions = policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
    for (const write of ["s3:PutObject", "s3:DeleteObject"]) {
      expect(
        policy.Statement.filter((s) => ([] as string[]).concat(s.Action ?? []).includes(write)).map(
          (s) => s.Sid,
        ),
      ).toEqual(["LockTheState"]);
    }
    // Automation documents of this account and region (their steps), nothing else of SSM's.
    expect(statement(policy, "ReadAutomationDocuments")).toEqual({
      Sid: "ReadAutomationDocuments",
      Effect: "Allow",
      Action: [
        "ssm:DescribeDocument",
        "ssm:DescribeDocumentPermission",
        "ssm:GetDocument",
        "ssm:ListTagsForResource",
      ],
      Resource: `arn:aws:ssm:eu-west-1:${accountId}:document/*`,
    });
    expect(statement(policy, "ReadPublicAwsParameters")).toEqual({
      Sid: "ReadPublicAwsParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: "arn:aws:ssm:eu-west-1:*:parameter/aws/service/*",
    });
    // The platform's own plain parameters (the MLflow certificate), which plans refresh.
    expect(statement(policy, "ReadPlatformParameters")).toEqual({
      Sid: "ReadPlatformParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"],
      Resource: `arn:aws:ssm:eu-west-1:${accountId}:parameter/platform/mlops-${account}/*`,
    });
    // No secret or parameter value of the account: no such action on any other resource.
    for (const secretRead of [/^secretsmanager:GetSecretValue$/, /^ssm:GetParameter/, /^ssm:\*$/]) {
      expect(
        policy.Statement.filter((s) =>
          ([] as string[]).concat(s.Action ?? []).some((a) => secretRead.test(a)),
        ).map((s) => s.Sid),
      ).toEqual(
        secretRead.source.startsWith("^ssm:GetParameter")
          ? ["ReadPublicAwsParameters", "ReadPlatformParameters"]
          : [],
      );
    }
    expect(actions).not.toContain("secretsmanager:GetSecretValue");
    expect(actions).not.toContain("kms:Decrypt");
    expect(actions.filter((a) => /^s3:GetObject/.test(a))).toEqual(["s3:GetObject"]);
  });

  test("no role trusts an organisation-wide or wildcard subject", () => {
    const apply = trustOf(bootstrap, `mlops-${account}-ci-apply`)[0].Condition!;
    expect(String(apply.StringEquals!["token.actions.githubusercontent.com:sub"])).not.toMatch(
      /[*?]/,
    );
    expect(apply.StringLike).toBeUndefined();
    // Pull requests: the one wildcard stands for the pull request number, inside the repository.
    const plan = trustOf(bootstrap, `mlops-${account}-ci-plan`)[0].Condition!;
    for (const sub of [plan.StringLike!["token.actions.githubusercontent.com:sub"]].flat()) {
      expect(String(sub)).toMatch(
        /^repo:example-org\/mlops-platform:pull_request(:ref:refs\/pull\/\*\/merge)?$/,
      );
    }
  });

  test("the plan role may use the state key through S3", () => {
    const [, key] = keyByAlias(bootstrap, `alias/mlops-${account}-tfstate`);
    const [planRole] = findResource(
      bootstrap,
      "aws_iam_role",
      (r) => r.name === `mlops-${account}-ci-plan`,
    );
    expect(
      (statement(policyOf(key), "StateThroughS3").Principal as { AWS: string[] }).AWS,
    ).toContain(`\${aws_iam_role.${planRole}.arn}`);
  });

  test("every key of the account stack lets the plan role read its metadata, not use it", () => {
    for (const key of Object.values(resourcesOf(example[account], "aws_kms_key"))) {
      expect(statement(policyOf(key), "CiPlanReadsKeyMetadata")).toEqual({
        Sid: "CiPlanReadsKeyMetadata",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:role/mlops-${account}-ci-plan` },
        Action: [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListResourceTags",
        ],
        Resource: "*",
      });
    }
  });

  test("outputs both role ARNs", () => {
    expect(Object.keys(bootstrap.output!)).toEqual(
      expect.arrayContaining(["ci_plan_role_arn", "ci_apply_role_arn"]),
    );
  });
});

describe("CI identity options", () => {
  test("accounts sharing an account id share one OIDC provider", () => {
    const json = synthWith((c) => (c.accounts.prod.accountId = "222222222222"));
    expect(
      Object.keys(resourcesOf(json["staging-bootstrap"], "aws_iam_openid_connect_provider")),
    ).toHaveLength(1);
    expect(resourcesOf(json["prod-bootstrap"], "aws_iam_openid_connect_provider")).toEqual({});
    expect(trustOf(json["prod-bootstrap"], "mlops-prod-ci-plan")[0].Principal).toEqual({
      Federated: "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com",
    });
  });

  test("an existing OIDC provider is referenced by ARN", () => {
    const json = synthWith((c) => (c.ci.github.createOidcProvider = false));
    expect(resourcesOf(json["dev-bootstrap"], "aws_iam_openid_connect_provider")).toEqual({});
    expect(trustOf(json["dev-bootstrap"], "mlops-dev-ci-apply")[0].Principal).toEqual({
      Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
    });
  });

  test("without ci in config: no provider, no CI roles, no CI statements", () => {
    const json = synthWith((c) => delete c.ci);
    expect(resourcesOf(json["dev-bootstrap"], "aws_iam_openid_connect_provider")).toEqual({});
    expect(
      Object.values(resourcesOf(json["dev-bootstrap"], "aws_iam_role")).map((r) => r.name),
    ).toEqual([]);
    expect(JSON.stringify(json.dev)).not.toContain("ci-plan");
  });

  test("with DynamoDB locking the plan role may lock the table", () => {
    const json = synthWith((c) => (c.state = { locking: "dynamodb" }));
    expect(
      statement(rolePolicy(json["prod-bootstrap"], "mlops-prod-ci-plan"), "LockTheStateTable")
        .Resource,
    ).toBe("arn:aws:dynamodb:eu-west-1:333333333333:table/mlops-prod-tfstate-lock");
  });
});
