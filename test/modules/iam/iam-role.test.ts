import {
  estimatedPolicySize,
  IamRole,
  TRUST_POLICY_MAX_CHARS,
} from "../../../modules/iam/iam-role";
import { renderPolicy, type PolicyStatement } from "../../../modules/iam/iam-policy";
import { moduleTestStack } from "../../helpers";

/** A trust statement whose rendered policy is exactly `size` characters. */
function trustOfSize(size: number): PolicyStatement {
  const statement = (padding: string): PolicyStatement => ({
    Sid: "Named",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111111111111:root" },
    Action: "sts:AssumeRole",
    Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::111111111111:role/${padding}` } },
  });
  const base = estimatedPolicySize(renderPolicy([statement("")]));
  return statement("r".repeat(size - base));
}

describe("IamRole trust policy size", () => {
  const role = (size: number) =>
    new IamRole(moduleTestStack(), "role", {
      roleName: "r",
      description: "d",
      trustStatements: [trustOfSize(size)],
    });

  test("at IAM's 2,048 characters it is accepted", () => {
    expect(estimatedPolicySize(renderPolicy([trustOfSize(TRUST_POLICY_MAX_CHARS)]))).toBe(2048);
    expect(() => role(TRUST_POLICY_MAX_CHARS)).not.toThrow();
  });

  test("one character more fails at synthesis, naming the role and the quota", () => {
    expect(() => role(TRUST_POLICY_MAX_CHARS + 1)).toThrow(
      'test/role: the trust policy of r is about 2049 characters; IAM allows 2048 by default (quota "Role trust policy length"): name fewer principals',
    );
  });
});
