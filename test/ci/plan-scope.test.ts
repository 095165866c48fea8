import { readConfigFile } from "../../accounts/config/loader";
import { ciStacks } from "../../ci/stacks";
import {
  declarationChanges,
  parsePlanScope,
  planScope,
  scopedAccounts,
  sharedChanges,
  unreviewedStacks,
  type PlanScope,
  type ScopeInput,
} from "../../ci/plan-scope";
import { scopeComment } from "../../ci/github/comment";
import { FIXTURES, findResource, parse, synthPlatform, type StackJson } from "../helpers";
import { join } from "node:path";

/** four-accounts.yaml (a data science account `lab`, targets qa, live-eu, live-us) with CI on. */
function fourAccounts(change: (raw: any) => void = () => undefined): any {
  const raw = readConfigFile(join(FIXTURES, "configs", "good", "four-accounts.yaml")) as any;
  raw.ci = { github: { repository: "acme/ml-platform" } };
  raw.state = { ...raw.state, bootstrapBackend: "s3" };
  change(raw);
  return raw;
}

function synth(raw: any): Record<string, StackJson> {
  return synthPlatform(parse(raw)).json;
}

const base = fourAccounts();
const baseJson = synth(base);
const stacks = ciStacks(parse(base)).map((s) => s.stack);

function scope(head: Record<string, StackJson>, more: Partial<ScopeInput> = {}): PlanScope {
  return planScope({
    base: baseJson,
    head,
    changedFiles: ["platform.yaml"],
    configFiles: ["platform.yaml"],
    ciStacks: stacks,
    ...more,
  });
}

const plannedIds = (s: PlanScope) => s.planned.map((p) => p.stack);

