import {
  canonicalJson,
  maskSensitive,
  planDifferences,
  reviewedPlan,
  valueDifferences,
  type PlanJsonContent,
} from "../../ci/reviewed-plan";

/** A plan of one Studio user profile update and one output. */
function plan(
  role = "arn:aws:iam::1:role/ds",
  extra: Partial<PlanJsonContent> = {},
): PlanJsonContent {
  return {
    format_version: "1.2",
    resource_changes: [
      {
        address: "aws_sagemaker_user_profile.alice",
        mode: "managed",
        change: {
          actions: ["update"],
          before: { user_settings: [{ execution_role: "arn:aws:iam::1:role/old" }], tags: {} },
          after: { user_settings: [{ execution_role: role }], tags: {} },
          after_unknown: { user_settings: [{}] },
          before_sensitive: {},
          after_sensitive: {},
        },
      },
      {
        address: "aws_kms_key.data",
        mode: "managed",
        change: { actions: ["no-op"], before: { a: 1 }, after: { a: 1 }, after_unknown: {} },
      },
    ],
    output_changes: {
      role: { actions: ["update"], before: "old", after: role, after_unknown: false },
      same: { actions: ["no-op"], before: "x", after: "x", after_unknown: false },
    },
    ...extra,
  };
}

describe("the reviewed plan: the plan's content", () => {
  test("keeps every change but no-ops, and every changed output, with a digest of the content", () => {
    const reviewed = reviewedPlan("dev", plan());
    expect(reviewed).toEqual({
      format: 2,
      stack: "dev",
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      changes: [
        {
          address: "aws_sagemaker_user_profile.alice",
          actions: ["update"],
          before: { user_settings: [{ execution_role: "arn:aws:iam::1:role/old" }], tags: {} },
          after: { user_settings: [{ execution_role: "arn:aws:iam::1:role/ds" }], tags: {} },
          afterUnknown: { user_settings: [{}] },
        },
      ],
      outputs: {
        role: {
          actions: ["update"],
          before: "old",
          after: "arn:aws:iam::1:role/ds",
          afterUnknown: false,
        },
      },
    });
    expect(reviewedPlan("dev", plan()).digest).toBe(reviewed.digest);
    expect(reviewedPlan("dev", plan("arn:aws:iam::1:role/admin")).digest).not.toBe(reviewed.digest);
  });

  test("a value-only change on a reviewed address is a difference naming the path and both values", () => {
    const reviewed = reviewedPlan("dev", plan());
    const now = reviewedPlan("dev", plan("arn:aws:iam::1:role/team-admin"));
    expect(planDifferences(reviewed, now)).toEqual([
      '  ~ aws_sagemaker_user_profile.alice: after.user_settings[0].execution_role: reviewed "arn:aws:iam::1:role/ds", now "arn:aws:iam::1:role/team-admin"',
      '  ~ output.role: after: reviewed "arn:aws:iam::1:role/ds", now "arn:aws:iam::1:role/team-admin"',
    ]);
    expect(planDifferences(reviewed, reviewed)).toEqual([]);
  });

  test("a changed before value (the state moved since review), an unknown, a replace path are differences", () => {
    const reviewed = reviewedPlan("dev", plan());
    const changed = plan();
    const rc = changed.resource_changes![0] as any;
    rc.change.before.tags = { drift: "yes" };
    rc.change.after_unknown = { user_settings: [{ execution_role: true }] };
    rc.change.replace_paths = [["name"]];
    expect(planDifferences(reviewed, reviewedPlan("dev", changed))).toEqual([
      '  ~ aws_sagemaker_user_profile.alice: before.tags.drift: reviewed (absent), now "yes"',
      "  ~ aws_sagemaker_user_profile.alice: afterUnknown.user_settings[0].execution_role: reviewed (absent), now true",
      '  ~ aws_sagemaker_user_profile.alice: replacePaths: reviewed (absent), now [["name"]]',
    ]);
  });

  test("an action change, a new and a gone address, a new output are named", () => {
    const reviewed = reviewedPlan("dev", plan());
    const changed = plan();
    (changed.resource_changes![0] as any).change.actions = ["delete", "create"];
    (changed.resource_changes![1] as any).change.actions = ["delete"];
    (changed.output_changes as any).extra = { actions: ["create"], after: "x" };
    delete (changed.output_changes as any).role;
    expect(planDifferences(reviewed, reviewedPlan("dev", changed))).toEqual([
      "  + delete aws_kms_key.data: not in the reviewed plan",
      "  ~ aws_sagemaker_user_profile.alice: reviewed as update, now delete,create",
      "  + create output.extra: not in the reviewed plan",
      "  - update output.role: reviewed, no longer planned",
    ]);
    expect(planDifferences(reviewed, reviewedPlan("prod", plan()))[0]).toBe(
      '  stack: reviewed "dev", now "prod"',
    );
    // A reviewed change that is no longer planned is a difference too.
    const full = plan();
    const fewer = { ...full, resource_changes: full.resource_changes!.slice(1) };
    expect(planDifferences(reviewed, reviewedPlan("dev", fewer))).toEqual([
      "  - update aws_sagemaker_user_profile.alice: reviewed, no longer planned",
    ]);
  });

  test("many differences on one address are cut after eight lines, counted", () => {
    const wide = (v: number) =>
      plan("r", {
        resource_changes: [
          {
            address: "aws_x.y",
            change: {
              actions: ["update"],
              after: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, v])),
            },
          },
        ],
      });
    const lines = planDifferences(reviewedPlan("dev", wide(1)), reviewedPlan("dev", wide(2)));
    expect(lines.filter((l) => l.startsWith("  ~ aws_x.y"))).toHaveLength(9);
    expect(lines).toContain("  ~ aws_x.y: ... and 4 more differences");
  });

  test("sensitive values are kept as digests: compared, never written", () => {
    const secret = (value: string) =>
      plan("r", {
        resource_changes: [
          {
            address: "aws_db_instance.mlflow",
            change: {
              actions: ["update"],
              after: { password: value, port: 5432 },
              after_sensitive: { password: true },
            },
          },
        ],
      });
    const a = reviewedPlan("dev", secret("hunter2"));
    expect(JSON.stringify(a)).not.toContain("hunter2");
    expect((a.changes[0].after as any).password).toMatch(/^\(sensitive sha256:[0-9a-f]{16}\)$/);
    const lines = planDifferences(a, reviewedPlan("dev", secret("swordfish")));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /after\.password: reviewed "\(sensitive sha256:[0-9a-f]+\)", now "\(sensitive/,
    );
    expect(lines[0]).not.toContain("swordfish");
  });

  test("masking follows nested masks and leaves unmarked values alone", () => {
    expect(maskSensitive({ a: [{ s: "x", p: 1 }], b: 2 }, { a: [{ s: true }] })).toEqual({
      a: [{ s: expect.stringMatching(/^\(sensitive/), p: 1 }],
      b: 2,
    });
    expect(maskSensitive("x", false)).toBe("x");
  });

  test("canonical JSON sorts keys; value differences walk objects and arrays", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(valueDifferences({ a: [1, 2] }, { a: [1, 3] })).toEqual([
      { path: ".a[1]", reviewed: 2, now: 3 },
    ]);
    expect(valueDifferences([1], [1, 2], "x")).toEqual([{ path: "x", reviewed: [1], now: [1, 2] }]);
    expect(valueDifferences({ "a.b": 1 }, { "a.b": 2 })).toEqual([
      { path: '["a.b"]', reviewed: 1, now: 2 },
    ]);
  });

  test("refuses what is not a plan", () => {
    expect(() => reviewedPlan("dev", {})).toThrow(
      "dev: not a Terraform JSON plan (no format_version); use terraform show -json <planfile>",
    );
  });
});
