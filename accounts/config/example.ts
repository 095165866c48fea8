import type { AccountConfigInput, PlatformConfigInput } from "./schema/platform";

/** The example platform's accounts. A mapped type, so leaving one out is a compile error. */
export type ExampleStage = "dev" | "staging" | "prod";

type ExamplePlatformConfig = PlatformConfigInput & {
  accounts: { [stage in ExampleStage]: AccountConfigInput };
};

/**
 * The default platform: one data science account (dev) and two deployment targets (staging,
 * prod). The account ids are placeholders; a real platform names its own config file with
 * PLATFORM_CONFIG (docs/configuring.md). Defaults not written here are secure.
 */
export const exampleConfig: ExamplePlatformConfig = {
  prefix: "mlops",
  region: "eu-west-1",
  tags: {
    "cost-center": "ml-platform",
    owner: "platform-team",
  },
  deployRoleName: "terraform-deploy",
  state: {
    locking: "lockfile",
    bootstrapBackend: "local",
  },
  ci: {
    github: {
      repository: "example-org/mlops-platform",
      branch: "main",
      // prod applies only from its own protected environment.
      environments: { prod: "production" },
    },
  },
  accounts: {
    dev: {
      type: "data-science",
      accountId: "111111111111",
      vpc: { cidr: "10.10.0.0/16", availabilityZones: 2 },
      sagemaker: {
        domains: [
          {
            authMode: "IAM",
            userProfiles: [
              { name: "data-scientist-1", persona: "data-scientist" },
              { name: "team-lead", persona: "team-admin" },
            ],
          },
        ],
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "DataScienceTeamAdmin",
            admin: "DataScienceAdmin",
            modelApprover: "ModelApprover",
          },
        },
        modelPackageGroups: ["churn-prediction"],
        projects: true,
      },
    },
    staging: {
      type: "deployment-target",
      dataScienceAccount: "dev",
      accountId: "222222222222",
      vpc: { cidr: "10.20.0.0/16", availabilityZones: 2 },
    },
    prod: {
      type: "deployment-target",
      dataScienceAccount: "dev",
      accountId: "333333333333",
      vpc: { cidr: "10.30.0.0/16", availabilityZones: 3 },
    },
  },
};
