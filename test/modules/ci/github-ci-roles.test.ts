/**
 * GithubCiRoles on its own: the OIDC provider (made or referenced), and two roles scoped by the
 * token's audience and exact subject to one repository; the plan role reads, the apply role may
 * only assume the deploy role.
 */
import {
  APPLY_SESSION_SECONDS,
  GithubCiRoles,
  GITHUB_OIDC_HOST,
  type GithubCiRolesProps,
} from "../../../modules/ci/github-ci-roles";
import {
  moduleTestStack,
  policyOf,
  resourcesOf,
  synthStack,
  type StackJson,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;

function synthRoles(props: Partial<GithubCiRolesProps> = {}): StackJson {
  const stack = moduleTestStack();
  new GithubCiRoles(stack, "ci", {
    environment: ENV,
    repository: "acme/platform",
    applyEnvironment: "dev",
    applyBranch: "main",
    planRoleName: "p-dev-ci-plan",
    applyRoleName: "p-dev-ci-apply",
    deployRoleArn: "arn:aws:iam::111111111111:role/terraform-deploy",
    createOidcProvider: true,
    state: { bucketName: "p-dev-tfstate", objectPattern: "stacks/*" },
    bucketArnPattern: "arn:aws:s3:::p-dev-*",
    parameterPath: "/platform/p-dev/",
    ...props,
  });
  return synthStack(stack);
}

const roleNamed = (json: StackJson, name: string) =>
  Object.values(resourcesOf(json, "aws_iam_role")).find((r) => r.name === name)!;
const policyNamed = (json: StackJson, name: string) =>
  policyOf(Object.values(resourcesOf(json, "aws_iam_policy")).find((p) => p.name === name)!);

describe("GithubCiRoles", () => {
  const json = synthRoles();

  test("the OIDC provider trusts GitHub's issuer for STS only", () => {
    const [provider] = Object.values(resourcesOf(json, "aws_iam_openid_connect_provider"));
    expect(provider).toMatchObject({
      url: `https://${GITHUB_OIDC_HOST}`,
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("the apply role: one environment on one branch of one repository, for a job's whole length", () => {
    const role = roleNamed(json, "p-dev-ci-apply");
    expect(role.max_session_duration).toBe(APPLY_SESSION_SECONDS);
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
      {
        Sid: "TheAccountsEnvironmentOnTheBranch",
        Effect: "Allow",
        Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\./) },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
            [`${GITHUB_OIDC_HOST}:sub`]: "repo:acme/platform:environment:dev:ref:refs/heads/main",
          },
        },
      },
    ]);
    expect(policyNamed(json, "p-dev-ci-apply-permissions").Statement).toEqual([
      {
        Sid: "AssumeTheDeployRoleOnly",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "arn:aws:iam::111111111111:role/terraform-deploy",
      },
    ]);
  });

  test("the plan role: the repository's pull requests, and itself by exact ARN", () => {
    const trust = policyOf({ policy: roleNamed(json, "p-dev-ci-plan").assume_role_policy });
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" },
      StringLike: {
        [`${GITHUB_OIDC_HOST}:sub`]: [
          "repo:acme/platform:pull_request",
          "repo:acme/platform:pull_request:ref:refs/pull/*/merge",
        ],
      },
    });
    expect(trust.Statement[1]).toEqual({
      Sid: "ItselfForTerraform",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "sts:AssumeRole",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/p-dev-ci-plan" },
      },
    });
  });

  test("the plan role reads the state and takes its lock; never an object of another bucket", () => {
    const statements = policyNamed(json, "p-dev-ci-plan-permissions").Statement;
    const sid = (s: string) => statements.find((x) => x.Sid === s);
    expect(sid("ReadTheState")!.Resource).toBe("arn:aws:s3:::p-dev-tfstate/stacks/*");
    expect(sid("LockTheState")!.Resource).toBe("arn:aws:s3:::p-dev-tfstate/stacks/*.tflock");
    expect(sid("LockTheStateTable")).toBeUndefined();
    const objectReads = statements.filter((s) => [s.Action].flat().includes("s3:GetObject"));
    expect(objectReads.map((s) => s.Resource)).toEqual(["arn:aws:s3:::p-dev-tfstate/stacks/*"]);
    // Its own parameters only: the platform's path.
    expect(sid("ReadPlatformParameters")!.Resource).toBe(
      "arn:aws:ssm:eu-west-1:111111111111:parameter/platform/p-dev/*",
    );
  });

  test("a DynamoDB lock table, when the state uses one, and no other table's items", () => {
    const table = "arn:aws:dynamodb:eu-west-1:111111111111:table/p-dev-tflock";
    const statements = policyNamed(
      synthRoles({ state: { bucketName: "b", objectPattern: "*", lockTableArn: table } }),
      "p-dev-ci-plan-permissions",
    ).Statement;
    expect(statements.find((s) => s.Sid === "LockTheStateTable")).toEqual({
      Sid: "LockTheStateTable",
      Effect: "Allow",
      Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: table,
    });
  });

  test("an existing OIDC provider is referenced by its ARN, not made again", () => {
    const existing = synthRoles({ createOidcProvider: false });
    expect(resourcesOf(existing, "aws_iam_openid_connect_provider")).toEqual({});
    const trust = policyOf({ policy: roleNamed(existing, "p-dev-ci-apply").assume_role_policy });
    expect(trust.Statement[0].Principal).toEqual({
      Federated: `arn:aws:iam::111111111111:oidc-provider/${GITHUB_OIDC_HOST}`,
    });
  });
});
