import { plainReferences, simulate } from "../../iam-simulate";
import {
  allPoliciesOf,
  exampleInput,
  findResource,
  keyByAlias,
  parse,
  ref,
  policyOf,
  problemsOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  trustOf,
  type StackJson,
  KEY_USE_ACTIONS,
} from "../../helpers";

const example = synthPlatform();
const dev = example.json.dev;

function roleRef(stack: StackJson, roleName: string, attribute = "arn"): string {
  const [name] = findResource(stack, "aws_iam_role", (r) => r.name === roleName);
  return ref("aws_iam_role", name, attribute);
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function withSageMaker(sagemaker: Record<string, unknown>): StackJson {
  const input = exampleInput() as any;
  input.accounts.dev.sagemaker = { ...input.accounts.dev.sagemaker, ...sagemaker };
  return synthPlatform(parse(input), ["dev"]).json.dev;
}

describe("Studio domain", () => {
  const [, domain] = findResource(dev, "aws_sagemaker_domain", () => true);

  test("is VpcOnly in the private subnets, behind the workload group, with the studio key", () => {
    const [workload] = findResource(
      dev,
      "aws_security_group",
      (g) => g.name === "mlops-dev-ml-workloads",
    );
    const [studioKey] = keyByAlias(dev, "alias/mlops-dev-studio");
    expect(domain).toMatchObject({
      domain_name: "mlops-dev",
      auth_mode: "IAM",
      app_network_access_type: "VpcOnly",
      vpc_id: ref("aws_vpc", Object.keys(resourcesOf(dev, "aws_vpc"))[0]),
      subnet_ids: Object.keys(resourcesOf(dev, "aws_subnet")).map((s) => ref("aws_subnet", s)),
      kms_key_id: ref("aws_kms_key", studioKey, "arn"),
      domain_settings: { security_group_ids: [ref("aws_security_group", workload)] },
      default_user_settings: {
        execution_role: roleRef(dev, "mlops-dev-studio-execution"),
        security_groups: [ref("aws_security_group", workload)],
        sharing_settings: { notebook_output_option: "Disabled" },
      },
    });
  });

  test("keeps the home file system, is protected from destroy, and keeps its subnets", () => {
    expect(domain.retention_policy).toEqual({ home_efs_file_system: "Retain" });
    // A subnet change would replace the domain (provider #48778), and updating a VpcOnly domain
    // fails on the pinned provider (#45528): Studio stays in the zones it was created in.
    expect(domain.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ["subnet_ids"] });
  });

  /** The domain's arguments as Terraform plans them: what a change of config would update. */
  const planned = (stack: StackJson) => {
    const [, d] = findResource(stack, "aws_sagemaker_domain", () => true);
    return Object.fromEntries(
      Object.entries(d).filter(([k]) => !["tags", "subnet_ids", "//"].includes(k)),
    );
  };

  test.each<[string, (c: any) => void]>([
    [
      "a user added",
      (c) =>
        c.accounts.dev.sagemaker.domains[0].userProfiles.push({
          name: "new-user",
          persona: "data-scientist",
        }),
    ],
    ["a user removed", (c) => c.accounts.dev.sagemaker.domains[0].userProfiles.pop()],
    [
      "a user's persona changed",
      (c) => (c.accounts.dev.sagemaker.domains[0].userProfiles[0].persona = "team-admin"),
    ],
    [
      "a user given a dedicated role",
      (c) => (c.accounts.dev.sagemaker.domains[0].userProfiles[0].dedicatedExecutionRole = true),
    ],
    ["a zone added to the VPC", (c) => (c.accounts.dev.vpc.availabilityZones = 3)],
    ["the platform's tags changed", (c) => (c.tags = { ...c.tags, owner: "someone-else" })],
    [
      "a model package group added",
      (c) => c.accounts.dev.sagemaker.modelPackageGroups.push("fraud"),
    ],
    ["flow log retention changed", (c) => (c.accounts.dev.vpc.flowLogRetentionDays = 731)],
  ])(
    "%s: no update of the domain (UpdateDomain fails on the pinned provider, #45528)",
    (_, change) => {
      const input = exampleInput() as any;
      change(input);
      expect(planned(synthPlatform(parse(input), ["dev"]).json.dev)).toEqual(planned(dev));
    },
  );

  test("profiles come from config, each persona with its execution role", () => {
    const profiles = Object.values(resourcesOf(dev, "aws_sagemaker_user_profile"));
    expect(profiles.map((p) => [p.user_profile_name, p.user_settings.execution_role])).toEqual(
      expect.arrayContaining([
        ["data-scientist-1", roleRef(dev, "mlops-dev-studio-execution")],
        ["team-lead", roleRef(dev, "mlops-dev-team-admin-execution")],
      ]),
    );
    expect(profiles).toHaveLength(2);
    for (const p of profiles) {
      expect(p.user_settings.sharing_settings).toEqual({ notebook_output_option: "Disabled" });
      expect(p.domain_id).toBe(
        ref("aws_sagemaker_domain", Object.keys(resourcesOf(dev, "aws_sagemaker_domain"))[0]),
      );
    }
  });

  test("a profile may have an execution role of its own, with the same guardrails", () => {
    const stack = withSageMaker({
      domains: [
        {
          userProfiles: [
            { name: "alice", persona: "data-scientist", dedicatedExecutionRole: true },
          ],
        },
      ],
    });
    const [, profile] = findResource(stack, "aws_sagemaker_user_profile", () => true);
    expect(profile.user_settings.execution_role).toBe(roleRef(stack, "mlops-dev-user-alice"));
    expect(rolePolicy(stack, "mlops-dev-user-alice", "guardrails")).toEqual(
      rolePolicy(stack, "mlops-dev-studio-execution", "guardrails"),
    );
  });

  test("per-user roles are named by one pattern: no key or role policy grows with users", () => {
    const users = (n: number) =>
      withSageMaker({
        domains: [
          {
            userProfiles: Array.from({ length: n }, (_, i) => ({
              name: `user-${i + 1}`,
              persona: "data-scientist",
              dedicatedExecutionRole: true,
            })),
          },
        ],
      });
    const two = users(2);
    const twelve = users(12);
    const pattern = "arn:aws:iam::111111111111:role/mlops-dev-user-*";
    const [, dataKey] = keyByAlias(twelve, "alias/mlops-dev-data");
    expect(statement(policyOf(dataKey), "DataBucketReadWriteStudioUsers")).toEqual({
      Sid: "DataBucketReadWriteStudioUsers",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "111111111111",
        },
        ArnLike: { "aws:PrincipalArn": [pattern] },
        StringLikeIfExists: {
          "kms:EncryptionContext:aws:s3:arn": [
            "arn:aws:s3:::mlops-dev-data-111111111111-eu-west-1",
            "arn:aws:s3:::mlops-dev-data-111111111111-eu-west-1/*",
          ],
        },
      },
    });
    for (const alias of ["alias/mlops-dev-data", "alias/mlops-dev-studio"]) {
      expect(policyOf(keyByAlias(twelve, alias)[1])).toEqual(policyOf(keyByAlias(two, alias)[1]));
    }
    for (const role of ["mlops-dev-studio-execution", "mlops-dev-pipeline-execution"]) {
      for (const name of ["guardrails", "runtime", "data"]) {
        expect(rolePolicy(twelve, role, name)).toEqual(rolePolicy(two, role, name));
      }
    }
    // A user's role passes itself and the shared roles, never another user's (which would act in
    // that user's name); the pipeline role, whose steps run as whoever defined them, the pattern.
    const shared = [
      "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-team-admin-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
    ];
    const passes = (role: string) =>
      statement(rolePolicy(twelve, role, "runtime"), "PassOnlyPlatformSageMakerRoles").Resource;
    expect(passes("mlops-dev-user-user-12")).toEqual([
      ...shared,
      "arn:aws:iam::111111111111:role/mlops-dev-user-user-12",
    ]);
    expect(passes("mlops-dev-studio-execution")).toEqual(shared);
    expect(passes("mlops-dev-pipeline-execution")).toEqual([...shared, pattern]);
  });

  test("IAM Identity Center authentication names each profile's user", () => {
    const stack = withSageMaker({
      domains: [
        {
          authMode: "SSO",
          userProfiles: [{ name: "bob", persona: "team-admin", ssoUserName: "bob@example.com" }],
        },
      ],
    });
    expect(findResource(stack, "aws_sagemaker_domain", () => true)[1].auth_mode).toBe("SSO");
    expect(findResource(stack, "aws_sagemaker_user_profile", () => true)[1]).toMatchObject({
      single_sign_on_user_identifier: "UserName",
      single_sign_on_user_value: "bob@example.com",
    });
  });

  test("no domain when config lists none", () => {
    const stack = withSageMaker({ domains: [] });
    expect(resourcesOf(stack, "aws_sagemaker_domain")).toEqual({});
    expect(stack.output?.studio_domain_id).toBeUndefined();
  });
});

