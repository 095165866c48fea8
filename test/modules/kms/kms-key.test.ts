import { KmsKey } from "../../../modules/kms/kms-key";
import { Testing } from "../../../modules/core/cdktf";
import { moduleTestStack, onlyResource, policyOf, type StackJson } from "../../helpers";

const ADMIN = "arn:aws:iam::111111111111:role/terraform-deploy";

function stack() {
  return moduleTestStack();
}

describe("KmsKey", () => {
  const admin = ADMIN;

  function synthKey(props: Partial<ConstructorParameters<typeof KmsKey>[2]> = {}): StackJson {
    const s = stack();
    new KmsKey(s, "key", {
      alias: "alias/p-dev-data",
      description: "d",
      administratorArns: [admin],
      ...props,
    });
    return JSON.parse(Testing.synth(s, true));
  }

  test("default: rotation, 30-day window, protected, administrators only", () => {
    const json = synthKey();
    const key = onlyResource(json, "aws_kms_key");
    expect(key).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    // Administration only: managing the key, never using it; nothing for the account root.
    expect(policyOf(key).Statement).toEqual([
      {
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: [ADMIN] },
        Action: [
          "kms:CancelKeyDeletion",
          "kms:CreateAlias",
          "kms:DeleteAlias",
          "kms:DescribeKey",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:EnableKey",
          "kms:EnableKeyRotation",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListGrants",
          "kms:ListKeyPolicies",
          "kms:ListResourceTags",
          "kms:PutKeyPolicy",
          "kms:RevokeGrant",
          "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ],
        Resource: "*",
      },
    ]);
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/p-dev-data");
  });

  test("usage statements follow the administration statement", () => {
    const key = onlyResource(
      synthKey({
        usageStatements: [
          {
            Sid: "Logs",
            Effect: "Allow",
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
          },
        ],
      }),
      "aws_kms_key",
    );
    const statements = policyOf(key).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["KeyAdministration", "Logs"]);
    expect(statements[1]).toEqual({
      Sid: "Logs",
      Effect: "Allow",
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Action: ["kms:Encrypt*", "kms:Decrypt*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });

  test.each([6, 31])("fails with a deletion window of %d days", (days) => {
    expect(() => synthKey({ deletionWindowInDays: days })).toThrow(
      `test/key: deletionWindowInDays is ${days}; must be 7 to 30`,
    );
  });

  test("fails without administrators", () => {
    expect(() => synthKey({ administratorArns: [] })).toThrow(
      "test/key: administratorArns must name at least one principal",
    );
  });

  test.each([
    ["data-key", /must be "alias\/" followed by/],
    ["alias/aws/s3", /reserved for AWS managed keys/],
  ])("fails with alias %s", (alias, message) => {
    expect(() => synthKey({ alias })).toThrow(message);
  });

  test("fails with a wildcard principal and no condition", () => {
    expect(() =>
      synthKey({
        usageStatements: [
          {
            Sid: "Open",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:Decrypt"],
            Resource: "*",
          },
        ],
      }),
    ).toThrow('test/key: statement "Open" allows every principal ("*") without a condition');
  });

  test("a wildcard principal with a condition is accepted", () => {
    expect(() =>
      synthKey({
        usageStatements: [
          {
            Sid: "Org",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
          },
        ],
      }),
    ).not.toThrow();
  });
});

describe("KmsKey grants through a service", () => {
  const env = {
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
  };
  const keyIn = () => {
    const s = moduleTestStack();
    return {
      s,
      key: new KmsKey(s, "key", { alias: "alias/k", description: "d", administratorArns: [ADMIN] }),
    };
  };

  test("exact role ARNs are the principals", () => {
    const { s, key } = keyIn();
    key.grantThroughService({
      sid: "Use",
      principals: ["arn:aws:iam::111111111111:role/a"],
      actions: ["kms:Decrypt"],
      via: "s3",
      env,
    });
    const policy = policyOf(onlyResource(JSON.parse(Testing.synth(s, true)), "aws_kms_key"));
    expect(policy.Statement[1]).toEqual({
      Sid: "Use",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::111111111111:role/a"] },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "111111111111",
        },
      },
    });
  });

  test("a name pattern becomes the account principal narrowed by ArnLike", () => {
    const { s, key } = keyIn();
    const arns = ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/p-user-*"];
    key.grantThroughService({
      sid: "Use",
      principals: arns,
      actions: ["kms:Decrypt"],
      via: "s3",
      env,
    });
    const policy = policyOf(onlyResource(JSON.parse(Testing.synth(s, true)), "aws_kms_key"));
    expect(policy.Statement[1]).toEqual({
      Sid: "Use",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-west-1.amazonaws.com",
          "kms:CallerAccount": "111111111111",
        },
        ArnLike: { "aws:PrincipalArn": arns },
      },
    });
  });

  test("a pattern beside a role of another account is refused: the account principal would not cover it", () => {
    const { key } = keyIn();
    expect(() =>
      key.grantThroughService({
        sid: "Use",
        principals: ["arn:aws:iam::222222222222:role/a", "arn:aws:iam::111111111111:role/p-user-*"],
        actions: ["kms:Decrypt"],
        via: "s3",
        env,
      }),
    ).toThrow("Use: arn:aws:iam::222222222222:role/a is not a role of this account (111111111111)");
  });

  // KMS refuses key policies over 32 KB at apply; synthesis says so first, naming the key.
  const withPrincipals = (n: number) => {
    const { s, key } = keyIn();
    const arns = Array.from(
      { length: n },
      (_, i) => `arn:aws:iam::111111111111:role/r${String(i).padStart(4, "0")}`,
    );
    key.grantThroughService({
      sid: "Many",
      principals: arns,
      actions: ["kms:Decrypt"],
      via: "s3",
      env,
    });
    return s;
  };

  test("a key policy over 32,768 characters fails synthesis, naming the key", () => {
    expect(() => Testing.synth(withPrincipals(820), true)).toThrow(
      /test\/key: the key policy is about 3\d{4} characters; AWS allows 32768/,
    );
  });

  test("just under it synthesizes", () => {
    expect(() => Testing.synth(withPrincipals(760), true)).not.toThrow();
  });
});
