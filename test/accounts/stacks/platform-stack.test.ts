import {
  awsProviderVersion,
  stackAwsProviderConstraint,
} from "../../../modules/core/aws-provider-version";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "../../../modules/core/cdktf";
import { buildPlatform } from "../../../accounts/platform";
import { accountOfKind } from "../../../accounts/stacks/platform-stack";
import { DataScienceAccountStack } from "../../../accounts/stacks/data-science-account-stack";
import { DeploymentTargetAccountStack } from "../../../accounts/stacks/deployment-target-account-stack";
import {
  exampleInput,
  parse,
  problemsOf,
  synthPlatform,
  testApp,
  type StackJson,
} from "../../helpers";

const ACCOUNTS = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };
const example = synthPlatform();

describe("platform stacks", () => {
  test("one account stack and one bootstrap stack per account, named after it", () => {
    expect(Object.keys(example.json).sort()).toEqual(
      ["dev", "dev-bootstrap", "prod", "prod-bootstrap", "staging", "staging-bootstrap"].sort(),
    );
    expect(example.stacks.accounts.dev.constructor.name).toBe("DataScienceAccountStack");
    expect(example.stacks.accounts.staging.constructor.name).toBe("DeploymentTargetAccountStack");
    expect(example.stacks.accounts.prod.constructor.name).toBe("DeploymentTargetAccountStack");
    for (const b of Object.values(example.stacks.bootstraps)) {
      expect(b.constructor.name).toBe("BootstrapStack");
    }
  });

  test("a generated platform with many targets builds one pair of stacks per account", () => {
    const input = exampleInput() as any;
    for (let i = 0; i < 12; i++) {
      input.accounts[`target${i}`] = {
        type: "deployment-target",
        dataScienceAccount: "dev",
        accountId: String(400000000000 + i),
        vpc: { cidr: `10.${100 + i}.0.0/16` },
      };
    }
    // The construct tree is enough to count stacks; synthesizing 30 stacks would add seconds.
    const stacks = buildPlatform(testApp(), parse(input));
    expect(Object.keys(stacks.accounts)).toEqual(Object.keys(input.accounts));
    expect(Object.keys(stacks.bootstraps)).toEqual(Object.keys(input.accounts));
    expect(Object.values(stacks.bootstraps).map((s) => s.node.id)).toEqual(
      Object.keys(input.accounts).map((a) => `${a}-bootstrap`),
    );
    expect(Object.keys(input.accounts)).toHaveLength(15);
  });
});

describe.each(Object.entries(ACCOUNTS))("AWS provider of %s", (account, accountId) => {
  test.each([account, `${account}-bootstrap`])(
    "%s is pinned to the account and its deploy role",
    (stackId) => {
      const synthesized = Testing.synth(
        (example.stacks.accounts[account].node.id === stackId
          ? example.stacks.accounts[account]
          : example.stacks.bootstraps[account]) as any,
      );
      expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
        region: "eu-west-1",
        allowed_account_ids: [accountId],
        assume_role: [
          {
            role_arn: "${var.aws_role_arn}",
            session_name: `mlops-${stackId}`,
          },
        ],
        default_tags: [
          {
            tags: {
              project: "mlops",
              environment: account,
              "managed-by": "cdktf",
              "cost-center": "ml-platform",
              owner: "platform-team",
            },
          },
        ],
      });
      // The account stacks add one in us-east-1 for IAM's events (security alerts), pinned the
      // same way; the bootstrap stacks have none.
      const providers = example.json[stackId].provider?.aws ?? [];
      const home = providers.find((p: any) => p.alias === undefined);
      const others = providers.filter((p: any) => p !== home);
      expect(others).toEqual(
        stackId.endsWith("-bootstrap")
          ? []
          : [{ ...home, alias: "us-east-1", region: "us-east-1" }],
      );
    },
  );
});