describe("SageMaker projects", () => {
  test("the portfolio is enabled and the two roles have SageMaker's names, under /service-role/", () => {
    expect(
      findResource(dev, "aws_sagemaker_servicecatalog_portfolio_status", () => true)[1].status,
    ).toBe("Enabled");
    for (const name of [
      "AmazonSageMakerServiceCatalogProductsLaunchRole",
      "AmazonSageMakerServiceCatalogProductsUseRole",
    ]) {
      expect(findResource(dev, "aws_iam_role", (r) => r.name === name)[1].path).toBe(
        "/service-role/",
      );
    }
    expect(trustOf(dev, "AmazonSageMakerServiceCatalogProductsLaunchRole")).toEqual([
      {
        Sid: "ServiceCatalogOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "servicecatalog.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
  });

  test("their permissions reach only project-named resources", () => {
    for (const s of rolePolicy(dev, "AmazonSageMakerServiceCatalogProductsLaunchRole").Statement) {
      for (const r of list(s.Resource))
        expect(r).toMatch(/SC-\*|sagemaker-|ServiceCatalogProductsUseRole/);
    }
  });

  test("can be turned off", () => {
    const stack = withSageMaker({ projects: false });
    expect(resourcesOf(stack, "aws_sagemaker_servicecatalog_portfolio_status")).toEqual({});
    expect(Object.values(resourcesOf(stack, "aws_iam_role")).map((r) => r.name)).not.toContain(
      "AmazonSageMakerServiceCatalogProductsUseRole",
    );
  });
});

describe("outputs", () => {
  test("domain, profiles, roles and package groups", () => {
    const out = dev.output!;
    expect(out.studio_user_profiles.value).toEqual(["data-scientist-1", "team-lead"]);
    expect(out.model_package_groups.value).toEqual(["churn-prediction"]);
    expect(Object.keys(out.sagemaker_role_arns.value).sort()).toEqual([
      "data_scientist",
      "ds_admin",
      "model_approver",
      "pipeline_execution",
      "studio_execution",
      "team_admin",
      "team_admin_execution",
    ]);
    expect(out.studio_domain_id.value).toMatch(/^\$\{aws_sagemaker_domain\./);
  });
});

describe("users with a dedicated execution role stay within IAM's quotas", () => {
  const users = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `user-${i}`,
      persona: "data-scientist",
      dedicatedExecutionRole: true,
    }));
  const withUsers = (n: number) =>
    problemsOf((c) => {
      c.accounts.dev.sagemaker.domains = [{ authMode: "IAM", userProfiles: users(n) }];
    });

  test("300 are taken", () => {
    expect(withUsers(300)).toEqual([]);
  });
  test("301 are refused with one line naming the account, the quota and the way out", () => {
    expect(withUsers(301)).toEqual([
      "accounts.dev.sagemaker.domains: give 301 Studio users of AWS account 111111111111 a dedicated execution role, more than 300: each adds a role and 4 customer-managed policies, and IAM allows 1,500 such policies per account by default (the apply would fail part-way). Let the others share their persona's role (dedicatedExecutionRole: false), or raise the IAM quotas and split the users over accounts",
    ]);
  });
  test("users sharing their persona's role do not count", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.sagemaker.domains = [
          {
            authMode: "IAM",
            userProfiles: users(400).map((u, i) => ({ ...u, dedicatedExecutionRole: i < 300 })),
          },
        ];
      }),
    ).toEqual([]);
  });
});

