import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  DATA_SCIENCE_ENDPOINTS,
  DEPLOYMENT_TARGET_ENDPOINTS,
  INTERFACE_ENDPOINT_CATALOGUE,
} from "../../../modules/network/vpc-endpoint-catalogue";
import {
  exampleInput,
  FIXTURES,
  onlyResource,
  parse,
  ref,
  resourcesOf,
  synthPlatform,
  type StackJson,
  synthWith,
  findResource,
} from "../../helpers";

const ACCOUNT_STACKS = ["dev", "staging", "prod"];
const example = synthPlatform();

/** The example's stacks with an account's VPC settings changed. */
const withVpc = (account: string, vpc: Record<string, unknown>): Record<string, StackJson> =>
  synthWith((input) => (input.accounts[account].vpc = { ...input.accounts[account].vpc, ...vpc }));

/** The name of the one resource of a type that matches. */
const nameOf = (stack: StackJson, type: string, predicate: (r: any) => boolean = () => true) =>
  findResource(stack, type, predicate)[0];

describe("default network of every account", () => {
  test.each(ACCOUNT_STACKS)("%s: a VPC with DNS support and hostnames", (account) => {
    expect(onlyResource(example.json[account], "aws_vpc")).toMatchObject({
      cidr_block: { dev: "10.10.0.0/16", staging: "10.20.0.0/16", prod: "10.30.0.0/16" }[account],
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  test.each(ACCOUNT_STACKS)(
    "%s: is internet-free: no internet gateway, NAT, EIP or route",
    (account) => {
      const stack = example.json[account];
      for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route"]) {
        expect(resourcesOf(stack, type)).toEqual({});
      }
    },
  );

  test.each([
    ["dev", ["10.10.0.0/19", "10.10.32.0/19"]],
    ["staging", ["10.20.0.0/19", "10.20.32.0/19"]],
    ["prod", ["10.30.0.0/19", "10.30.32.0/19", "10.30.64.0/19"]],
  ])(
    "%s: one private subnet per zone, no public IPs, each with its own route table",
    (account, cidrs) => {
      const stack = example.json[account];
      const subnets = Object.entries(resourcesOf(stack, "aws_subnet"));
      expect(subnets.map(([, s]) => s.cidr_block)).toEqual(cidrs);
      for (const [, s] of subnets) expect(s.map_public_ip_on_launch).toBe(false);
      const zonesData = Object.keys(stack.data!.aws_availability_zones)[0];
      expect(subnets.map(([, s]) => s.availability_zone)).toEqual(
        cidrs.map((_, i) => `\${element(data.aws_availability_zones.${zonesData}.names, ${i})}`),
      );
      const tables = Object.keys(resourcesOf(stack, "aws_route_table"));
      expect(tables).toHaveLength(cidrs.length);
      const associations = Object.values(resourcesOf(stack, "aws_route_table_association"));
      expect(associations.map((a) => [a.subnet_id, a.route_table_id])).toEqual(
        subnets.map(([name], i) => [ref("aws_subnet", name), ref("aws_route_table", tables[i])]),
      );
    },
  );

  test("only zones that need no opt-in are used", () => {
    expect(Object.values(example.json.dev.data!.aws_availability_zones)[0]).toMatchObject({
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
  });

  test("a zone count the region cannot meet fails the plan, naming the config field", () => {
    // Synthesis cannot know a region's zones; without this, element() would wrap around and put
    // two subnets in one zone, and every interface endpoint would fail at apply.
    const zones = Object.values(example.json.prod.data!.aws_availability_zones) as any[];
    expect(zones).toHaveLength(1);
    expect(zones[0]).toMatchObject({
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.names) >= 3}",
            error_message:
              "accounts.prod.vpc.availabilityZones is 3, but this region has only ${length(self.names)} availability zones the account may use without opting in; lower accounts.prod.vpc.availabilityZones",
          },
        ],
      },
    });
  });

  test("listed zones are used as they are", () => {
    const json = withVpc("dev", { availabilityZones: ["eu-west-1b", "eu-west-1c"] });
    expect(
      Object.values(resourcesOf(json.dev, "aws_subnet")).map((s) => s.availability_zone),
    ).toEqual(["eu-west-1b", "eu-west-1c"]);
    expect(json.dev.data?.aws_availability_zones).toBeUndefined();
  });

  test.each(ACCOUNT_STACKS)(
    "%s: the default security group is managed with no rules",
    (account) => {
      const vpc = nameOf(example.json[account], "aws_vpc");
      expect(onlyResource(example.json[account], "aws_default_security_group")).toMatchObject({
        vpc_id: ref("aws_vpc", vpc),
        ingress: [],
        egress: [],
      });
    },
  );
});