describe.each(Object.entries(ACCOUNTS))(
  "state backend of the %s account stack",
  (account, accountId) => {
    const terraform = () => example.json[account].terraform;

    test("is the account's encrypted, locked S3 state bucket reached through the deploy role", () => {
      expect(terraform()!.backend).toEqual({
        s3: {
          bucket: `mlops-${account}-tfstate-${accountId}-eu-west-1`,
          key: `stacks/${account}/terraform.tfstate`,
          region: "eu-west-1",
          encrypt: true,
          kms_key_id: `arn:aws:kms:eu-west-1:${accountId}:alias/mlops-${account}-tfstate`,
          assume_role: {
            role_arn: `arn:aws:iam::${accountId}:role/terraform-deploy`,
            session_name: `mlops-${account}`,
          },
          use_lockfile: true,
        },
      });
    });

    test("never uses the removed top-level role_arn", () => {
      expect(terraform()!.backend.s3.role_arn).toBeUndefined();
    });

    test("requires the Terraform version S3 native locking needs", () => {
      expect(terraform()!.required_version).toBe(">= 1.10.0");
    });

    test("accepts the AWS provider from the tested version up to the next major one", () => {
      const tested = awsProviderVersion();
      expect(terraform()!.required_providers.aws.version).toBe(`>= ${tested}, < 7.0.0`);
      expect(example.json[`${account}-bootstrap`].terraform!.required_providers.aws.version).toBe(
        `>= ${tested}, < 7.0.0`,
      );
      expect(stackAwsProviderConstraint("6.66.0")).toBe(">= 6.66.0, < 7.0.0");
    });

    test("names the state bucket and key alias the bootstrap stack creates", () => {
      const bootstrap = example.json[`${account}-bootstrap`];
      const buckets = Object.values(bootstrap.resource!.aws_s3_bucket).map((b: any) => b.bucket);
      const aliases = Object.values(bootstrap.resource!.aws_kms_alias).map((a: any) => a.name);
      expect(buckets).toContain(terraform()!.backend.s3.bucket);
      expect(aliases.map((a) => `arn:aws:kms:eu-west-1:${accountId}:${a}`)).toContain(
        terraform()!.backend.s3.kms_key_id,
      );
    });
  },
);

describe("state locking with DynamoDB", () => {
  const config = parse({ ...exampleInput(), state: { locking: "dynamodb" } });
  const { json } = synthPlatform(config);

  test("account stacks name the lock table and do not use the lockfile", () => {
    expect(json.staging.terraform!.backend.s3.dynamodb_table).toBe("mlops-staging-tfstate-lock");
    expect(json.staging.terraform!.backend.s3.use_lockfile).toBeUndefined();
  });

  test("requires a Terraform version with the nested assume_role block and KMS aliases", () => {
    expect(json.staging.terraform!.required_version).toBe(">= 1.6.1");
  });

  test("the bootstrap stack creates the lock table", () => {
    const tables = Object.values(json["staging-bootstrap"].resource!.aws_dynamodb_table);
    expect(tables.map((t: any) => t.name)).toEqual(["mlops-staging-tfstate-lock"]);
  });
});

describe("bootstrap stack backend", () => {
  test("is local by default, at a path relative to the stack folder", () => {
    expect(example.json["dev-bootstrap"].terraform!.backend).toEqual({
      local: { path: "../../../terraform.dev-bootstrap.tfstate" },
    });
  });

  test("moves into its own state bucket with bootstrapBackend: s3", () => {
    const config = parse({ ...exampleInput(), state: { bootstrapBackend: "s3" } });
    const { json } = synthPlatform(config);
    expect(json["prod-bootstrap"].terraform!.backend.s3).toMatchObject({
      bucket: "mlops-prod-tfstate-333333333333-eu-west-1",
      key: "stacks/prod-bootstrap/terraform.tfstate",
      encrypt: true,
      use_lockfile: true,
    });
  });
});

