/**
 * The private package path (packages.codeArtifact): what synthesizes, who may install and who
 * may publish (simulated with the IAM policy simulator over the synthesized identity and
 * repository policies), and that every workload reaches it without the internet.
 */
import { AccountNames, namingInput } from "../../../accounts/naming";
import type { PolicyDocument, PolicyStatement } from "../../../modules/iam/iam-policy";
import { plainReferences, resolver, simulate } from "../../iam-simulate";
import {
  allPoliciesOf,
  exampleInput,
  findResource,
  goodFixture,
  parse,
  resourcesOf,
  synthPlatform,
  synthWith,
  type StackJson,
} from "../../helpers";

const example = synthPlatform().json;
const dev = example.dev;
const names = new AccountNames(namingInput(parse(exampleInput()), "dev"));
const resolve = resolver(dev, names);
const DOMAIN = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev";
const repository = (name: string) =>
  `arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev/${name}`;
// A Python package's ARN has an empty namespace (`pypi//<name>`), which the simulator's resource
// patterns do not take; `pypi/*` in the grant covers both, and a namespace stands in here.
const pkg = (repo: string, name: string) =>
  `arn:aws:codeartifact:eu-west-1:111111111111:package/mlops-dev/${repo}/pypi/ns/${name}`;

function repositoryPolicy(stack: StackJson, repo: string): PolicyDocument {
  const [key] = findResource(stack, "aws_codeartifact_repository", (r) => r.repository === repo);
  const [, policy] = findResource(
    stack,
    "aws_codeartifact_repository_permissions_policy",
    (p) => p.repository === `\${aws_codeartifact_repository.${key}.repository}`,
  );
  return JSON.parse(policy.policy_document);
}

describe("the package repository of an internet-free data science account", () => {
  test("a domain encrypted with the data key, the PyPI store and the team's repository, protected from destroy", () => {
    const [, domain] = findResource(dev, "aws_codeartifact_domain", () => true);
    const [dataKey] = findResource(dev, "aws_kms_key", (k) =>
      String(k.description ?? "").includes("data"),
    );
    expect(domain).toEqual({
      domain: "mlops-dev",
      encryption_key: `\${aws_kms_key.${dataKey}.arn}`,
      lifecycle: { prevent_destroy: true },
    });
    const repositories = Object.values(resourcesOf(dev, "aws_codeartifact_repository"));
    expect(repositories.map((r) => [r.repository, r.external_connections, r.upstream])).toEqual([
      ["pypi-store", { external_connection_name: "public:pypi" }, undefined],
      ["packages", undefined, [{ repository_name: expect.stringContaining("pypi-store") }]],
    ]);
    for (const r of repositories) expect(r.lifecycle).toEqual({ prevent_destroy: true });
    expect(dev.output!.pip_index_url.value).toBe(
      "https://mlops-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/",
    );
  });

  test("both CodeArtifact endpoints, with private DNS (the repository names clients use)", () => {
    const endpoints = Object.values(resourcesOf(dev, "aws_vpc_endpoint")).filter((e) =>
      /codeartifact/.test(e.service_name),
    );
    expect(endpoints.map((e) => [e.service_name, e.private_dns_enabled])).toEqual([
      ["com.amazonaws.eu-west-1.codeartifact.api", true],
      ["com.amazonaws.eu-west-1.codeartifact.repositories", true],
    ]);
  });

  test("with NAT the account has none unless asked, and asked it has one", () => {
    const withNat = synthWith((c) => (c.accounts.dev.vpc.natGateways = "single"));
    expect(resourcesOf(withNat.dev, "aws_codeartifact_domain")).toEqual({});
    expect(
      Object.values(resourcesOf(withNat.dev, "aws_vpc_endpoint")).filter((e) =>
        /codeartifact/.test(e.service_name),
      ),
    ).toEqual([]);
    const asked = synthWith((c) => {
      c.accounts.dev.vpc.natGateways = "single";
      c.accounts.dev.packages = { codeArtifact: true };
    });
    expect(Object.keys(resourcesOf(asked.dev, "aws_codeartifact_domain"))).toHaveLength(1);
  });
});