describe("plan scope: which stacks a pull request plans", () => {
  test("CI plans every account's bootstrap and account stack (the universe the scope picks from)", () => {
    expect(stacks).toEqual([
      "lab-bootstrap",
      "lab",
      "qa-bootstrap",
      "qa",
      "live-eu-bootstrap",
      "live-eu",
      "live-us-bootstrap",
      "live-us",
    ]);
  });

  test("an unchanged synthesis plans nothing, and says why each stack is skipped", () => {
    const s = scope(baseJson, { changedFiles: ["docs/deploying.md", "README.md"] });
    expect(s.planned).toEqual([]);
    expect(s.all).toBe(false);
    expect(s.skipped.map((x) => x.stack)).toEqual(stacks);
    expect(s.skipped[0].because).toBe("synthesized output unchanged and names no changed stack");
  });

  test("a change to one target's config plans that target's stack, nothing else", () => {
    const head = synth(fourAccounts((raw) => (raw.accounts.qa.vpc.cidr = "10.9.0.0/16")));
    const s = scope(head);
    expect(plannedIds(s)).toEqual(["qa"]);
    expect(s.planned[0].because).toMatch(/^synthesized output changed \(\d+ changed: aws_/);
    expect(s.skipped.map((x) => x.stack)).toEqual(stacks.filter((x) => x !== "qa"));
  });

  test("a target's default tags (provider configuration) are part of its synthesized output", () => {
    const head = structuredClone(baseJson);
    (head["live-us"].provider as any).aws[0].default_tags[0].tags.team = "us";
    expect(plannedIds(scope(head))).toEqual(["live-us"]);
  });

  /** The base, and a head where lab's model deployer role changed (its session duration). */
  function deployerChanged() {
    const before = structuredClone(baseJson);
    const after = structuredClone(before);
    const [name, role] = findResource(after.lab, "aws_iam_role", (r) =>
      String(r.name).endsWith("-model-deployer"),
    );
    role.max_session_duration = 7200;
    return { before, after, address: `aws_iam_role.${name}`, roleName: role.name as string };
  }

  test("a changed role that another stack names by ARN plans that stack too, with the ARN as the reason", () => {
    // Every target's execution role trusts lab's model deployer by ARN.
    const { after, address, roleName } = deployerChanged();
    const s = scope(after);
    expect(plannedIds(s)).toEqual(["lab", "qa", "live-eu", "live-us"]);
    expect(s.planned.find((p) => p.stack === "qa")!.because).toBe(
      `names lab's changed ${address} (arn:aws:iam::123456789012:role/${roleName})`,
    );
  });

  test("the same role name in another account, or a pattern for other names, is not a dependency", () => {
    const cases: [string, string[]][] = [
      ["arn:aws:iam::123456789012:role/acme-*", ["lab", "qa", "live-eu", "live-us"]],
      ["arn:aws:iam::123456789012:role/acme-lab-*-deployer", ["lab", "qa", "live-eu", "live-us"]],
      ["arn:aws:iam::123456789012:role/other-*", ["lab"]],
      ["arn:aws:iam::999999999999:role/acme-lab-model-deployer", ["lab"]],
      ["arn:aws:iam::999999999999:role/*", ["lab"]],
    ];
    for (const [arn, planned] of cases) {
      const { before, after, roleName } = deployerChanged();
      const deployer = `arn:aws:iam::123456789012:role/${roleName}`;
      // The targets name the case's ARN instead of lab's deployer.
      const swap = (json: any) => {
        for (const target of ["qa", "live-eu", "live-us"]) {
          expect(JSON.stringify(json[target])).toContain(deployer);
          json[target] = JSON.parse(JSON.stringify(json[target]).split(deployer).join(arn));
        }
        return json;
      };
      expect([arn, plannedIds(scope(swap(after), { base: swap(before) }))]).toEqual([arn, planned]);
    }
  });

  test("a new target plans its stacks and the data science stack that now names its roles", () => {
    const head = synth(
      fourAccounts((raw) => {
        raw.accounts.canary = {
          type: "deployment-target",
          dataScienceAccount: "lab",
          accountId: "456789012345",
          vpc: { cidr: "10.4.0.0/16" },
        };
      }),
    );
    const s = scope(head, { ciStacks: [...stacks, "canary-bootstrap", "canary"] });
    expect(plannedIds(s)).toEqual(["lab", "canary-bootstrap", "canary"]);
    expect(s.planned.find((p) => p.stack === "canary")!.because).toMatch(/\d+ added/);
  });

  test("a removed target is listed as removed: nothing plans or destroys its resources", () => {
    const head = synth(fourAccounts((raw) => delete raw.accounts["live-us"]));
    const s = scope(head, { ciStacks: stacks.filter((x) => !x.startsWith("live-us")) });
    expect(s.removed).toEqual(["live-us", "live-us-bootstrap"]);
    expect(plannedIds(s)).toContain("lab");
    expect(plannedIds(s)).not.toContain("live-eu");
  });

  test("a changed stack CI does not plan (local state) is reported, not dropped", () => {
    const head = structuredClone(baseJson);
    (head["qa-bootstrap"] as any).output.extra = { value: "x" };
    const s = scope(head, { ciStacks: stacks.filter((x) => !x.endsWith("-bootstrap")) });
    expect(plannedIds(s)).toEqual([]);
    expect(s.notInCi).toEqual([
      {
        stack: "qa-bootstrap",
        because:
          "synthesized output changed (1 added: output.extra); CI does not plan it (local state): run cdktf deploy qa-bootstrap by hand",
      },
    ]);
  });

  test("shared code, packages or workflows plan every stack, naming the files", () => {
    for (const file of [
      "modules/storage/secure-bucket.ts",
      "package-lock.json",
      ".github/workflows/plan.yml",
      "ci/runs.ts",
    ]) {
      const s = scope(baseJson, { changedFiles: ["platform.yaml", file] });
      expect(s.all).toBe(true);
      expect(plannedIds(s)).toEqual(stacks);
      expect(s.planned[0].because).toBe(
        `shared files changed (1: ${file}): every stack is planned`,
      );
    }
  });

  test("a base that does not synthesize plans every stack, saying why", () => {
    const s = scope(baseJson, { base: { failed: "invalid platform config" } });
    expect(s.all).toBe(true);
    expect(s.planned[3]).toEqual({
      stack: "qa",
      because: "the base did not synthesize: invalid platform config",
    });
  });

  test("changed lines of intended-data-loss.txt plan the stacks they name", () => {
    const s = scope(baseJson, {
      changedFiles: ["intended-data-loss.txt"],
      declaredStacks: declarationChanges(
        "# none\nlive-eu:aws_s3_bucket.a\n",
        "live-eu:aws_s3_bucket.a\nqa:aws_s3_bucket.b # retiring\n",
      ),
    });
    expect(plannedIds(s)).toEqual(["qa"]);
    expect(s.planned[0].because).toBe("its lines of intended-data-loss.txt changed");
  });
});

describe("what can change a plan", () => {
  test("docs, tests and this repository's own checks cannot; code, packages, workflows, cdktf.json can", () => {
    const cannot = ["docs/a.md", "README.md", "test/ci/x.test.ts", ".ci/run"];
    const theConfig = ["platform.yaml", "intended-data-loss.txt"];
    const can = [
      "main.ts",
      "cdktf.json",
      "package.json",
      ".github/workflows/apply-accounts.yml",
      "accounts/naming.ts",
      "config/team.yaml",
    ];
    expect(sharedChanges([...cannot, ...theConfig, ...can], ["platform.yaml"])).toEqual(can);
  });
});

describe("applying the reviewed scope", () => {
  const accounts = [
    { account: "lab", stacks: "lab-bootstrap lab" },
    { account: "qa", stacks: "qa-bootstrap qa" },
  ];
  const reviewed = (planned: string[], all = false): PlanScope => ({
    format: 1,
    all,
    planned: planned.map((stack) => ({ stack, because: "x" })),
    skipped: [],
    notInCi: [],
    removed: [],
  });

  test("jobs hold only the planned stacks, in order; an account with none has no job", () => {
    expect(scopedAccounts(accounts, reviewed(["lab", "lab-bootstrap"]))).toEqual([
      { account: "lab", stacks: "lab-bootstrap lab" },
    ]);
    expect(scopedAccounts(accounts, reviewed(["qa"]))).toEqual([{ account: "qa", stacks: "qa" }]);
    expect(scopedAccounts(accounts, reviewed([]))).toEqual([]);
  });

  test("a push that changes a stack its pull request did not plan names it", () => {
    expect(unreviewedStacks(reviewed(["qa"]), reviewed(["qa", "lab"]))).toEqual(["lab"]);
    expect(unreviewedStacks(reviewed(["qa", "lab"]), reviewed(["qa"]))).toEqual([]);
    expect(unreviewedStacks(reviewed(["qa", "lab"], true), reviewed(["live"]))).toEqual([]);
  });

  test("a scope file of another format, or not a scope, is refused naming the file", () => {
    expect(parsePlanScope(reviewed(["qa"]), "s.json").planned).toHaveLength(1);
    for (const bad of [
      null,
      [],
      { ...reviewed([]), format: 2 },
      { ...reviewed([]), planned: [{ stack: 1 }] },
    ]) {
      expect(() => parsePlanScope(bad, "s.json")).toThrow(
        "s.json: not a plan scope of format 1 (written by ci.js scope): re-run the pull request's plan",
      );
    }
  });
});

describe("the scope comment", () => {
  const scoped = (n: number, all = false): PlanScope => ({
    format: 1,
    base: "a".repeat(40),
    head: "b".repeat(40),
    all,
    planned: all
      ? Array.from({ length: n }, (_, i) => ({
          stack: `s${i}`,
          because: "shared files changed (1: main.ts): every stack is planned",
        }))
      : [{ stack: "qa", because: "synthesized output changed (1 changed: aws_vpc.v)" }],
    skipped: all
      ? []
      : Array.from({ length: n }, (_, i) => ({ stack: `t${i}`, because: "unchanged" })),
    notInCi: [],
    removed: all ? [] : ["old"],
  });

  test("lists what is planned and skipped with why, the commits compared, and removed stacks", () => {
    const text = scopeComment(scoped(2));
    expect(text.split("\n")).toEqual([
      "### Terraform plan scope",
      "",
      "1 of 3 stacks planned (synthesis of `aaaaaaaaaaaa` against `bbbbbbbbbbbb`); the merge applies exactly these.",
      "",
      "**Planned** (1)",
      "",
      "- `qa`: synthesized output changed (1 changed: aws_vpc.v)",
      "",
      "**Skipped** (2)",
      "",
      "- `t0`: unchanged",
      "- `t1`: unchanged",
      "",
      "**Removed from the config** (1): `old`. CI neither plans nor destroys their resources; run `cdktf destroy <stack>` from the base commit if that is intended (data-bearing resources are protected from destroy).",
    ]);
  });

  test("at 400 skipped stacks it lists 50 and counts the rest; everything planned says why once", () => {
    const long = scopeComment(scoped(400));
    expect(long).toContain(
      "- `t49`: unchanged\n- ... and 350 more (the `plan-scope` artifact lists all)",
    );
    expect(long).not.toContain("`t50`");
    expect(scopeComment(scoped(402, true)).split("\n")).toEqual([
      "### Terraform plan scope",
      "",
      "Every stack is planned: 402 of 402.",
      "",
      "Why: shared files changed (1: main.ts): every stack is planned",
    ]);
  });
});
