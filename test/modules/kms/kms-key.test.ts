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
    expect(policyOf(key).Statement.map((s) => s.Sid)).toEqual(["KeyAdministration"]);
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
    expect(policyOf(key).Statement.map((s) => s.Sid)).toEqual(["KeyAdministration", "Logs"]);
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
            Action: "kms:Decrypt",
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
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
          },
        ],
      }),
    ).not.toThrow();
  });
});
