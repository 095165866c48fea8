import {
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
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub":
              "repo:example-org/mlops-platform:pull_request",
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

  test("the apply role trusts only the account's GitHub environment, and may only assume the deploy role", () => {
    expect(trustOf(bootstrap, `mlops-${account}-ci-apply`)).toEqual([
      {
        Sid: "TheAccountsEnvironment",
        Effect: "Allow",
        Principal: { Federated: providerRef },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": `repo:example-org/mlops-platform:environment:${environment}`,
          },
        },
      },
    ]);
    expect(rolePolicy(bootstrap, `mlops-${account}-ci-apply`).Statement).toEqual([
      {
        Sid: "AssumeTheDeployRoleOnly",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:aws:iam::${accountId}:role/terraform-deploy`,
      },
    ]);
  });

  test("the plan role reads metadata and state, locks state, and reads no data", () => {
    const policy = rolePolicy(bootstrap, `mlops-${account}-ci-plan`);
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "ReadPlatformMetadata",
      "ReadPlatformBucketConfiguration",
      "ReadTheState",
      "LockTheState",
      "AssumeItselfForTerraform",
    ]);
    const state = `arn:aws:s3:::mlops-${account}-tfstate-${accountId}-eu-west-1`;
    expect(statement(policy, "ReadTheState").Resource).toBe(`${state}/stacks/*`);
    expect(statement(policy, "LockTheState")).toMatchObject({
      Action: ["s3:DeleteObject", "s3:PutObject"],
      Resource: `${state}/stacks/*.tflock`,
    });
    expect(statement(policy, "ReadPlatformBucketConfiguration").Resource).toBe(
      `arn:aws:s3:::mlops-${account}-*`,
    );
    const actions = policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
    for (const write of ["s3:PutObject", "s3:DeleteObject"]) {
      expect(
        policy.Statement.filter((s) => ([] as string[]).concat(s.Action ?? []).includes(write)).map(
          (s) => s.Sid,
        ),
      ).toEqual(["LockTheState"]);
    }
    expect(actions).not.toContain("secretsmanager:GetSecretValue");
    expect(actions.filter((a) => /^s3:GetObject/.test(a))).toEqual(["s3:GetObject"]);
  });

  test("no role trusts an organisation-wide or wildcard subject", () => {
    for (const role of [`mlops-${account}-ci-plan`, `mlops-${account}-ci-apply`]) {
      const sub = trustOf(bootstrap, role)[0].Condition!.StringEquals![
        "token.actions.githubusercontent.com:sub"
      ];
      expect(String(sub)).not.toMatch(/[*?]/);
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