describe("NAT gateways", () => {
  test("one per zone by default when on: public subnets, one internet gateway, private routes to their zone's NAT", () => {
    const stack = withVpc("prod", { natGateways: "one-per-az" }).prod;
    const igw = nameOf(stack, "aws_internet_gateway");
    const nats = Object.keys(resourcesOf(stack, "aws_nat_gateway"));
    expect(nats).toHaveLength(3);
    expect(Object.keys(resourcesOf(stack, "aws_eip"))).toHaveLength(3);

    const subnets = Object.values(resourcesOf(stack, "aws_subnet"));
    expect(subnets.map((s) => [s.cidr_block, s.tags.tier])).toEqual([
      ["10.30.0.0/19", "private"],
      ["10.30.32.0/19", "private"],
      ["10.30.64.0/19", "private"],
      ["10.30.96.0/19", "public"],
      ["10.30.128.0/19", "public"],
      ["10.30.160.0/19", "public"],
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);

    const routes = Object.values(resourcesOf(stack, "aws_route"));
    const toInternet = routes.filter((r) => r.gateway_id !== undefined);
    expect(toInternet).toEqual([
      expect.objectContaining({
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: ref("aws_internet_gateway", igw),
        route_table_id: ref(
          "aws_route_table",
          nameOf(stack, "aws_route_table", (t) => t.tags.Name === "mlops-prod-public"),
        ),
      }),
    ]);
    expect(
      routes.filter((r) => r.nat_gateway_id !== undefined).map((r) => r.nat_gateway_id),
    ).toEqual(nats.map((n) => ref("aws_nat_gateway", n)));
  });

  test("a single NAT gateway serves every zone", () => {
    const stack = withVpc("dev", { natGateways: "single" }).dev;
    const nat = nameOf(stack, "aws_nat_gateway");
    const natRoutes = Object.values(resourcesOf(stack, "aws_route")).filter(
      (r) => r.nat_gateway_id,
    );
    expect(natRoutes.map((r) => r.nat_gateway_id)).toEqual([
      ref("aws_nat_gateway", nat),
      ref("aws_nat_gateway", nat),
    ]);
  });

  test("with NAT, workloads may reach the internet on 443 only", () => {
    const stack = withVpc("dev", { natGateways: "single" }).dev;
    const internet = Object.values(resourcesOf(stack, "aws_vpc_security_group_egress_rule")).filter(
      (r) => r.cidr_ipv4 === "0.0.0.0/0",
    );
    expect(internet).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443 }),
    ]);
  });
});

describe("existing VPC", () => {
  const json = (() => {
    const config = parseYaml(
      readFileSync(join(FIXTURES, "configs/good/existing-vpc.yaml"), "utf8"),
    );
    return synthPlatform(parse(config)).json;
  })();
  const stack = json.staging;

  test("creates no VPC, subnets, route tables or gateways", () => {
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_route_table",
      "aws_route_table_association",
      "aws_route",
      "aws_internet_gateway",
      "aws_nat_gateway",
    ]) {
      expect(resourcesOf(stack, type)).toEqual({});
    }
  });

  test("puts endpoints, flow logs and groups in it", () => {
    const endpoints = Object.values(resourcesOf(stack, "aws_vpc_endpoint"));
    const gateway = endpoints.find((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateway.route_table_ids).toEqual(["rtb-0aaa1111", "rtb-0bbb2222"]);
    expect(
      endpoints.filter((e) => e.vpc_endpoint_type === "Interface").map((e) => e.subnet_ids),
    ).toEqual(Array(4).fill(["subnet-0aaa1111", "subnet-0bbb2222"]));
    expect(onlyResource(stack, "aws_flow_log").vpc_id).toBe("vpc-0abc12345def67890");
    for (const group of Object.values(resourcesOf(stack, "aws_security_group"))) {
      expect(group.vpc_id).toBe("vpc-0abc12345def67890");
    }
  });

  test("leaves the default security group alone when told to", () => {
    expect(resourcesOf(stack, "aws_default_security_group")).toEqual({});
    expect(Object.keys(resourcesOf(json.dev, "aws_default_security_group"))).toHaveLength(1);
  });
});

