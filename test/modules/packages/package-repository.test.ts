/**
 * PackageRepository on its own: the encrypted, protected domain and repositories, the store fed
 * only by PyPI, only Terraform changing or removing anything, and the grants by duty.
 */
import { KmsKey } from "../../../modules/kms/kms-key";
import { PackageRepository } from "../../../modules/packages/package-repository";
import {
  moduleTestStack,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  TEST_ENV,
} from "../../helpers";

const DEPLOY = "arn:aws:iam::111111111111:role/terraform-deploy";
const ENV = TEST_ENV;

function build(domainName = "p-dev") {
  const stack = moduleTestStack();
  const key = new KmsKey(stack, "key", {
    alias: "alias/p-dev-data",
    description: "d",
    administratorArns: [DEPLOY],
  });
  const repository = new PackageRepository(stack, "packages", {
    environment: ENV,
    domainName,
    key,
    deployRoleArn: DEPLOY,
  });
  return { repository, json: synthStack(stack) };
}

describe("PackageRepository", () => {
  const { repository, json } = build();

  test("domain and repositories: encrypted with the key, protected; the team's index has PyPI upstream", () => {
    const [domain] = Object.values(resourcesOf(json, "aws_codeartifact_domain"));
    expect(domain).toMatchObject({ domain: "p-dev", lifecycle: { prevent_destroy: true } });
    expect(domain.encryption_key).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    const repositories = Object.values(resourcesOf(json, "aws_codeartifact_repository"));
    const byName = Object.fromEntries(repositories.map((r) => [r.repository, r]));
    expect(byName["pypi-store"].external_connections).toEqual({
      external_connection_name: "public:pypi",
    });
    expect(byName.packages.upstream).toEqual([
      { repository_name: expect.stringMatching(/^\$\{aws_codeartifact_repository\./) },
    ]);
    for (const r of repositories) expect(r.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("only Terraform's deploy role changes or removes anything; nobody publishes into the store", () => {
    const policies = Object.values(
      resourcesOf(json, "aws_codeartifact_repository_permissions_policy"),
    );
    const documents = policies.map((p) => JSON.parse(p.policy_document));
    for (const doc of documents) {
      expect(doc.Statement[0]).toMatchObject({
        Sid: "OnlyTerraformChangesOrRemovesPackages",
        Effect: "Deny",
        Principal: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": DEPLOY } },
      });
    }
    expect(documents.map((d) => d.Statement.map((s: { Sid: string }) => s.Sid)).sort()).toEqual([
      ["OnlyTerraformChangesOrRemovesPackages"],
      ["OnlyTerraformChangesOrRemovesPackages", "NobodyPublishesIntoTheStore"],
    ]);
    const [domainPolicy] = Object.values(
      resourcesOf(json, "aws_codeartifact_domain_permissions_policy"),
    );
    expect(JSON.parse(domainPolicy.policy_document).Statement[0].Sid).toBe(
      "OnlyTerraformChangesTheDomain",
    );
  });

  test("the key: the deploy role may create the domain through CodeArtifact only", () => {
    const [key] = Object.values(resourcesOf(json, "aws_kms_key"));
    const creation = statement(policyOf(key), "PackageDomainCreation");
    expect(creation.Principal).toEqual({ AWS: [DEPLOY] });
    expect(creation.Condition!.StringEquals).toEqual({
      "kms:ViaService": "codeartifact.eu-west-1.amazonaws.com",
      "kms:CallerAccount": "111111111111",
    });
    expect(statement(policyOf(key), "PackageDomainGrants").Condition!.Bool).toEqual({
      "kms:GrantIsForAWSResource": "true",
    });
  });

  test("grants by duty: read both repositories with a CodeArtifact token; publish to packages only", () => {
    expect(repository.readStatements().map((s) => [s.Sid, s.Resource])).toEqual([
      ["PackageToken", "arn:aws:codeartifact:eu-west-1:111111111111:domain/p-dev"],
      ["PackageBearerToken", "*"],
      [
        "ReadPackages",
        [
          "arn:aws:codeartifact:eu-west-1:111111111111:repository/p-dev/packages",
          "arn:aws:codeartifact:eu-west-1:111111111111:repository/p-dev/pypi-store",
        ],
      ],
    ]);
    expect(repository.readStatements()[1].Condition).toEqual({
      StringEquals: { "sts:AWSServiceName": "codeartifact.amazonaws.com" },
    });
    expect(repository.publishStatements().map((s) => s.Resource)).toEqual([
      "arn:aws:codeartifact:eu-west-1:111111111111:package/p-dev/packages/pypi/*",
    ]);
    expect(repository.pipIndexUrl).toBe(
      "https://p-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/",
    );
  });

  test("a domain name CodeArtifact would refuse fails at synthesis, naming the rule", () => {
    expect(() => build("P_dev")).toThrow(
      'test/packages: domain name "P_dev" must be 2 to 50 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    );
    expect(() => build("p-dev-")).toThrow('domain name "p-dev-"');
    expect(() => build("pd")).not.toThrow();
  });
});
