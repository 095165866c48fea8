import { devWith, mlflowServerOn } from "./mlflow-configs";
import { problemsOf } from "../../helpers";

const on = mlflowServerOn();

describe("bad MLflow mode config", () => {
  test("settings of a mode the account does not use are errors, one per setting; defaults are not", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          server: { instanceType: "m7i.large", port: 5000, database: { multiAz: true } },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.instanceType: is set, but mlflow.mode is "managed", which does not use server settings (they would be ignored): remove it, or set mlflow.mode: ec2',
      'accounts.dev.mlflow.server.database: is set, but mlflow.mode is "managed", which does not use server settings (they would be ignored): remove it, or set mlflow.mode: ec2',
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = { managed: { size: "Large" } };
      }),
    ).toEqual([
      'accounts.dev.mlflow.managed.size: is set, but mlflow.mode is "none", which does not use managed settings (they would be ignored): remove it, or set mlflow.mode: managed',
    ]);
    // A setting refused for its value gets that one line, not a second.
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = { server: { port: 99999 } };
      }),
    ).toEqual(["accounts.dev.mlflow.server.port: 99999 must be a whole number from 1024 to 65535"]);
    // The chosen mode's settings, and the other mode's at their defaults, are fine.
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          managed: { size: "Large" },
          server: { port: 5000 },
        };
      }),
    ).toEqual([]);
  });

  test("two modes at once, a database with the managed server, bad managed settings", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = { mode: "managed", server: { enabled: true } };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.enabled: cannot be true with mlflow.mode "managed"; use mode: ec2 alone',
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
        };
      }),
    ).toEqual([
      "accounts.dev.mlflow.databaseSecretArn: cannot be combined with mlflow mode managed: SageMaker manages the server's metadata store",
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "hosted",
          managed: {
            size: "XL",
            weeklyMaintenanceWindowStart: "Sun:24:00",
            mlflowVersion: "latest",
          },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.mode: "hosted" must be "none", "ec2" or "managed"',
      'accounts.dev.mlflow.managed.size: "XL" must be "Small", "Medium" or "Large"',
      'accounts.dev.mlflow.managed.mlflowVersion: "latest" must be a major.minor version such as "3.0": SageMaker keeps only major.minor, so a patch version would plan a replacement of the server on every plan',
      'accounts.dev.mlflow.managed.weeklyMaintenanceWindowStart: "Sun:24:00" must be a weekly time such as Sun:03:00 (Mon to Sun, 24-hour UTC)',
    ]);
  });

  test("a managed server's version is major.minor, as SageMaker stores it: 3.0 is taken, 3.0.0 refused with one line", () => {
    const managed = (mlflowVersion: string) =>
      problemsOf((c) => {
        c.accounts.dev.mlflow = { mode: "managed", managed: { mlflowVersion } };
      });
    expect(managed("3.0")).toEqual([]);
    expect(managed("3.0.0")).toEqual([
      'accounts.dev.mlflow.managed.mlflowVersion: "3.0.0" must be a major.minor version such as "3.0": SageMaker keeps only major.minor, so a patch version would plan a replacement of the server on every plan',
    ]);
  });

  test("managed MLflow with an SSO Studio domain is refused (AWS keeps no VPC restriction there); with IAM it is taken", () => {
    const managedWith = (authMode: string) =>
      problemsOf((c) => {
        c.accounts.dev.mlflow = { mode: "managed" };
        c.accounts.dev.sagemaker.domains = [
          authMode === "SSO"
            ? {
                authMode,
                userProfiles: [{ name: "alice", persona: "data-scientist", ssoUserName: "alice" }],
              }
            : { authMode, userProfiles: [] },
        ];
      });
    expect(managedWith("IAM")).toEqual([]);
    expect(managedWith("SSO")).toEqual([
      'accounts.dev.mlflow.mode: "managed" cannot be combined with a Studio domain in authMode SSO (sagemaker.domains[0]): AWS does not support keeping the managed tracking server\'s access to the VPC in IAM Identity Center mode, which this platform requires; use mode ec2, or authMode IAM',
    ]);
  });

  test("mode ec2 is the server.enabled of before", () => {
    const viaMode = devWith((dev) => {
      dev.vpc.natGateways = "single";
      dev.mlflow = { mode: "ec2" };
    });
    expect(JSON.stringify(viaMode)).toBe(JSON.stringify(on));
  });
});

