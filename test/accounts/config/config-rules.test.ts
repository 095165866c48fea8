import type { PlatformConfigError } from "../../../accounts/config/loader";
import { exampleInput, parse, problemsOf as problemsWith } from "../../helpers";

describe("config rules", () => {
  test("settings that would be silently ignored, or leak, are refused: one line each", () => {
    expect(
      problemsWith((c) => {
        c.state = {
          hcpTerraform: { organization: "acme-ml" },
          bootstrapBackend: "s3",
          locking: "dynamodb",
        };
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = {
          server: { enabled: true, pipIndexUrl: "https://aws:s3cr3t@pypi.acme.example/simple/" },
        };
        c.accounts.dev.sagemaker.domains = [
          {
            authMode: "SSO",
            userProfiles: [
              { name: "alice", persona: "data-scientist", ssoUserName: "alice\u001b[2J" },
            ],
          },
        ];
      }),
    ).toEqual([
      'state.bootstrapBackend: "s3" cannot be combined with hcpTerraform: every stack\'s state is in HCP Terraform from its first apply; remove bootstrapBackend',
      'state.locking: "dynamodb" cannot be combined with hcpTerraform: HCP Terraform locks its workspaces itself; remove locking',
      'accounts.dev.sagemaker.domains[0].userProfiles[0].ssoUserName: "alice\\u001b[2J" must be 1 to 128 letters, digits or + = , . @ _ - (an IAM Identity Center user name)',
      "accounts.dev.mlflow.server.pipIndexUrl: \"https://aws:s3cr3t@pypi.acme.example/simple/\" must not hold credentials (user:token@): they would be written into the server's user data and Terraform state; use the platform's package repository (packages.codeArtifact), whose token the server fetches with its role",
    ]);
    // Their other side: an e-mail style user name and a plain index URL are taken.
    expect(
      problemsWith((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = {
          server: { enabled: true, pipIndexUrl: "https://pypi.acme.example/simple/" },
        };
        c.accounts.dev.sagemaker.domains = [
          {
            authMode: "SSO",
            userProfiles: [
              {
                name: "alice",
                persona: "data-scientist",
                ssoUserName: "alice.o-neil+ml@acme.example",
              },
            ],
          },
        ];
      }),
    ).toEqual([]);
  });

  function problems(mutate: (input: any) => void): readonly string[] {
    const input = exampleInput() as any;
    mutate(input);
    try {
      parse(input);
    } catch (error) {
      return (error as PlatformConfigError).problems;
    }
    return [];
  }

  test("the example has no problems", () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test("a config with no accounts is rejected", () => {
    expect(
      problems((c) => {
        c.accounts = {};
        delete c.ci;
      }),
    ).toEqual(["accounts: must list at least one account"]);
  });

  test("a deployment target must point at the data science account, not another target", () => {
    expect(problems((c) => (c.accounts.prod.dataScienceAccount = "staging"))).toEqual([
      'accounts.prod.dataScienceAccount: "staging" must name the data science account (dev)',
    ]);
  });

  test("zones and subnet sizes cannot be set for an existing VPC", () => {
    expect(
      problems((c) => {
        c.accounts.staging.vpc = {
          cidr: "10.20.0.0/16",
          availabilityZones: 3,
          subnetPrefixLength: 20,
          existing: {
            vpcId: "vpc-0abc12345def67890",
            privateSubnetIds: ["subnet-0aaa1111", "subnet-0aaa1111"],
            privateRouteTableIds: ["rtb-0aaa1111"],
          },
        };
      }),
    ).toEqual([
      "accounts.staging.vpc.availabilityZones: cannot be used with vpc.existing: an existing VPC keeps its own subnets and gateways; remove it or vpc.existing",
      "accounts.staging.vpc.subnetPrefixLength: cannot be used with vpc.existing: an existing VPC keeps its own subnets and gateways; remove it or vpc.existing",
      "accounts.staging.vpc.existing.privateSubnetIds: must not repeat an id",
    ]);
  });

  test("malformed existing VPC ids are rejected", () => {
    expect(
      problems((c) => {
        c.accounts.staging.vpc = {
          cidr: "10.20.0.0/16",
          existing: {
            vpcId: "vpc-1",
            privateSubnetIds: ["subnet-0aaa1111"],
            privateRouteTableIds: ["rtb-0aaa1111"],
          },
        };
      }),
    ).toEqual([
      'accounts.staging.vpc.existing.vpcId: "vpc-1" must be a VPC id such as vpc-0abc12345def67890',
      "accounts.staging.vpc.existing.privateSubnetIds: must have at least 2 entries",
    ]);
  });

  test("a subnet prefix shorter than the VPC prefix is rejected", () => {
    expect(
      problems((c) => (c.accounts.dev.vpc = { cidr: "10.10.0.0/20", subnetPrefixLength: 18 })),
    ).toEqual([
      "accounts.dev.vpc.subnetPrefixLength: 18 must be at least the VPC prefix length /20",
    ]);
  });

  test("VPC prefixes outside /16 to /28 are rejected", () => {
    expect(problems((c) => (c.accounts.dev.vpc.cidr = "10.0.0.0/8"))).toEqual([
      'accounts.dev.vpc.cidr: "10.0.0.0/8" must have a prefix length from /16 to /28 (the VPC sizes AWS allows)',
    ]);
  });

  test("repeated availability zones are rejected", () => {
    expect(
      problems((c) => (c.accounts.dev.vpc.availabilityZones = ["eu-west-1a", "eu-west-1a"])),
    ).toEqual(["accounts.dev.vpc.availabilityZones: must not repeat a zone"]);
  });

  test("something that is neither a count nor a list of zones is rejected", () => {
    expect(problems((c) => (c.accounts.dev.vpc.availabilityZones = "two"))).toEqual([
      'accounts.dev.vpc.availabilityZones: "two" must be a number of zones from 2 to 4, or a list of 2 to 4 zone names such as [eu-west-1a, eu-west-1b]',
    ]);
  });

  test("one availability zone is not enough for SageMaker", () => {
    expect(problems((c) => (c.accounts.dev.vpc.availabilityZones = 1))).toEqual([
      "accounts.dev.vpc.availabilityZones: 1 must be a whole number from 2 to 4",
    ]);
  });

  test("an invalid deploy role name is rejected", () => {
    expect(problems((c) => (c.accounts.dev.deployRoleName = "deploy role"))).toEqual([
      'accounts.dev.deployRoleName: "deploy role" must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -',
    ]);
  });

  test("tag keys reserved by AWS are rejected", () => {
    expect(problems((c) => (c.tags = { "aws:owner": "x" }))).toEqual([
      'tags.aws:owner: the name "aws:owner" must not start with "aws:" (reserved by AWS)',
    ]);
    // In any case: AWS reserves the prefix whatever the case of its letters.
    expect(problems((c) => (c.tags = { "AWS:Owner": "x" }))).toEqual([
      'tags.AWS:Owner: the name "AWS:Owner" must not start with "aws:" (reserved by AWS)',
    ]);
  });

  test("a CI environment for an account that does not exist", () => {
    expect(problems((c) => (c.ci.github.environments = { production: "prod" }))).toEqual([
      "ci.github.environments.production: names no account; accounts: dev, staging, prod",
    ]);
  });

  test("an unknown top-level key is named with a suggestion", () => {
    expect(problems((c) => (c.regoin = "eu-west-1"))).toEqual([
      '(top level): unknown key "regoin" (did you mean "region"?); allowed keys: prefix, region, tags, deployRoleName, state, ci, monitoring, accounts',
    ]);
  });

  test("a section guessed by another word is named, and a field one level too high gets its section", () => {
    expect(
      problems((c) => {
        c.accounts.dev.network = { cidr: "10.0.0.0/16" };
        c.accounts.dev.studio = {};
        c.accounts.dev.cidr = "10.0.0.0/16";
        c.accounts.dev.sagemaker.userProfiles = [];
        c.github = {};
        c.accounts.prod.S3 = {};
        c.accounts.prod.whatever = 1;
      }),
    ).toEqual([
      'accounts.dev.sagemaker: unknown key "userProfiles" (it belongs under "domains"); allowed keys: domains, identity, modelPackageGroups, projects, modelArtifactsPrefix',
      'accounts.dev: unknown key "network" (did you mean "vpc"?), "studio" (did you mean "sagemaker"?), "cidr" (it belongs under "vpc"); allowed keys: type, accountId, deployRoleName, vpc, sagemakerQuotas, buckets, datasetAccess, sagemaker, dataKeyArn, mlflow, packages',
      'accounts.prod: unknown key "S3" (did you mean "buckets"?), "whatever"; allowed keys: type, dataScienceAccount, accountId, deployRoleName, vpc, sagemakerQuotas, buckets, deployment',
      '(top level): unknown key "github" (did you mean "ci"?); allowed keys: prefix, region, tags, deployRoleName, state, ci, monitoring, accounts',
    ]);
  });
});
