import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { SecureVpc, type SecureVpcProps } from "../../../modules/network/secure-vpc";
import { KmsKey } from "../../../modules/kms/kms-key";
import {
  DATA_SCIENCE_ENDPOINTS,
  DEPLOYMENT_TARGET_ENDPOINTS,
  INTERFACE_ENDPOINT_CATALOGUE,
} from "../../../modules/network/vpc-endpoint-catalogue";
import { TerraformVariable, Testing } from "../../../modules/core/cdktf";
import {
  exampleInput,
  findResource,
  FIXTURES,
  keyByAlias,
  moduleTestStack,
  onlyResource,
  parse,
  policyOf,
  ref,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  type StackJson,
} from "../../helpers";

/** What the S3 endpoint allows on the account's own buckets: objects and listing, no configuration. */
const OWN_BUCKET_ACTIONS = [
  "s3:GetBucketLocation",
  "s3:ListBucket",
  "s3:ListBucketMultipartUploads",
  "s3:ListBucketVersions",
  "s3:GetObject",
  "s3:GetObjectTagging",
  "s3:GetObjectVersion",
  "s3:AbortMultipartUpload",
  "s3:DeleteObject",
  "s3:ListMultipartUploadParts",
  "s3:PutObject",
  "s3:PutObjectTagging",
];

const ACCOUNT_STACKS = ["dev", "staging", "prod"];
const example = synthPlatform();

function withVpc(account: string, vpc: Record<string, unknown>): Record<string, StackJson> {
  const input = exampleInput() as any;
  input.accounts[account].vpc = { ...input.accounts[account].vpc, ...vpc };
  return synthPlatform(parse(input)).json;
}

