import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import {
  OutputLockedError,
  synthesizeAtomically,
  synthesizePlatform,
} from "../../synthesis/synthesize";
import { TerraformStack } from "../../modules/core/cdktf";
import { selectedAccounts } from "../../accounts/platform";
import { accountDiagram, DIAGRAM_FILE } from "../../synthesis/account-diagram";
import { exampleInput, parse } from "../helpers";

describe("synthesis", () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(join(tmpdir(), "synth-test-"))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test("writes cdk.tf.json for every stack", async () => {
    const out = join(work, "cdktf.out");
    const { value: ids } = await synthesizePlatform(parse(exampleInput()), out);
    expect(ids).toEqual([
      "dev-bootstrap",
      "staging-bootstrap",
      "prod-bootstrap",
      "dev",
      "staging",
      "prod",
    ]);
    for (const id of ids) {
      const stack = JSON.parse(readFileSync(join(out, "stacks", id, "cdk.tf.json"), "utf8"));
      // Beside each stack, the picture of what it deploys, made from the stack itself.
      expect(readFileSync(join(out, "stacks", id, DIAGRAM_FILE), "utf8")).toBe(
        accountDiagram(id, stack),
      );
      expect(readdirSync(join(out, "stacks", id)).sort()).toEqual(["cdk.tf.json", DIAGRAM_FILE]);
    }
    expect(readdirSync(out).sort()).toEqual([
      "atlantis.yaml",
      "cost-estimate.md",
      "manifest.json",
      "stacks",
    ]);
    expect(readdirSync(work)).toEqual(["cdktf.out"]);
  });

  test("some accounts alone: exactly their stacks, each the same as in a synthesis of all", async () => {
    const all = join(work, "all");
    const some = join(work, "some");
    const config = parse(exampleInput());
    await synthesizePlatform(config, all);
    const { value: ids } = await synthesizePlatform(config, some, { accounts: ["staging"] });
    expect(ids).toEqual(["staging-bootstrap", "staging"]);
    expect(readdirSync(join(some, "stacks")).sort()).toEqual(["staging", "staging-bootstrap"]);
    for (const id of ids) {
      expect(readFileSync(join(some, "stacks", id, "cdk.tf.json"), "utf8")).toBe(
        readFileSync(join(all, "stacks", id, "cdk.tf.json"), "utf8"),
      );
    }
  });

  test("PLATFORM_ACCOUNTS names accounts of the config, each once", () => {
    const config = parse(exampleInput());
    expect(selectedAccounts(config, undefined)).toEqual({ problems: [] });
    expect(selectedAccounts(config, " ")).toEqual({ problems: [] });
    expect(selectedAccounts(config, "dev, prod")).toEqual({
      accounts: ["dev", "prod"],
      problems: [],
    });
    expect(selectedAccounts(config, "dev,stagin,dev").problems).toEqual([
      'PLATFORM_ACCOUNTS: "stagin" is not an account of the config; accounts: dev, staging, prod',
      'PLATFORM_ACCOUNTS: "dev" is named twice',
    ]);
    expect(selectedAccounts(config, "dev\u001b[31m").problems).toEqual([
      'PLATFORM_ACCOUNTS: "dev\\u001b[31m" is not an account of the config; accounts: dev, staging, prod',
    ]);
  });

  test("the manifest orders each account's bootstrap stack before its account stack", async () => {
    const out = join(work, "cdktf.out");
    await synthesizePlatform(parse(exampleInput()), out);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const dependencies = Object.fromEntries(
      Object.entries(manifest.stacks as Record<string, { dependencies: string[] }>).map(
        ([id, stack]) => [id, stack.dependencies],
      ),
    );
    expect(dependencies).toEqual({
      "dev-bootstrap": [],
      "staging-bootstrap": [],
      "prod-bootstrap": [],
      dev: ["dev-bootstrap"],
      staging: ["staging-bootstrap"],
      prod: ["prod-bootstrap"],
    });
  });

  test("replaces earlier output entirely", async () => {
    const out = join(work, "cdktf.out");
    mkdirSync(join(out, "stacks", "removed-account"), { recursive: true });
    await synthesizePlatform(parse(exampleInput()), out);
    expect(existsSync(join(out, "stacks", "removed-account"))).toBe(false);
  });

  test("a failing validation leaves the previous output untouched and no staging folder", async () => {
    const out = join(work, "cdktf.out");
    mkdirSync(out);
    writeFileSync(join(out, "marker"), "previous");
    await expect(
      synthesizeAtomically(out, (app) => {
        const stack = new TerraformStack(app, "broken");
        stack.node.addValidation({ validate: () => ["broken on purpose"] });
      }),
    ).rejects.toThrow(/broken on purpose/);
    expect(readFileSync(join(out, "marker"), "utf8")).toBe("previous");
    expect(readdirSync(work)).toEqual(["cdktf.out"]);
  });

  test("a failing build writes nothing", async () => {
    const out = join(work, "cdktf.out");
    await expect(
      synthesizeAtomically(out, () => {
        throw new Error("bad props");
      }),
    ).rejects.toThrow("bad props");
    expect(readdirSync(work)).toEqual([]);
  });

  test("real errors keep their stack traces, during and after synthesis", async () => {
    const before = Error.prepareStackTrace;
    let during = "";
    await expect(
      synthesizeAtomically(join(work, "cdktf.out"), () => {
        during = new Error("inside").stack ?? "";
        throw new Error("bad props");
      }),
    ).rejects.toThrow("bad props");
    expect(during).toMatch(/^Error: inside\n\s+at /);
    expect(Error.prepareStackTrace).toBe(before);
    expect(new Error("after").stack).toMatch(/^Error: after\n\s+at /);
  });

  test("a second synthesis into the same output refuses while the first holds the lock", async () => {
    const out = join(work, "cdktf.out");
    mkdirSync(out);
    writeFileSync(join(out, "marker"), "previous");
    mkdirSync(join(work, ".cdktf.out.lock"));
    writeFileSync(join(work, ".cdktf.out.lock", "pid"), `${process.pid}\n`);
    const attempt = synthesizeAtomically(out, () => "never built");
    await expect(attempt).rejects.toThrow(OutputLockedError);
    await expect(attempt).rejects.toThrow(
      `another synthesis (process ${process.pid}) is writing this output; wait for it to finish. If no synthesis is running, delete ${join(work, ".cdktf.out.lock")}`,
    );
    expect(readFileSync(join(out, "marker"), "utf8")).toBe("previous");
    expect(readdirSync(work).sort()).toEqual([".cdktf.out.lock", "cdktf.out"]);
  });

  test("a lock without a pid that is under a minute old counts as held", async () => {
    mkdirSync(join(work, ".cdktf.out.lock"));
    await expect(synthesizeAtomically(join(work, "cdktf.out"), () => 1)).rejects.toThrow(
      OutputLockedError,
    );
  });

  test("a lock without a pid over a minute old is taken over", async () => {
    const lock = join(work, ".cdktf.out.lock");
    mkdirSync(lock);
    const old = (Date.now() - 61_000) / 1000;
    utimesSync(lock, old, old);
    const { value } = await synthesizeAtomically(join(work, "cdktf.out"), () => "built");
    expect(value).toBe("built");
    expect(readdirSync(work)).toEqual(["cdktf.out"]);
  });

  test("a lock and staging folders left by a killed run are cleaned up", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    mkdirSync(join(work, ".cdktf.out.lock"));
    writeFileSync(join(work, ".cdktf.out.lock", "pid"), `${dead}\n`);
    mkdirSync(join(work, ".cdktf.out-staging-abc123"));
    mkdirSync(join(work, ".cdktf.out-previous-99999"));
    mkdirSync(join(work, ".other-staging-abc123")); // not ours: kept
    const { value } = await synthesizeAtomically(join(work, "cdktf.out"), () => "built");
    expect(value).toBe("built");
    expect(readdirSync(work).sort()).toEqual([".other-staging-abc123", "cdktf.out"]);
  });

  test("the previous output stays whole until the new one is complete, then is replaced", async () => {
    const out = join(work, "cdktf.out");
    mkdirSync(out);
    writeFileSync(join(out, "marker"), "previous");
    await synthesizeAtomically(out, () => {
      // While the build runs, the old output is still whole and no set-aside copy exists.
      expect(readFileSync(join(out, "marker"), "utf8")).toBe("previous");
      expect(readdirSync(work).filter((e) => e.includes("previous"))).toEqual([]);
    });
    expect(existsSync(join(out, "marker"))).toBe(false);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
    expect(readdirSync(work)).toEqual(["cdktf.out"]);
  });
});
