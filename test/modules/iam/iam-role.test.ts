import {
  estimatedPolicySize,
  ExistingRole,
  IamRole,
  INLINE_POLICIES_MAX_CHARS,
  TRUST_POLICY_MAX_CHARS,
} from "../../../modules/iam/iam-role";
import { renderPolicy, type PolicyStatement } from "../../../modules/iam/iam-policy";
import { moduleTestStack, synthStack } from "../../helpers";

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

describe("estimatedPolicySize", () => {
  test("counts a Terraform reference as the 100 characters of the longest ARN it can stand for, whitespace not at all", () => {
    expect(estimatedPolicySize('{"Resource": "${aws_s3_bucket.data.arn}"}')).toBe(
      '{"Resource":""}'.length + 100,
    );
    expect(estimatedPolicySize('{"Resource": "${a}/${b}"}')).toBe('{"Resource":"/"}'.length + 200);
    expect(estimatedPolicySize('{"Resource": "arn:aws:s3:::b"}')).toBe(
      '{"Resource":"arn:aws:s3:::b"}'.length,
    );
  });
});

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

describe("ExistingRole inline policy size", () => {
  /** An existing role whose platform inline policy renders to exactly `size` characters. */
  function roleWithPolicyOf(size: number) {
    const stack = moduleTestStack();
    const role = new ExistingRole(stack, "consumer", {
      roleName: "consumer",
      roleArn: "arn:aws:iam::111111111111:role/consumer",
      policyName: "dataset-access",
    });
    const statement = (padding: string): PolicyStatement => ({
      Sid: "Read",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::b/${padding}*`,
    });
    const base = estimatedPolicySize(renderPolicy([statement("")]));
    role.addToPrincipalPolicy(statement("p".repeat(size - base)));
    return stack;
  }

  test("at IAM's 10,240 characters for all inline policies it is accepted", () => {
    expect(() => synthStack(roleWithPolicyOf(INLINE_POLICIES_MAX_CHARS))).not.toThrow();
  });

  test("one character more is refused, naming the role and the size", () => {
    expect(() => synthStack(roleWithPolicyOf(INLINE_POLICIES_MAX_CHARS + 1))).toThrow(
      `the inline policies the platform attaches to role consumer are about 10241 characters; IAM allows 10240 for all of a role's inline policies together: grant fewer or wider prefixes`,
    );
  });
});

