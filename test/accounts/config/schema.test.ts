import { readdirSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { join } from "node:path";
import { loadPlatformConfig } from "../../../accounts/config/loader";
import { namingInput } from "../../../accounts/naming";
import { zoneCount } from "../../../accounts/config/schema/network";
import { AccountNames, bucketNameProblem } from "../../../accounts/naming";
import { isKnownRegion, regionPartition } from "../../../accounts/config/regions";
import {
  exampleInput,
  FIXTURES,
  parse,
  problemsOf as problemsWith,
  synthPlatform,
} from "../../helpers";

const CONFIGS = join(FIXTURES, "configs");

describe("example config", () => {
  // A folder without platform.yaml: a team's fork has one at its root, and these tests must not
  // depend on which config the checkout holds.
  const noConfig = FIXTURES;

  test("is the default and fills in secure defaults", () => {
    const { config, source } = loadPlatformConfig({}, noConfig);
    expect(source).toBe("accounts/config/example.ts");
    expect(Object.keys(config.accounts)).toEqual(["dev", "staging", "prod"]);
    expect(config.accounts.dev).toMatchObject({ type: "data-science", accountId: "111111111111" });
    expect(config.accounts.staging).toMatchObject({
      type: "deployment-target",
      dataScienceAccount: "dev",
      accountId: "222222222222",
    });
    expect(config.accounts.prod.accountId).toBe("333333333333");
    expect(config.state).toEqual({
      locking: "lockfile",
      bootstrapBackend: "local",
      noncurrentVersionExpirationDays: 90,
      noncurrentVersionsRetained: 10,
    });
  });

  test("an empty PLATFORM_CONFIG means the example", () => {
    expect(loadPlatformConfig({ PLATFORM_CONFIG: "" }, noConfig).source).toBe(
      "accounts/config/example.ts",
    );
  });
});

describe("good config fixtures", () => {
  const files = readdirSync(join(CONFIGS, "good"));

  test.each(files)("%s is accepted and synthesizes", (file) => {
    const { config, source } = loadPlatformConfig({
      PLATFORM_CONFIG: join(CONFIGS, "good", file),
    });
    expect(source).toContain(file);
    const { json } = synthPlatform(config);
    expect(Object.keys(json).sort()).toEqual(
      Object.keys(config.accounts)
        .flatMap((a) => [a, `${a}-bootstrap`])
        .sort(),
    );
  });

  test("minimal.yaml gets every default", () => {
    const { config } = loadPlatformConfig({
      PLATFORM_CONFIG: join(CONFIGS, "good", "minimal.yaml"),
    });
    expect(config.deployRoleName).toBe("terraform-deploy");
    expect(config.tags).toEqual({});
    expect(config.accounts.research.vpc).toEqual({
      cidr: "10.0.0.0/16",
      natGateways: "none",
      flowLogRetentionDays: 365,
      manageDefaultSecurityGroup: true,
      sharedEndpoints: {},
    });
    expect(zoneCount(config.accounts.research.vpc)).toBe(2);
    expect(config.state.locking).toBe("lockfile");
  });

  test("every default of the config, for both kinds of account", () => {
    const config = parse({
      prefix: "ml",
      region: "us-east-1",
      accounts: {
        research: { type: "data-science", accountId: "123456789012", vpc: { cidr: "10.0.0.0/16" } },
        live: {
          type: "deployment-target",
          dataScienceAccount: "research",
          accountId: "210987654321",
          vpc: { cidr: "10.1.0.0/16" },
        },
      },
    });
    const vpc = (cidr: string) => ({
      cidr,
      natGateways: "none",
      flowLogRetentionDays: 365,
      manageDefaultSecurityGroup: true,
      sharedEndpoints: {},
    });
    expect(config).toEqual({
      prefix: "ml",
      region: "us-east-1",
      tags: {},
      deployRoleName: "terraform-deploy",
      monitoring: {
        alerts: true,
        subscriptions: [],
        trail: {
          organizationTrail: false,
          dataEvents: true,
          cloudWatchLogs: true,
          logRetentionDays: 365,
          readerRoleNames: [],
        },
        awsConfig: { recorder: "none", excludeRules: [] },
        stopUnguardedJobs: false,
      },
      state: {
        locking: "lockfile",
        bootstrapBackend: "local",
        noncurrentVersionExpirationDays: 90,
        noncurrentVersionsRetained: 10,
      },
      accounts: {
        research: {
          type: "data-science",
          accountId: "123456789012",
          vpc: vpc("10.0.0.0/16"),
          sagemakerQuotas: [],
          packages: {},
          sagemaker: {
            domains: [{ authMode: "IAM", userProfiles: [], idleShutdownMinutes: 120 }],
            identity: { kind: "account-with-mfa" },
            modelPackageGroups: [],
            projects: true,
            modelArtifactsPrefix: "models/",
          },
          mlflow: {
            managed: {
              size: "Small",
              weeklyMaintenanceWindowStart: "Sun:03:00",
              automaticModelRegistration: true,
            },
            server: {
              enabled: false,
              mlflowVersion: "2.17.2",
              instanceType: "t3.medium",
              port: 5000,
              database: {
                instanceClass: "db.t4g.small",
                engineVersion: "16",
                allocatedStorageGb: 20,
                multiAz: false,
                backupRetentionDays: 7,
              },
            },
          },
        },
        live: {
          type: "deployment-target",
          dataScienceAccount: "research",
          accountId: "210987654321",
          vpc: vpc("10.1.0.0/16"),
          deployment: { ecrRepositories: [], prebuiltImageAccounts: [] },
          sagemakerQuotas: [],
        },
      },
    });
  });

  // Each numeric setting at both ends of its range is accepted; one past either end is refused
  // with one line naming the field, the value and the range.
  test.each([
    [
      "state.noncurrentVersionExpirationDays",
      1,
      3650,
      (c: any, v: number) => (c.state.noncurrentVersionExpirationDays = v),
    ],
    [
      "state.noncurrentVersionsRetained",
      1,
      100,
      (c: any, v: number) => (c.state.noncurrentVersionsRetained = v),
    ],
    [
      "accounts.dev.vpc.availabilityZones",
      2,
      4,
      (c: any, v: number) => (c.accounts.dev.vpc.availabilityZones = v),
    ],
    [
      "accounts.dev.mlflow.server.port",
      1024,
      65535,
      (c: any, v: number) => (c.accounts.dev.mlflow = { mode: "ec2", server: { port: v } }),
    ],
    [
      "accounts.dev.mlflow.server.database.backupRetentionDays",
      7,
      35,
      (c: any, v: number) =>
        (c.accounts.dev.mlflow = {
          mode: "ec2",
          server: { database: { backupRetentionDays: v } },
        }),
    ],
    [
      "accounts.dev.mlflow.server.database.allocatedStorageGb",
      20,
      16384,
      (c: any, v: number) =>
        (c.accounts.dev.mlflow = {
          mode: "ec2",
          server: { database: { allocatedStorageGb: v } },
        }),
    ],
    [
      "accounts.dev.buckets.models.objectLockRetentionDays",
      1,
      36500,
      (c: any, v: number) => (c.accounts.dev.buckets = { models: { objectLockRetentionDays: v } }),
    ],
    [
      "accounts.dev.buckets.data.noncurrentVersionExpirationDays",
      1,
      3650,
      (c: any, v: number) =>
        (c.accounts.dev.buckets = {
          data: { noncurrentVersionExpirationDays: v, noncurrentVersionArchiveDays: false },
        }),
    ],
    [
      "accounts.dev.sagemaker.domains[0].idleShutdownMinutes",
      60,
      525600,
      (c: any, v: number) => (c.accounts.dev.sagemaker.domains = [{ idleShutdownMinutes: v }]),
    ],
    [
      "accounts.prod.sagemakerQuotas[0].value",
      1,
      100000,
      (c: any, v: number) =>
        (c.accounts.prod.sagemakerQuotas = [
          { code: "L-1194F27D", value: v, why: "ml.g5.xlarge endpoints for the churn model" },
        ]),
    ],
    [
      "accounts.dev.buckets.data.transitions.standardIaDays",
      30,
      36500,
      (c: any, v: number) =>
        (c.accounts.dev.buckets = { data: { transitions: { standardIaDays: v } } }),
    ],
  ] as const)("%s: %d to %d", (field, min, max, set) => {
    const at = (v: number) => problemsWith((c) => set(c, v));
    expect([at(min), at(max)]).toEqual([[], []]);
    const range = `must be a whole number from ${min} to ${max}`;
    expect([at(min - 1), at(max + 1)]).toEqual([
      [`${field}: ${min - 1} ${range}`],
      [`${field}: ${max + 1} ${range}`],
    ]);
  });

  test("full.yaml keeps every option it sets, and fills in the rest", () => {
    const path = join(CONFIGS, "good", "full.yaml");
    const { config } = loadPlatformConfig({ PLATFORM_CONFIG: path });
    // Every value written in the file is in the parsed config, unchanged.
    expect(config).toMatchObject(parseYaml(readFileSync(path, "utf8")));
    expect(config.accounts.dev.vpc).toEqual({
      cidr: "10.1.0.0/20",
      availabilityZones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
      subnetPrefixLength: 24,
      natGateways: "none",
      interfaceEndpoints: [
        "sagemaker.api",
        "sagemaker.runtime",
        "sagemaker.studio",
        "sts",
        "logs",
        "monitoring",
        "kms",
      ],
      flowLogRetentionDays: 400,
      manageDefaultSecurityGroup: true,
      sharedEndpoints: {},
    });
    // Defaults the file leaves out.
    expect(config.accounts.prod.vpc).toMatchObject({
      natGateways: "none",
      flowLogRetentionDays: 365,
      manageDefaultSecurityGroup: true,
    });
  });

  test("two accounts sharing an account id get distinct names", () => {
    const { config } = loadPlatformConfig({
      PLATFORM_CONFIG: join(CONFIGS, "good", "shared-account.json"),
    });
    const staging = new AccountNames(namingInput(config, "staging"));
    const prod = new AccountNames(namingInput(config, "prod"));
    expect(staging.accountId).toBe(prod.accountId);
    const stagingNames = [
      ...staging.allBucketNames(),
      staging.stateKeyAlias,
      staging.stateLockTableName,
    ];
    const prodNames = [...prod.allBucketNames(), prod.stateKeyAlias, prod.stateLockTableName];
    expect(stagingNames.filter((n) => prodNames.includes(n))).toEqual([]);
  });
});

describe("regions", () => {
  test.each(["eu-west-1", "us-east-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"])(
    "%s is known",
    (region) => expect(isKnownRegion(region)).toBe(true),
  );

  test.each(["eu-west-9", "mars-1", "aws-global", "EU-WEST-1", "eu-west-1a", ""])(
    "%s is not a region",
    (region) => expect(isKnownRegion(region)).toBe(false),
  );

  test("the partition follows the region", () => {
    expect(regionPartition("eu-west-1")).toEqual({ partition: "aws", dnsSuffix: "amazonaws.com" });
    expect(regionPartition("us-gov-west-1").partition).toBe("aws-us-gov");
    expect(regionPartition("cn-north-1")).toEqual({
      partition: "aws-cn",
      dnsSuffix: "amazonaws.com.cn",
    });
  });
});

describe("bucket names", () => {
  test("the platform's names are deterministic from config", () => {
    const config = parse(exampleInput());
    const dev = new AccountNames(namingInput(config, "dev"));
    expect(dev.allBucketNames()).toEqual([
      "mlops-dev-data-111111111111-eu-west-1",
      "mlops-dev-models-111111111111-eu-west-1",
      "mlops-dev-mlflow-111111111111-eu-west-1",
      "mlops-dev-access-logs-111111111111-eu-west-1",
      "mlops-dev-audit-logs-111111111111-eu-west-1",
      "mlops-dev-tfstate-111111111111-eu-west-1",
    ]);
    const prod = new AccountNames(namingInput(config, "prod"));
    expect(prod.allBucketNames()).toEqual([
      "mlops-prod-access-logs-333333333333-eu-west-1",
      "mlops-prod-audit-logs-333333333333-eu-west-1",
      "mlops-prod-tfstate-333333333333-eu-west-1",
    ]);
  });

  test.each([
    ["ab", "is 2 characters; S3 bucket names are 3 to 63"],
    ["a".repeat(64), "is 64 characters; S3 bucket names are 3 to 63"],
    [
      "My-bucket",
      "may hold only lowercase letters, digits and hyphens, starting and ending with a letter or digit",
    ],
    ["xn--bucket", 'must not start with "xn--" (reserved by S3)'],
    ["bucket-s3alias", 'must not end with "-s3alias" (reserved by S3)'],
  ])("%s is rejected", (name, problem) => {
    expect(bucketNameProblem(name)).toBe(problem);
  });

  test("a valid name has no problem", () => {
    expect(bucketNameProblem("mlops-dev-data-111111111111-eu-west-1")).toBeUndefined();
  });
});

describe("regions of partitions the platform does not support", () => {
  test.each([
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
  ])("%s (%s) is refused with one line", (region, partitionName) => {
    expect(problemsWith((c: any) => (c.region = region))).toEqual([
      `region: "${region}" is in the ${partitionName} partition; the platform supports regions of the aws, aws-cn, aws-us-gov partitions only (some services it needs are missing elsewhere)`,
    ]);
  });
  test("a replica region of another partition is refused the same way", () => {
    expect(
      problemsWith(
        (c: any) => (c.accounts.dev.buckets = { data: { replicaRegion: "us-iso-west-1" } }),
      ),
    ).toEqual([
      'accounts.dev.buckets.data.replicaRegion: "us-iso-west-1" is in the aws-iso partition; the platform supports regions of the aws, aws-cn, aws-us-gov partitions only (some services it needs are missing elsewhere)',
    ]);
  });
  test.each(["eu-west-1", "ap-southeast-4", "us-east-1", "cn-north-1", "us-gov-west-1"])(
    "%s is taken",
    (region) => {
      expect(
        problemsWith((c: any) => {
          c.region = region;
          for (const account of Object.values(c.accounts) as any[])
            account.vpc.availabilityZones = 2;
        }),
      ).toEqual([]);
    },
  );
});