describe("who installs, who publishes, nobody deletes (simulated)", () => {
  const installers = [
    "mlops-dev-studio-execution",
    "mlops-dev-team-admin-execution",
    "mlops-dev-pipeline-execution",
    "mlops-dev-data-scientist",
    "mlops-dev-team-admin",
    "mlops-dev-mlflow-server",
  ];
  const publishers = ["mlops-dev-pipeline-execution", "mlops-dev-team-admin-execution"];
  const identityOf = (role: string) =>
    plainReferences(
      JSON.parse(resolve(JSON.stringify(allPoliciesOf(dev, role)))),
    ) as PolicyStatement[];
  const ask = (
    role: string,
    action: string,
    resource: string,
    policies: { identity?: PolicyStatement[]; resource?: PolicyDocument } = {},
    context: Record<string, string> = {},
  ) =>
    simulate(
      { principal: names.roleArn(role), action, resource, context },
      { identity: policies.identity ?? identityOf(role), resource: policies.resource },
    );

  test.each(installers)("%s gets a token and reads both repositories", async (role) => {
    expect(await ask(role, "codeartifact:GetAuthorizationToken", DOMAIN)).toBe("Allowed");
    expect(
      await ask(
        role,
        "sts:GetServiceBearerToken",
        "*",
        {},
        {
          "sts:AWSServiceName": "codeartifact.amazonaws.com",
        },
      ),
    ).toBe("Allowed");
    // The bearer token is for CodeArtifact only.
    expect(
      await ask(
        role,
        "sts:GetServiceBearerToken",
        "*",
        {},
        {
          "sts:AWSServiceName": "other.amazonaws.com",
        },
      ),
    ).toBe("ImplicitlyDenied");
    for (const repo of ["packages", "pypi-store"]) {
      expect(await ask(role, "codeartifact:ReadFromRepository", repository(repo))).toBe("Allowed");
    }
  });

  test.each(installers)(
    "%s publishes only if it is the pipeline or a team admin's app, only into packages",
    async (role) => {
      const intoPackages = await ask(
        role,
        "codeartifact:PublishPackageVersion",
        pkg("packages", "churn-features"),
        { resource: repositoryPolicy(dev, "packages") },
      );
      expect([role, intoPackages]).toEqual([
        role,
        publishers.includes(role) ? "Allowed" : "ImplicitlyDenied",
      ]);
      // The store holds what PyPI served: whatever a role is given, nobody publishes into it.
      expect(
        await ask(role, "codeartifact:PublishPackageVersion", pkg("pypi-store", "requests"), {
          identity: [{ Sid: "All", Effect: "Allow", Action: "codeartifact:*", Resource: "*" }],
          resource: repositoryPolicy(dev, "pypi-store"),
        }),
      ).toBe("ExplicitlyDenied");
    },
  );

  test("nobody but Terraform deletes, disposes or re-points a package, whatever it is given", async () => {
    const everything = [
      { Sid: "All", Effect: "Allow" as const, Action: "codeartifact:*", Resource: "*" },
    ];
    for (const role of [...installers, "mlops-dev-ds-admin", "mlops-dev-model-approver"]) {
      for (const [action, resource] of [
        ["codeartifact:DeletePackageVersions", pkg("packages", "churn-features")],
        ["codeartifact:DisposePackageVersions", pkg("packages", "churn-features")],
        ["codeartifact:UpdatePackageVersionsStatus", pkg("packages", "churn-features")],
        ["codeartifact:DeleteRepository", repository("packages")],
        ["codeartifact:PutRepositoryPermissionsPolicy", repository("packages")],
      ]) {
        const decision = await ask(role, action, resource, {
          identity: everything,
          resource: repositoryPolicy(dev, "packages"),
        });
        expect([role, action, decision]).toEqual([role, action, "ExplicitlyDenied"]);
      }
    }
    expect(
      await simulate(
        {
          principal: "arn:aws:iam::111111111111:role/terraform-deploy",
          action: "codeartifact:DeletePackageVersions",
          resource: pkg("packages", "churn-features"),
        },
        { identity: everything, resource: repositoryPolicy(dev, "packages") },
      ),
    ).toBe("Allowed");
  });
});