describe("IamRole defaults", () => {
  const synth = (props: Partial<ConstructorParameters<typeof IamRole>[2]> = {}) => {
    const stack = moduleTestStack();
    const role = new IamRole(stack, "role", {
      roleName: "r",
      description: "d",
      trustStatements: [trustOfSize(400)],
      ...props,
    });
    role.addToPrincipalPolicy({
      Sid: "Read",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::b/*",
    });
    return synthStack(stack);
  };

  test("sessions last one hour, at the root path, grants in the policy named permissions", () => {
    const json = synth();
    const role = Object.values(json.resource!.aws_iam_role)[0] as any;
    expect(role.max_session_duration).toBe(3600);
    expect(role.path).toBeUndefined(); // IAM's default, "/"
    expect(Object.values(json.resource!.aws_iam_policy).map((p: any) => p.name)).toEqual([
      "r-permissions",
    ]);
  });

  test("a longer session and another grant policy when asked", () => {
    const json = synth({ maxSessionDuration: 8 * 3600, grantPolicyName: "data", path: "/ml/" });
    const role = Object.values(json.resource!.aws_iam_role)[0] as any;
    expect(role).toMatchObject({ max_session_duration: 28800, path: "/ml/" });
    expect(Object.values(json.resource!.aws_iam_policy).map((p: any) => p.name)).toEqual([
      "r-data",
    ]);
  });
});

describe("IamRole guards", () => {
  const role = (props: Partial<ConstructorParameters<typeof IamRole>[2]>) => () =>
    new IamRole(moduleTestStack(), "role", {
      roleName: "r",
      description: "d",
      trustStatements: [trustOfSize(400)],
      ...props,
    });
  const anyone = (condition?: PolicyStatement["Condition"]): PolicyStatement => ({
    Sid: "Anyone",
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: "sts:AssumeRole",
    ...(condition ? { Condition: condition } : {}),
  });

  test("a trust statement for every principal without a condition is refused", () => {
    expect(role({ trustStatements: [anyone()] })).toThrow(
      'test/role: statement "Anyone" allows every principal ("*") without a condition; name the principals or add a condition',
    );
    expect(role({ trustStatements: [{ ...anyone(), Principal: "*" }] })).toThrow(
      'statement "Anyone" allows every principal ("*") without a condition',
    );
    expect(role({ trustStatements: [anyone({})] })).toThrow("without a condition");
  });

  test("with a condition, or as a Deny, it is accepted", () => {
    const condition = { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } };
    expect(role({ trustStatements: [anyone(condition)] })).not.toThrow();
    expect(
      role({ trustStatements: [trustOfSize(400), { ...anyone(), Effect: "Deny" }] }),
    ).not.toThrow();
  });

  test("no trust statements, or one without a principal, are refused", () => {
    expect(role({ trustStatements: [] })).toThrow(
      "test/role: trustStatements must name who may assume the role",
    );
    const noPrincipal: Partial<PolicyStatement> = anyone();
    delete noPrincipal.Principal;
    expect(role({ trustStatements: [noPrincipal as PolicyStatement] })).toThrow(
      'test/role: trust statement "Anyone" must name a principal',
    );
  });

  test.each(["r".repeat(64), "a+=,.@_-b", "r"])("role name %j is accepted", (roleName) => {
    expect(role({ roleName })).not.toThrow();
  });

  test.each(["r".repeat(65), "has space", "", "ünicode"])("role name %j is refused", (roleName) => {
    expect(role({ roleName })).toThrow(
      `test/role: roleName "${roleName}" must be 1 to 64 letters, digits or + = , . @ _ -`,
    );
  });
});

describe("IamRole managed policies: IAM's limits, both sides", () => {
  const read = (i: number): PolicyStatement => ({
    Sid: `Read${i}`,
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::bucket-${i}/*`,
  });
  const problemsOf = (build: (role: IamRole) => void) => {
    const stack = moduleTestStack();
    const role = new IamRole(stack, "role", {
      roleName: "r",
      description: "d",
      trustStatements: [trustOfSize(300)],
    });
    build(role);
    return stack.node.findAll().flatMap((c) => c.node.validate());
  };

  test("ten named policies are attached; an eleventh is refused, naming the role and the limit", () => {
    const named = (count: number) => (role: IamRole) => {
      for (let i = 0; i < count; i++) role.addToPolicy(read(i), `data-${i}`);
    };
    expect(problemsOf(named(10))).toEqual([]);
    expect(problemsOf(named(11))).toEqual(["role r has 11 policies; IAM attaches at most 10"]);
  });

  test("a policy at IAM's 6,144 characters is taken; over it is refused, saying what to do", () => {
    const grow = (until: number) => (role: IamRole) => {
      const statements: PolicyStatement[] = [];
      for (let i = 0; estimatedPolicySize(renderPolicy([...statements, read(i)])) <= until; i++)
        statements.push(read(i));
      statements.forEach((s) => role.addToPolicy(s, "data"));
      return estimatedPolicySize(renderPolicy(statements));
    };
    expect(problemsOf((role) => grow(6144)(role))).toEqual([]);
    const over = problemsOf((role) => {
      grow(6144)(role);
      role.addToPolicy(read(999), "data");
    });
    expect(over).toHaveLength(1);
    const [, size] =
      /^policy r-data is about (\d+) characters; IAM allows 6144 per managed policy: split its statements into another named policy$/.exec(
        over[0],
      )!;
    expect(Number(size)).toBeGreaterThan(6144);
  });
});