function nameOf(
  stack: StackJson,
  type: string,
  predicate: (r: any) => boolean = () => true,
): string {
  const found = Object.entries(resourcesOf(stack, type)).filter(([, r]) => predicate(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][0];
}

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

  test("the data science account gets what Studio, pipelines and the MLflow server need", () => {
    expect(services(example.json.dev)).toEqual(
      sorted([
        "com.amazonaws.eu-west-1.sagemaker.api",
        "com.amazonaws.eu-west-1.sagemaker.runtime",
        "aws.sagemaker.eu-west-1.studio",
        "aws.sagemaker.eu-west-1.notebook",
        "com.amazonaws.eu-west-1.sts",
        "com.amazonaws.eu-west-1.logs",
        "com.amazonaws.eu-west-1.monitoring",
        "com.amazonaws.eu-west-1.ssm",
        "com.amazonaws.eu-west-1.ssmmessages",
        "com.amazonaws.eu-west-1.ec2messages",
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

describe("security groups", () => {
  test.each(ACCOUNT_STACKS)(
    "%s: the endpoint group admits HTTPS from the VPC block only",
    (account) => {
      const stack = example.json[account];
      const group = nameOf(stack, "aws_security_group", (g) => g.name.endsWith("-vpc-endpoints"));
      const ingress = Object.values(
        resourcesOf(stack, "aws_vpc_security_group_ingress_rule"),
      ).filter((r) => r.security_group_id === ref("aws_security_group", group));
      expect(ingress).toEqual([
        {
          security_group_id: ref("aws_security_group", group),
          description: "HTTPS to AWS service endpoints from the VPC",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: onlyResource(stack, "aws_vpc").cidr_block,
        },
      ]);
      const egress = Object.values(resourcesOf(stack, "aws_vpc_security_group_egress_rule")).filter(
        (r) => r.security_group_id === ref("aws_security_group", group),
      );
      expect(egress).toEqual([]);
    },
  );

  test.each(ACCOUNT_STACKS)(
    "%s: workloads talk to each other, the endpoints and S3, nothing else",
    (account) => {
      const stack = example.json[account];
      const workload = ref(
        "aws_security_group",
        nameOf(stack, "aws_security_group", (g) => g.name.endsWith("-ml-workloads")),
      );
      const endpoints = ref(
        "aws_security_group",
        nameOf(stack, "aws_security_group", (g) => g.name.endsWith("-vpc-endpoints")),
      );
      const s3 = ref(
        "aws_vpc_endpoint",
        nameOf(stack, "aws_vpc_endpoint", (e) => e.vpc_endpoint_type === "Gateway"),
        "prefix_list_id",
      );
      const strip = ({ "//": _, description: __, security_group_id: ___, ...rest }: any) => rest;
      const rules = (type: string) =>
        Object.values(resourcesOf(stack, type))
          .filter((r) => r.security_group_id === workload)
          .map(strip);
      expect(rules("aws_vpc_security_group_ingress_rule")).toEqual([
        { ip_protocol: "-1", referenced_security_group_id: workload },
      ]);
      const egress = rules("aws_vpc_security_group_egress_rule");
      expect(egress).toHaveLength(3);
      expect(egress).toEqual(
        expect.arrayContaining([
          { ip_protocol: "-1", referenced_security_group_id: workload },
          {
            ip_protocol: "tcp",
            from_port: 443,
            to_port: 443,
            referenced_security_group_id: endpoints,
          },
          { ip_protocol: "tcp", from_port: 443, to_port: 443, prefix_list_id: s3 },
        ]),
      );
    },
  );

  test.each(ACCOUNT_STACKS)("%s: every group and rule has a description", (account) => {
    const stack = example.json[account];
    for (const type of [
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule",
    ]) {
      for (const r of Object.values(resourcesOf(stack, type)))
        expect(r.description).toMatch(/\w{5,}/);
    }
  });

  test("no ingress from anywhere and no all-traffic egress to anywhere, with or without NAT", () => {
    for (const json of [example.json, withVpc("dev", { natGateways: "one-per-az" })]) {
      for (const stack of Object.values(json)) {
        for (const r of Object.values(resourcesOf(stack, "aws_vpc_security_group_ingress_rule"))) {
          expect([r.cidr_ipv4, r.cidr_ipv6]).not.toContain("0.0.0.0/0");
          expect(r.cidr_ipv6).not.toBe("::/0");
        }
        for (const r of Object.values(resourcesOf(stack, "aws_vpc_security_group_egress_rule"))) {
          if (r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0")
            expect(r.ip_protocol).not.toBe("-1");
        }
        for (const g of Object.values(resourcesOf(stack, "aws_security_group"))) {
          expect(g.ingress).toBeUndefined();
          expect(g.egress).toBeUndefined();
        }
      }
    }
  });
});

describe("flow logs", () => {
  const stack = example.json.staging;
  const logGroupArn =
    "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/vpc/flow-logs/mlops-staging";

  test("record ALL traffic of the VPC into the log group through the role", () => {
    expect(onlyResource(stack, "aws_flow_log")).toMatchObject({
      vpc_id: ref("aws_vpc", nameOf(stack, "aws_vpc")),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref(
        "aws_cloudwatch_log_group",
        nameOf(stack, "aws_cloudwatch_log_group"),
        "arn",
      ),
      iam_role_arn: ref(
        "aws_iam_role",
        nameOf(stack, "aws_iam_role", (r) => r.name === "mlops-staging-vpc-flow-logs"),
        "arn",
      ),
    });
  });

  test("the log group is encrypted with the logs key, kept 365 days and protected", () => {
    const [key] = keyByAlias(stack, "alias/mlops-staging-logs");
    expect(onlyResource(stack, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/vpc/flow-logs/mlops-staging",
      kms_key_id: ref("aws_kms_key", key, "arn"),
      retention_in_days: 365,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("retention follows config", () => {
    const json = withVpc("staging", { flowLogRetentionDays: 731 });
    expect(onlyResource(json.staging, "aws_cloudwatch_log_group").retention_in_days).toBe(731);
  });

  test("the logs key lets only the logs service use it, for that log group", () => {
    const [, key] = keyByAlias(stack, "alias/mlops-staging-logs");
    const policy = policyOf(key);
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "KeyAdministration",
      "CloudWatchLogsAwsVpcFlowLogsMlopsStaging",
      "CiPlanReadsKeyMetadata",
    ]);
    expect(statement(policy, "CloudWatchLogsAwsVpcFlowLogsMlopsStaging")).toEqual({
      Sid: "CloudWatchLogsAwsVpcFlowLogsMlopsStaging",
      Effect: "Allow",
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Action: [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
      ],
      Resource: "*",
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
    });
    expect(key).toMatchObject({
      enable_key_rotation: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("the role is trusted by the flow logs service of this account only", () => {
    const [, role] = findResource(
      stack,
      "aws_iam_role",
      (r) => r.name === "mlops-staging-vpc-flow-logs",
    );
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "FlowLogsServiceOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "222222222222" },
          ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:222222222222:vpc-flow-log/*" },
        },
      },
    ]);
  });

  test("the role may only write to that log group", () => {
    const policy = rolePolicy(stack, "mlops-staging-vpc-flow-logs");
    expect(policy.Statement).toEqual([
      {
        Sid: "WriteToTheFlowLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
      },
      {
        Sid: "FindTheFlowLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        // IAM authorizes DescribeLogGroups on "*" only.
        Resource: "*",
      },
    ]);
  });
});

describe("S3 gateway endpoint", () => {
  function gateway(stack: StackJson): any {
    return Object.values(resourcesOf(stack, "aws_vpc_endpoint")).find(
      (e) => e.vpc_endpoint_type === "Gateway",
    );
  }

  test.each(ACCOUNT_STACKS)("%s: on every private route table", (account) => {
    const stack = example.json[account];
    expect(gateway(stack)).toMatchObject({
      service_name: "com.amazonaws.eu-west-1.s3",
      route_table_ids: Object.keys(resourcesOf(stack, "aws_route_table")).map((t) =>
        ref("aws_route_table", t),
      ),
    });
  });

  test("dev: the platform's buckets in this account, and the AWS-owned buckets its services need", () => {
    const policy = policyOf(gateway(example.json.dev));
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "PlatformBucketsInThisAccount",
      "AwsOwnedBucketsServicesNeed",
    ]);
    expect(statement(policy, "PlatformBucketsInThisAccount")).toEqual({
      Sid: "PlatformBucketsInThisAccount",
      Effect: "Allow",
      Principal: "*",
      Action: OWN_BUCKET_ACTIONS,
      Resource: ["data", "models", "mlflow", "access-logs", "tfstate"].flatMap((p) => [
        `arn:aws:s3:::mlops-dev-${p}-111111111111-eu-west-1`,
        `arn:aws:s3:::mlops-dev-${p}-111111111111-eu-west-1/*`,
      ]),
      Condition: { StringEquals: { "s3:ResourceAccount": "111111111111" } },
    });
    expect(statement(policy, "AwsOwnedBucketsServicesNeed")).toEqual({
      Sid: "AwsOwnedBucketsServicesNeed",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: [
        "arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*",
        "arn:aws:s3:::aws-ssm-eu-west-1/*",
        "arn:aws:s3:::amazon-ssm-eu-west-1/*",
        "arn:aws:s3:::amazon-ssm-packages-eu-west-1/*",
        "arn:aws:s3:::eu-west-1-birdwatcher-prod/*",
        "arn:aws:s3:::aws-ssm-distributor-file-eu-west-1/*",
        "arn:aws:s3:::aws-ssm-document-attachments-eu-west-1/*",
        "arn:aws:s3:::patch-baseline-snapshot-eu-west-1/*",
        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
      ],
    });
  });

  test.each([
    ["staging", "222222222222"],
    ["prod", "333333333333"],
  ])("%s: its own buckets, reading the dev model bucket, and ECR layers", (account, accountId) => {
    const policy = policyOf(gateway(example.json[account]));
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "PlatformBucketsInThisAccount",
      "ReadBucketsOf111111111111",
      "AwsOwnedBucketsServicesNeed",
    ]);
    expect(statement(policy, "PlatformBucketsInThisAccount")).toEqual({
      Sid: "PlatformBucketsInThisAccount",
      Effect: "Allow",
      Principal: "*",
      Action: OWN_BUCKET_ACTIONS,
      // A deployment target has only its state and access-log buckets.
      Resource: ["access-logs", "tfstate"].flatMap((p) => [
        `arn:aws:s3:::mlops-${account}-${p}-${accountId}-eu-west-1`,
        `arn:aws:s3:::mlops-${account}-${p}-${accountId}-eu-west-1/*`,
      ]),
      Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
    });
    expect(statement(policy, "ReadBucketsOf111111111111")).toEqual({
      Sid: "ReadBucketsOf111111111111",
      Effect: "Allow",
      Principal: "*",
      Action: [
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:GetObject",
        "s3:GetObjectTagging",
        "s3:GetObjectVersion",
      ],
      Resource: [
        "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1",
        "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1/*",
      ],
      Condition: { StringEquals: { "s3:ResourceAccount": "111111111111" } },
    });
    expect(statement(policy, "AwsOwnedBucketsServicesNeed")).toEqual({
      Sid: "AwsOwnedBucketsServicesNeed",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"],
    });
  });

  test.each(ACCOUNT_STACKS)(
    "%s: creating, listing or writing an arbitrary bucket is refused",
    (account) => {
      const policy = policyOf(gateway(example.json[account]));
      for (const s of policy.Statement) {
        expect(s.Effect).toBe("Allow");
        const actions = ([] as string[]).concat(s.Action ?? []);
        expect(actions).not.toEqual(expect.arrayContaining(["s3:CreateBucket"]));
        expect(actions).not.toEqual(expect.arrayContaining(["s3:ListAllMyBuckets"]));
        expect(actions.some((a) => a.includes("*"))).toBe(false);
        for (const resource of ([] as string[]).concat(s.Resource ?? [])) {
          // Every resource names one bucket: no wildcard in the bucket part.
          expect(resource).toMatch(/^arn:aws:s3:::[a-z0-9.-]+(\/\*)?$/);
        }
        if (s.Sid !== "AwsOwnedBucketsServicesNeed") {
          expect(s.Condition?.StringEquals?.["s3:ResourceAccount"]).toMatch(/^\d{12}$/);
        } else {
          expect(actions).toEqual(["s3:GetObject"]);
        }
      }
    },
  );
});

describe("SecureVpc module", () => {
  function vpcIn(
    stack: ReturnType<typeof moduleTestStack>,
    network: SecureVpcProps["network"],
  ): void {
    const key = new KmsKey(stack, "key", {
      alias: "alias/t-logs",
      description: "t",
      administratorArns: ["arn:aws:iam::111111111111:role/x"],
    });
    new SecureVpc(stack, "vpc", {
      name: "t",
      network,
      environment: {
        accountId: "111111111111",
        region: "eu-west-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
      },
      interfaceEndpoints: [],
      s3Access: { ownBuckets: ["b"] },
      flowLogs: { logGroupName: "/t", roleName: "t-flow", key },
    });
  }

  test("carves subnets with cidrsubnet when the VPC block is a Terraform value", () => {
    const stack = moduleTestStack();
    vpcIn(stack, {
      cidr: new TerraformVariable(stack, "cidr", { type: "string" }).stringValue,
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      subnetNewBits: 4,
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values(resourcesOf(json, "aws_subnet")).map((s) => s.cidr_block)).toEqual([
      "${cidrsubnet(var.cidr, 4, 0)}",
      "${cidrsubnet(var.cidr, 4, 1)}",
    ]);
  });

  test("fails on a public VPC block", () => {
    expect(() =>
      vpcIn(moduleTestStack(), { cidr: "8.8.0.0/16", availabilityZones: 2, subnetNewBits: 3 }),
    ).toThrow('test/vpc: cidr "8.8.0.0/16" must be a private block inside 10.0.0.0/8');
  });
});

describe("endpoint services and zones are checked at plan, not at apply", () => {
  const dev = example.json.dev;
  const endpoints = resourcesOf(dev, "aws_vpc_endpoint");
  const sts = Object.entries(endpoints).find(([k]) => k.includes("endpoint-sts_"))![1];
  const [lookupKey, lookup] = Object.entries(
    resourcesOf({ resource: dev.data } as any, "aws_vpc_endpoint_service"),
  ).find(([k]) => k.includes("endpoint-sts-service"))!;

  test("each interface endpoint's service is looked up by name (a region without it fails the plan)", () => {
    expect(lookup).toEqual({
      service_name: "com.amazonaws.eu-west-1.sts",
      service_type: "Interface",
    });
    expect(Object.keys(dev.data!.aws_vpc_endpoint_service)).toHaveLength(
      Object.values(endpoints).filter((e) => e.vpc_endpoint_type === "Interface").length,
    );
  });

  test("an endpoint's precondition names the config fields when a zone of the VPC lacks the service", () => {
    const [precondition] = sts.lifecycle.precondition;
    expect(precondition.error_message).toMatch(
      /^accounts\.dev\.vpc\.interfaceEndpoints: sts \(com\.amazonaws\.eu-west-1\.sts\) is not offered in \$\{.+\}, a zone of the VPC; choose accounts\.dev\.vpc\.availabilityZones the service offers \(\$\{.+\}\), or leave the endpoint out$/,
    );
  });

  // The condition, evaluated by terraform itself with the lookups' values filled in.
  const terraform = spawnSync("terraform", ["version"]).status === 0;
  (terraform ? test : test.skip).each([
    [["eu-west-1a", "eu-west-1b", "eu-west-1c"], "true"],
    [["eu-west-1a", "eu-west-1c"], "false"],
    [[], "true"], // only a stand-in provider answers an empty list; AWS fails the lookup
  ])(
    "with the service offered in %j the condition is %s (the VPC: eu-west-1a, eu-west-1b)",
    (offered, expected) => {
      const list = JSON.stringify(offered);
      const expression = String(sts.lifecycle.precondition[0].condition)
        .replace(/^\$\{/, "")
        .replace(/\}$/, "")
        .split(`data.aws_vpc_endpoint_service.${lookupKey}.availability_zones`)
        .join(list)
        .replace(/element\(data\.aws_availability_zones\.[^.]+\.names, (\d)\)/g, (_, i) =>
          JSON.stringify(["eu-west-1a", "eu-west-1b"][Number(i)]),
        );
      const dir = mkdtempSync(join(tmpdir(), "tf-console-"));
      try {
        const r = spawnSync("terraform", ["console"], {
          cwd: dir,
          input: `${expression}\n`,
          encoding: "utf8",
          env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        });
        expect([r.status, r.stdout.trim()]).toEqual([0, expected]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
