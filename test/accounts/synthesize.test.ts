import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeAtomically, synthesizePlatform } from "../../accounts/synthesize";
import { TerraformStack } from "../../modules/core/cdktf";
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
      expect(existsSync(join(out, "stacks", id, "cdk.tf.json"))).toBe(true);
    }
    expect(readdirSync(work)).toEqual(["cdktf.out"]);
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
});
