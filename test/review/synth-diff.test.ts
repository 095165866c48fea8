import { buildSync } from "esbuild";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diffStacks, formatDiff } from "../../review/synth-diff";
import { REPO_ROOT } from "../helpers";

const bucket = (name: string) => ({ bucket: name, "//": { metadata: { path: `dev/${name}` } } });

describe("synthesis diff", () => {
  test("resources added, removed and changed, ignoring metadata", () => {
    const diffs = diffStacks(
      {
        dev: {
          resource: {
            aws_s3_bucket: { a: bucket("a"), b: bucket("b") },
            aws_vpc: { v: { cidr_block: "10.0.0.0/16" } },
          },
        },
      },
      {
        dev: {
          resource: {
            aws_s3_bucket: { a: { ...bucket("a"), "//": { metadata: { path: "moved/in/tree" } } } },
            aws_vpc: { v: { cidr_block: "10.1.0.0/16" } },
            aws_subnet: { s: { cidr_block: "10.1.0.0/19" } },
          },
        },
      },
    );
    expect(diffs).toEqual([
      {
        stack: "dev",
        added: ["aws_subnet.s"],
        removed: ["aws_s3_bucket.b"],
        changed: ["aws_vpc.v"],
        dataBearingMoves: ["aws_s3_bucket.b"],
      },
    ]);
    expect(formatDiff(diffs)).toContain(
      '  DATA-BEARING ADDRESS CHANGED: aws_s3_bucket.b is gone, so Terraform would destroy it. From a code change: keep the construct id, or add a moved block (resource.moveFromId("aws_s3_bucket.b")). From a config change (an account, bucket or user renamed or removed): keep the old name, or, if the data is to go, declare "<stack>:aws_s3_bucket.b" in intended-data-loss.txt.',
    );
  });

  test("a moved block carries the old address: no data-bearing flag", () => {
    const diffs = diffStacks(
      { dev: { resource: { aws_s3_bucket: { old: bucket("x") } } } },
      {
        dev: {
          resource: { aws_s3_bucket: { renamed: bucket("x") } },
          moved: [{ from: "aws_s3_bucket.old", to: "aws_s3_bucket.renamed" }],
        } as never,
      },
    );
    expect(diffs[0].dataBearingMoves).toEqual([]);
  });

  test("a tags-only config change: the provider's default tags, named", () => {
    const stack = (tags: Record<string, string>) => ({
      provider: { aws: [{ region: "eu-west-1", default_tags: [{ tags }] }] },
      resource: { aws_s3_bucket: { a: bucket("a") } },
    });
    const diffs = diffStacks(
      { dev: stack({ team: "ml" }) as never },
      { dev: stack({ team: "ml", cost: "1" }) as never },
    );
    expect(diffs).toEqual([
      { stack: "dev", added: [], removed: [], changed: ["provider.aws"], dataBearingMoves: [] },
    ]);
    expect(formatDiff(diffs)).toBe("dev: 0 added, 0 removed, 1 changed\n  ~ provider.aws");
  });

  test("backend, required providers, outputs, variables, data sources and moved blocks count", () => {
    const before = {
      terraform: {
        backend: { s3: { key: "a" } },
        required_providers: { aws: { version: "6.25.0" } },
      },
      provider: { aws: [{ region: "eu-west-1" }, { region: "us-east-1", alias: "us" }] },
      output: { o: { value: "1" } },
      variable: { v: { type: "string" } },
      data: { aws_region: { r: {} } },
    };
    const after = {
      terraform: {
        backend: { s3: { key: "b" } },
        required_providers: { aws: { version: "6.26.0" } },
      },
      provider: { aws: [{ region: "eu-west-1" }, { region: "us-west-2", alias: "us" }] },
      output: { p: { value: "1" } },
      variable: { v: { type: "number" } },
      data: { aws_region: { r: { name: "x" } } },
      moved: [{ from: "aws_s3_bucket.a", to: "aws_s3_bucket.b" }],
    };
    expect(diffStacks({ dev: before as never }, { dev: after as never })).toEqual([
      {
        stack: "dev",
        added: ["moved", "output.p"],
        removed: ["output.o"],
        changed: [
          "data.aws_region.r",
          "provider.aws.us",
          "terraform.backend",
          "terraform.required_providers",
          "variable.v",
        ],
        dataBearingMoves: [],
      },
    ]);
  });

  test("no changes", () => {
    expect(formatDiff(diffStacks({ dev: { resource: {} } }, { dev: { resource: {} } }))).toBe(
      "No changes.",
    );
  });
});

describe("npm run review", () => {
  const root = REPO_ROOT;
  let clone: string;
  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), "review-it-")), "repo");
    // A throwaway clone of the current sources, committed, so the test can add a commit.
    execFileSync("git", ["init", "-q", clone]);
    execFileSync("bash", [
      "-c",
      `cd "${root}" && git ls-files -co --exclude-standard | tar -cf - -T - | (cd "${clone}" && tar -xf -)`,
    ]);
    symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", clone, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    git("add", "-A");
    git("commit", "-qm", "base");
    const file = join(clone, "accounts", "buckets.ts");
    const source = readFileSync(file, "utf8");
    expect(source).toContain('constructId: "data-bucket"');
    writeFileSync(
      file,
      source.replace('constructId: "data-bucket"', 'constructId: "dataset-bucket"'),
    );
    git("commit", "-qam", "rename the data bucket's construct");
    // The review script of the clone, bundled (no full type-check: that is the lint step's).
    buildSync({
      absWorkingDir: clone,
      entryPoints: [join(clone, "scripts", "review.ts")],
      outfile: join(clone, "dist", "scripts", "review.js"),
      bundle: true,
      platform: "node",
      packages: "external",
      logLevel: "error",
    });
  }, 60_000);
  afterAll(() => rmSync(resolve(clone, ".."), { recursive: true, force: true }));

  test("flags the renamed bucket and exits 1", () => {
    const result = spawnSync(
      process.execPath,
      [join(clone, "dist", "scripts", "review.js"), "--base", "HEAD~1"],
      {
        cwd: clone,
        encoding: "utf8",
      },
    );
    // Progress goes to stderr: nothing else does.
    expect(result.stderr).toBe(
      "review: building and synthesizing HEAD~1 ...\nreview: building and synthesizing the working tree ...\n",
    );
    expect(result.stdout).toContain("Changes from HEAD~1 to the working tree");
    expect(result.stdout).toMatch(/^dev: \d+ added, \d+ removed, \d+ changed$/m);
    expect(result.stdout).toMatch(
      /DATA-BEARING ADDRESS CHANGED: aws_s3_bucket\.data-bucket_[0-9A-F]+ is gone/,
    );
    expect(result.stdout).toMatch(/^ {2}\+ aws_s3_bucket\.dataset-bucket_[0-9A-F]+$/m);
    expect(result.status).toBe(1);
  }, 180_000);

  test("refuses a base that is not a commit", () => {
    const result = spawnSync(
      process.execPath,
      [join(clone, "dist", "scripts", "review.js"), "--base", "no-such-ref"],
      {
        cwd: clone,
        encoding: "utf8",
      },
    );
    expect(result.stderr).toContain("--base no-such-ref: not a commit in this repository");
    expect(result.status).toBe(2);
  });
});