describe("every workload reaches the package repository and nothing public", () => {
  const groups = resourcesOf(dev, "aws_security_group");
  const byName = (suffix: string) =>
    Object.keys(groups).find((k) => String(groups[k].name).endsWith(suffix))!;
  const endpointGroup = byName("-vpc-endpoints");
  const egress = Object.values(resourcesOf(dev, "aws_vpc_security_group_egress_rule"));
  const ingress = Object.values(resourcesOf(dev, "aws_vpc_security_group_ingress_rule"));

  test("Studio apps and jobs: HTTPS to the endpoints' group, which takes HTTPS from the VPC", () => {
    const workloads = byName("-ml-workloads");
    const toEndpoints = egress.filter(
      (r) =>
        r.security_group_id === `\${aws_security_group.${workloads}.id}` &&
        r.referenced_security_group_id === `\${aws_security_group.${endpointGroup}.id}`,
    );
    expect(toEndpoints.map((r) => [r.from_port, r.to_port, r.ip_protocol])).toEqual([
      [443, 443, "tcp"],
    ]);
    expect(
      ingress.filter((r) => r.security_group_id === `\${aws_security_group.${endpointGroup}.id}`),
    ).toEqual([
      expect.objectContaining({ from_port: 443, to_port: 443, cidr_ipv4: "10.10.0.0/16" }),
    ]);
    // The endpoints are in that group.
    for (const e of Object.values(resourcesOf(dev, "aws_vpc_endpoint")).filter((x) =>
      /codeartifact/.test(x.service_name),
    )) {
      expect(e.security_group_ids).toEqual([`\${aws_security_group.${endpointGroup}.id}`]);
    }
  });

  test("no rule of any group reaches the internet without NAT", () => {
    expect(egress.filter((r) => r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0")).toEqual([]);
    expect(resourcesOf(dev, "aws_nat_gateway")).toEqual({});
    expect(resourcesOf(dev, "aws_internet_gateway")).toEqual({});
  });
});

describe("reachability: every workload has a path to each AWS service it calls", () => {
  // full.yaml: no NAT, an explicit endpoint list, the self-hosted MLflow server, the package path.
  const full = synthPlatform(goodFixture("full.yaml")).json.dev;
  const groups = resourcesOf(full, "aws_security_group");
  const group = (suffix: string) =>
    `\${aws_security_group.${Object.keys(groups).find((k) => String(groups[k].name).endsWith(suffix))}.id}`;
  const endpoints = Object.values(resourcesOf(full, "aws_vpc_endpoint"));
  const egress = Object.values(resourcesOf(full, "aws_vpc_security_group_egress_rule"));
  const ingress = Object.values(resourcesOf(full, "aws_vpc_security_group_ingress_rule"));
  const vpcCidr = "10.1.0.0/20";

  const calls: [string, string, string[]][] = [
    [
      "Studio apps and jobs",
      "-ml-workloads",
      [
        "sagemaker.api",
        "sts",
        "logs",
        "monitoring",
        "kms",
        "ssm",
        "codeartifact.api",
        "codeartifact.repositories",
      ],
    ],
    [
      "the MLflow server",
      "-mlflow-server",
      [
        "secretsmanager",
        "ssm",
        "ssmmessages",
        "ec2messages",
        "logs",
        "codeartifact.api",
        "codeartifact.repositories",
      ],
    ],
  ];
  test.each(calls)("%s", (_, suffix, services) => {
    const from = group(suffix);
    const endpointGroup = group("-vpc-endpoints");
    for (const service of services) {
      const endpoint = endpoints.find((e) => String(e.service_name).endsWith(`.${service}`));
      // The endpoint, with private DNS (clients use the service's own name) and no policy
      // narrowing it (the identity and resource policies decide).
      expect([service, endpoint?.private_dns_enabled, endpoint?.policy]).toEqual([
        service,
        true,
        undefined,
      ]);
      expect(endpoint!.security_group_ids).toEqual([endpointGroup]);
    }
    // The group sends HTTPS to the endpoints' group, which takes HTTPS from the VPC's block.
    expect(
      egress
        .filter(
          (r) => r.security_group_id === from && r.referenced_security_group_id === endpointGroup,
        )
        .map((r) => [r.ip_protocol, r.from_port, r.to_port]),
    ).toEqual([["tcp", 443, 443]]);
    expect(
      ingress
        .filter((r) => r.security_group_id === endpointGroup)
        .map((r) => [r.from_port, r.cidr_ipv4]),
    ).toEqual([[443, vpcCidr]]);
    // And S3 (artifacts, the AL2023 repositories) through the gateway endpoint's prefix list.
    expect(
      egress.some(
        (r) =>
          r.security_group_id === from && r.prefix_list_id !== undefined && r.from_port === 443,
      ),
    ).toBe(true);
  });
});