describe("interface endpoints", () => {
  function services(stack: StackJson): string[] {
    return Object.values(resourcesOf(stack, "aws_vpc_endpoint"))
      .filter((e) => e.vpc_endpoint_type === "Interface")
      .map((e) => e.service_name)
      .sort();
  }

  function sorted(list: string[]): string[] {
    return [...list].sort();
  }

  test("the data science account gets what Studio, jobs, projects and the package path need (no MLflow server: no Session Manager)", () => {
    expect(services(example.json.dev)).toEqual(
      sorted([
        "com.amazonaws.eu-west-1.sagemaker.api",
        "com.amazonaws.eu-west-1.sagemaker.runtime",
        "aws.sagemaker.eu-west-1.studio",
        "aws.sagemaker.eu-west-1.notebook",
        "com.amazonaws.eu-west-1.sts",
        "com.amazonaws.eu-west-1.logs",
        "com.amazonaws.eu-west-1.monitoring",
        "com.amazonaws.eu-west-1.kms",
        "com.amazonaws.eu-west-1.ecr.api",
        "com.amazonaws.eu-west-1.ecr.dkr",
        "com.amazonaws.eu-west-1.servicecatalog",
        "com.amazonaws.eu-west-1.secretsmanager",
        // No NAT: the platform's package repository (packages.codeArtifact) and its endpoints.
        "com.amazonaws.eu-west-1.codeartifact.api",
        "com.amazonaws.eu-west-1.codeartifact.repositories",
      ]),
    );
  });

  test.each(["staging", "prod"])("%s gets what hosting a model needs", (account) => {
    expect(services(example.json[account])).toEqual(
      sorted([
        "com.amazonaws.eu-west-1.sagemaker.api",
        "com.amazonaws.eu-west-1.sagemaker.runtime",
        "com.amazonaws.eu-west-1.sts",
        "com.amazonaws.eu-west-1.logs",
        "com.amazonaws.eu-west-1.monitoring",
        "com.amazonaws.eu-west-1.kms",
        "com.amazonaws.eu-west-1.ecr.api",
        "com.amazonaws.eu-west-1.ecr.dkr",
      ]),
    );
  });

  test("the list is configurable per account", () => {
    const json = withVpc("staging", { interfaceEndpoints: ["sts", "kms"] });
    expect(services(json.staging)).toEqual([
      "com.amazonaws.eu-west-1.kms",
      "com.amazonaws.eu-west-1.sts",
    ]);
    expect(services(json.prod)).toHaveLength(DEPLOYMENT_TARGET_ENDPOINTS.length);
  });

  test.each(ACCOUNT_STACKS)(
    "%s: private DNS, every private subnet, behind the endpoint group",
    (account) => {
      const stack = example.json[account];
      const group = nameOf(stack, "aws_security_group", (g) => g.name.endsWith("-vpc-endpoints"));
      const subnets = Object.keys(resourcesOf(stack, "aws_subnet")).map((s) =>
        ref("aws_subnet", s),
      );
      for (const e of Object.values(resourcesOf(stack, "aws_vpc_endpoint"))) {
        if (e.vpc_endpoint_type !== "Interface") continue;
        expect(e).toMatchObject({
          private_dns_enabled: true,
          subnet_ids: subnets,
          security_group_ids: [ref("aws_security_group", group)],
        });
      }
    },
  );

  test("every catalogue entry says why it is there", () => {
    for (const [id, entry] of Object.entries(INTERFACE_ENDPOINT_CATALOGUE)) {
      expect(`${id}: ${entry.why}`.length).toBeGreaterThan(id.length + 20);
    }
    expect(DATA_SCIENCE_ENDPOINTS).toEqual(expect.arrayContaining(DEPLOYMENT_TARGET_ENDPOINTS));
  });

  test("China regions use the cn.com.amazonaws service names", () => {
    const input = exampleInput() as any;
    input.region = "cn-north-1";
    const { json } = synthPlatform(parse(input));
    expect(services(json.staging)).toContain("cn.com.amazonaws.cn-north-1.sagemaker.api");
  });
});