describe("HCP Terraform state (state.hcpTerraform)", () => {
  const input = exampleInput() as any;
  input.state = { hcpTerraform: { organization: "acme-ml", project: "MLOps platform" } };
  const { json } = synthPlatform(parse(input));

  test("every stack has a cloud block with its own workspace, and no backend", () => {
    for (const id of Object.keys(json)) {
      expect(json[id].terraform!.backend).toBeUndefined();
      expect(json[id].terraform!.cloud).toEqual({
        hostname: "app.terraform.io",
        organization: "acme-ml",
        workspaces: { name: `mlops-${id}`, project: "MLOps platform" },
      });
    }
    expect(Object.keys(json).sort()).toEqual([
      "dev",
      "dev-bootstrap",
      "prod",
      "prod-bootstrap",
      "staging",
      "staging-bootstrap",
    ]);
  });

  test("bootstrap stacks need no local-state exemption from the rule pack", () => {
    expect((json["dev-bootstrap"] as any)["//"]?.suppressions ?? []).toEqual([]);
    expect(json["dev-bootstrap"].terraform!.required_version).toBe(">= 1.10.0");
  });

  test("Terraform Enterprise: its host name, and the organization's default project", () => {
    const tfe = exampleInput() as any;
    tfe.state = { hcpTerraform: { organization: "acme", hostname: "tfe.example.com" } };
    expect(synthPlatform(parse(tfe)).json.prod.terraform!.cloud).toEqual({
      hostname: "tfe.example.com",
      organization: "acme",
      workspaces: { name: "mlops-prod" },
    });
  });

  test.each([
    [
      { organization: "acme ml" },
      'state.hcpTerraform.organization: "acme ml" must be 1 to 40 letters, digits, hyphens or underscores (an HCP Terraform organization name)',
    ],
    [
      { organization: "a".repeat(41) },
      `state.hcpTerraform.organization: "${"a".repeat(41)}" must be 1 to 40 letters, digits, hyphens or underscores (an HCP Terraform organization name)`,
    ],
    [
      { organization: "acme", hostname: "https://tfe.example.com" },
      'state.hcpTerraform.hostname: "https://tfe.example.com" must be a DNS host name such as app.terraform.io',
    ],
    [
      { organization: "acme", project: "ml" },
      'state.hcpTerraform.project: "ml" must be 3 to 40 letters, digits, spaces, hyphens or underscores (an HCP Terraform project name)',
    ],
    [
      { organization: "acme", workspace: "x" },
      'state.hcpTerraform: unknown key "workspace"; allowed keys: organization, hostname, project',
    ],
  ])("refuses %j", (hcpTerraform, message) => {
    expect(problemsOf((c) => (c.state = { hcpTerraform }))).toEqual([message]);
  });

  test("accepts names at the limits", () => {
    const ok = { organization: "a".repeat(40), project: "abc", hostname: "app.terraform.io" };
    expect(problemsOf((c) => (c.state = { hcpTerraform: ok }))).toEqual([]);
  });
});

describe("deploy role", () => {
  test("an account may name its own deploy role", () => {
    const input = exampleInput() as any;
    input.accounts.prod.deployRoleName = "prod-deployer";
    const { json } = synthPlatform(parse(input));
    expect(json.prod.variable!.aws_role_arn.default).toBe(
      "arn:aws:iam::333333333333:role/prod-deployer",
    );
    expect(json.prod.terraform!.backend.s3.assume_role.role_arn).toBe(
      "arn:aws:iam::333333333333:role/prod-deployer",
    );
    expect(json.staging.variable!.aws_role_arn.default).toBe(
      "arn:aws:iam::222222222222:role/terraform-deploy",
    );
  });
});

describe("partitions", () => {
  test("ARNs and service names follow the region's partition", () => {
    const input = exampleInput() as any;
    input.region = "us-gov-west-1";
    const { json } = synthPlatform(parse(input));
    expect(json.dev.variable!.aws_role_arn.default).toBe(
      "arn:aws-us-gov:iam::111111111111:role/terraform-deploy",
    );
    expect(json.dev.terraform!.backend.s3.kms_key_id).toBe(
      "arn:aws-us-gov:kms:us-gov-west-1:111111111111:alias/mlops-dev-tfstate",
    );
  });
});

describe("no stack reads another stack's state", () => {
  test.each(Object.keys(example.json))("%s has no terraform_remote_state", (stackId) => {
    const stack: StackJson = example.json[stackId];
    expect(stack.data?.terraform_remote_state).toBeUndefined();
    expect(JSON.stringify(stack)).not.toContain("terraform_remote_state");
  });
});

describe("a stack is typed by its account's kind, checked when it is made", () => {
  const config = parse(exampleInput());

  test("the account of the kind asked for is returned, narrowed", () => {
    const dev = accountOfKind(config, "dev", ["data-science"], "here");
    expect(dev.type).toBe("data-science");
    expect(accountOfKind(config, "prod", ["data-science", "deployment-target"], "here").type).toBe(
      "deployment-target",
    );
  });

  test("another kind, or no such account, is an error naming who asked, the account and the kinds", () => {
    expect(() => accountOfKind(config, "staging", ["data-science"], "x")).toThrow(
      'x needs an account of type "data-science"; accounts.staging is "deployment-target"',
    );
    expect(() => accountOfKind(config, "qa", ["deployment-target"], "x")).toThrow(
      'x needs an account of type "deployment-target"; accounts.qa is missing',
    );
  });

  test("each account stack refuses an account of the other kind", () => {
    expect(
      () => new DataScienceAccountStack(testApp(), "s", { config, accountName: "staging" }),
    ).toThrow(
      's: DataScienceAccountStack needs an account of type "data-science"; accounts.staging is "deployment-target"',
    );
    expect(
      () => new DeploymentTargetAccountStack(testApp(), "d", { config, accountName: "dev" }),
    ).toThrow(
      'd: DeploymentTargetAccountStack needs an account of type "deployment-target"; accounts.dev is "data-science"',
    );
  });
});