describe("bad MLflow server config", () => {
  // Every network the config allows, with and without the package repository and an index: the
  // server boots (it reaches an index) or the config is refused with the fix.
  test.each([
    ["no NAT, CodeArtifact (the default)", "none", undefined, undefined, []],
    ["no NAT, CodeArtifact on", "none", true, undefined, []],
    [
      "no NAT, CodeArtifact off",
      "none",
      false,
      undefined,
      [
        "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the VPC has no NAT route (vpc.natGateways is none) while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
      ],
    ],
    [
      "no NAT, CodeArtifact off, an index",
      "none",
      false,
      "https://pypi.example/simple",
      [
        "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the VPC has no NAT route (vpc.natGateways is none) while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
      ],
    ],
    [
      "no NAT, CodeArtifact by default, an index",
      "none",
      undefined,
      "https://pypi.example/simple",
      [
        'accounts.dev.mlflow.server.pipIndexUrl: "https://pypi.example/simple" cannot be combined with the platform\'s package repository (packages.codeArtifact, on by default without NAT): the server installs MLflow from it; remove pipIndexUrl, or set packages.codeArtifact: false and give the VPC NAT gateways',
      ],
    ],
    ["NAT, PyPI (the default)", "single", undefined, undefined, []],
    ["NAT, an index", "one-per-az", undefined, "https://pypi.example/simple", []],
    ["NAT, CodeArtifact on", "single", true, undefined, []],
  ] as const)("%s", (_, natGateways, codeArtifact, pipIndexUrl, problems) => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = natGateways;
        if (codeArtifact !== undefined) c.accounts.dev.packages = { codeArtifact };
        c.accounts.dev.mlflow = {
          server: { enabled: true, ...(pipIndexUrl ? { pipIndexUrl } : {}) },
        };
      }),
    ).toEqual(problems);
  });

  test("an existing VPC: the package repository, or refused (its routes are not the platform's)", () => {
    const existing = (c: any) => {
      c.accounts.dev.vpc = {
        cidr: "10.10.0.0/16",
        existing: {
          vpcId: "vpc-0abc12345def67890",
          privateSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
          privateRouteTableIds: ["rtb-0aaa1111", "rtb-0bbb2222"],
        },
      };
      c.accounts.dev.mlflow = { server: { enabled: true } };
    };
    expect(problemsOf(existing)).toEqual([]);
    expect(
      problemsOf((c) => {
        existing(c);
        c.accounts.dev.packages = { codeArtifact: false };
      }),
    ).toEqual([
      "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the server's security group reaches no index outside an existing VPC while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
    ]);
  });

  test("on together with an external database secret", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = {
          databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
          server: { enabled: true },
        };
      }),
    ).toEqual([
      "accounts.dev.mlflow.databaseSecretArn: cannot be combined with mlflow mode ec2: the server uses the secret of its own database",
    ]);
  });

  test("fewer than 7 days of backups, a loose version, a plain-http index", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.packages = { codeArtifact: false };
        c.accounts.dev.mlflow = {
          mode: "ec2",
          server: {
            mlflowVersion: "2.17",
            pipIndexUrl: "http://pypi.example/simple",
            database: { backupRetentionDays: 3 },
          },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.mlflowVersion: "2.17" must be an exact version such as 2.17.2',
      'accounts.dev.mlflow.server.pipIndexUrl: "http://pypi.example/simple" must be an https URL',
      "accounts.dev.mlflow.server.database.backupRetentionDays: 3 must be a whole number from 7 to 35",
    ]);
  });
});
