import { simulate } from "../../iam-simulate";
import {
  exampleInput,
  parse,
  resourcesOf,
  synthPlatform,
  synthWith,
  trustOf,
  type StackJson,
} from "../../helpers";
import type { PolicyStatement } from "../../../modules/iam/iam-policy";

const example = synthPlatform();
const dev = example.json.dev;

const EXECUTION_ROLES = [
  "mlops-dev-studio-execution",
  "mlops-dev-team-admin-execution",
  "mlops-dev-pipeline-execution",
];

function withSageMaker(sagemaker: Record<string, unknown>): StackJson {
  const input = exampleInput() as any;
  input.accounts.dev.sagemaker = { ...input.accounts.dev.sagemaker, ...sagemaker };
  return synthPlatform(parse(input), ["dev"]).json.dev;
}

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