describe("Studio users manage only their own private spaces and apps", () => {
  const dev = synthPlatform().json.dev;
  // SageMaker sets ${sagemaker:UserProfileName} in a Studio app's session; the simulator's action
  // catalogue does not list that key for these actions, so the session's value is put in first.
  const identityOf = (user: string) =>
    JSON.parse(
      JSON.stringify(plainReferences(allPoliciesOf(dev, "mlops-dev-studio-execution"))).replace(
        /\$\{sagemaker:UserProfileName\}/g,
        user,
      ),
    );
  const [domainKey] = Object.keys(resourcesOf(dev, "aws_sagemaker_domain"));
  const domain = `aws_sagemaker_domain.${domainKey}.id`;
  const sm = (path: string) => `arn:aws:sagemaker:eu-west-1:111111111111:${path}`;
  const as = (user: string, action: string, resource: string, context: Record<string, string>) =>
    simulate(
      {
        principal: "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
        action,
        resource: sm(resource),
        context: { "sagemaker:UserProfileName": user, ...context },
      },
      { identity: identityOf(user) },
    );
  const owned = (owner: string, sharing: string) => ({
    "sagemaker:OwnerUserProfileArn": sm(`user-profile/${domain}/${owner}`),
    "sagemaker:SpaceSharingType": sharing,
  });

  test.each(["sagemaker:DeleteSpace", "sagemaker:UpdateSpace"])(
    "%s: own private space allowed, another user's denied",
    async (action) => {
      expect(
        await as("alice", action, `space/${domain}/alice-notebooks`, owned("alice", "Private")),
      ).toBe("Allowed");
      expect(
        await as("alice", action, `space/${domain}/bob-notebooks`, owned("bob", "Private")),
      ).not.toBe("Allowed");
    },
  );
  test("apps: of the own private space and of shared spaces allowed; of another user's private space denied", async () => {
    const app = `app/${domain}/bob-notebooks/JupyterLab/default`;
    expect(await as("alice", "sagemaker:DeleteApp", app, owned("bob", "Private"))).not.toBe(
      "Allowed",
    );
    expect(await as("bob", "sagemaker:DeleteApp", app, owned("bob", "Private"))).toBe("Allowed");
    expect(
      await as("alice", "sagemaker:CreateApp", `app/${domain}/team/JupyterLab/default`, {
        "sagemaker:SpaceSharingType": "Shared",
      }),
    ).toBe("Allowed");
    // A private space named like the caller's profile is still another user's.
    expect(
      await as(
        "alice",
        "sagemaker:DeleteApp",
        `app/${domain}/alice/JupyterLab/default`,
        owned("bob", "Private"),
      ),
    ).not.toBe("Allowed");
  });
  test("describing anything in the domain stays allowed", async () => {
    expect(await as("alice", "sagemaker:DescribeSpace", `space/${domain}/bob-notebooks`, {})).toBe(
      "Allowed",
    );
  });
});
