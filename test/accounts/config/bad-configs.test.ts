import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadPlatformConfig,
  placeholderProblems,
  parsePlatformConfig,
  PlatformConfigError,
  readConfigFile,
} from "../../../accounts/config/loader";
import { exampleInput, FIXTURES } from "../../helpers";

const CONFIGS = join(FIXTURES, "configs");

function problemsOf(path: string): readonly string[] {
  try {
    loadPlatformConfig({ PLATFORM_CONFIG: path });
  } catch (error) {
    if (error instanceof PlatformConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe("bad config fixtures", () => {
  // Each bad fixture and, beside it in <fixture>.expected, the exact lines it must print: field
  // path, value, what is allowed (one line per problem).
  const BAD = join(CONFIGS, "bad");
  const fixtures = readdirSync(BAD).filter((f) => !f.endsWith(".txt") && !f.endsWith(".expected"));
  const expected: Record<string, string[]> = Object.fromEntries(
    fixtures.map((file) => {
      const path = join(BAD, `${file}.expected`);
      return [file, existsSync(path) ? readFileSync(path, "utf8").trimEnd().split("\n") : []];
    }),
  );

  test("every bad fixture has its expected messages, and every .expected file its fixture", () => {
    expect(fixtures.filter((file) => expected[file].length === 0)).toEqual([]);
    const orphans = readdirSync(BAD)
      .filter((f) => f.endsWith(".expected"))
      .filter((f) => !fixtures.includes(f.slice(0, -".expected".length)));
    expect(orphans).toEqual([]);
  });

  test.each(Object.entries(expected))("%s is rejected with its messages", (file, lines) => {
    expect(problemsOf(join(CONFIGS, "bad", file))).toEqual(lines);
  });

  test("a file that is neither JSON nor YAML is rejected by name", () => {
    const path = join(CONFIGS, "bad", "wrong-extension.txt");
    expect(problemsOf(path)).toEqual([
      `PLATFORM_CONFIG: "${path}" must end in .json, .yaml or .yml`,
    ]);
  });

  describe("unusual input", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "unusual-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, content: string | Buffer) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };

    test("a file over 256 KiB is refused before it is parsed; 256 KiB itself is read", () => {
      const big = write("big.json", `{"prefix":"${"x".repeat(262_145 - 13)}"}`);
      expect(problemsOf(big)).toEqual([
        "is 262145 bytes; a platform config is at most 262144 bytes",
      ]);
      // Exactly the cap, in lines of the allowed length, is read and parsed.
      const head = `{"prefix":"${"x".repeat(1000)}"`;
      const limit = write("limit.json", `${head}${"\n".repeat(262_144 - head.length - 1)}}`);
      expect(problemsOf(limit)[0]).toBe(
        `prefix: "${"x".repeat(76)}... must be at most 20 characters`,
      );
    });

    test("a huge sparse file is refused by its size, and an endless one after the cap, quickly", () => {
      const sparse = join(dir, "sparse.yaml");
      writeFileSync(sparse, "");
      truncateSync(sparse, 1_200_000_000);
      const before = process.memoryUsage().rss;
      expect(problemsOf(sparse)).toEqual([
        "is 1200000000 bytes; a platform config is at most 262144 bytes",
      ]);
      expect(process.memoryUsage().rss - before).toBeLessThan(50_000_000);
      const endless = join(dir, "zero.yaml");
      symlinkSync("/dev/zero", endless);
      const started = Date.now();
      expect(problemsOf(endless)).toEqual([
        "is more than 262144 bytes; a platform config is at most 262144 bytes",
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    test("one long line of bad YAML is refused before the parser, in bounded time", () => {
      const line = "a: [b: {c: ][".repeat(7_500); // 97,500 characters of errors on one line
      const started = Date.now();
      expect(problemsOf(write("long.yaml", `prefix: ml\n${line}\n`))).toEqual([
        "line 2 is 97500 characters long; a platform config's lines are at most 4096",
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
      // A line of exactly the cap is fine (it fails later, on its content).
      const ok = problemsOf(write("cap.yaml", `prefix: ${"x".repeat(4096 - 8)}\n`));
      expect(ok[0]).toMatch(/^prefix: "x+\.\.\. must be at most 20 characters$/);
    });

    test("many YAML errors: the first five and a count, not a flood", () => {
      const bad = Array.from({ length: 400 }, (_, i) => `k${i}: v: w`).join("\n");
      const problems = problemsOf(write("flood.yaml", bad));
      expect(problems).toHaveLength(6);
      expect(problems[5]).toMatch(
        /^\.\.\. and \d+ more problems of the same file; fix the ones above first$/,
      );
    });

    test("a huge unknown key is shown cut to 80 characters, with its length", () => {
      const file = write(
        "long-key.json",
        JSON.stringify({ ...exampleInput(), [`x${"y".repeat(4_000)}`]: 1 }, null, 1),
      );
      const [line] = problemsOf(file);
      expect(line.length).toBeLessThan(400);
      expect(line).toContain(`unknown key "x${"y".repeat(76)}... (4001 characters)"`);
    });

    test("a duplicate key in JSON is refused, at any depth; YAML refuses it too", () => {
      expect(problemsOf(write("dup.json", '{"prefix": "a",\n "prefix": "b"}'))).toEqual([
        'not valid JSON: the key "prefix" is repeated in one mapping at line 2, column 2; keys must be unique',
      ]);
    });

    test("brackets nested past any config are refused by a scan, before a parser recurses", () => {
      const deep = write("deep.json", `${"[".repeat(65)}${"]".repeat(65)}`);
      expect(problemsOf(deep)).toEqual([
        "line 1, column 65: brackets nest deeper than 64 levels there; a platform config nests at most 32",
      ]);
      const deepLater = write("deep-later.yaml", `prefix: ml\ntags: ${"[".repeat(70)}\n`);
      expect(problemsOf(deepLater)).toEqual([
        "line 2, column 71: brackets nest deeper than 64 levels there; a platform config nests at most 32",
      ]);
      const quoted = write("quoted.json", JSON.stringify({ prefix: "[".repeat(100) }));
      expect(problemsOf(quoted)[0]).toMatch(/^prefix: /); // brackets inside a string are text
    });

    test("a key repeated at the end of 12,000 keys is found, with its line", () => {
      const tags = Array.from({ length: 12_000 }, (_, i) => `  t${i}: v`).join("\n");
      const file = write(
        "wide.yaml",
        `prefix: ml\nregion: us-east-1\ntags:\n${tags}\n  t7: again\n`,
      );
      expect(problemsOf(file)).toEqual([
        'not valid YAML: the key "t7" is repeated in one mapping at line 12004, column 3; keys must be unique',
      ]);
    });

    test.each([
      ["zero-width space", "\u200b", "\\u200b"],
      ["zero-width joiner", "\u200d", "\\u200d"],
      ["word joiner", "\u2060", "\\u2060"],
      ["invisible separator", "\u2063", "\\u2063"],
      ["Arabic letter mark", "\u061c", "\\u061c"],
      ["soft hyphen", "\u00ad", "\\u00ad"],
      ["tag character", "\u{e0041}", "\\u{e0041}"],
    ])("a key holding a %s is refused, the character shown escaped", (_, char, shown) => {
      const input = exampleInput() as any;
      input.tags = { [`team${char}`]: "ml" };
      const file = write("invisible.json", JSON.stringify(input));
      expect(problemsOf(file)).toEqual([
        `tags: the key "team${shown}" holds control or invisible formatting characters; rename it`,
      ]);
    });

    test("control characters are escaped in every line, so none can forge another", () => {
      const file = write(
        "forge.json",
        JSON.stringify({ ...exampleInput(), prefix: "a\u001b[2K\r\u0085\u202eb" }),
      );
      for (const line of problemsOf(file)) {
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      }
      expect(problemsOf(file)[0]).toContain("\\u001b[2K\\r");
    });
  });

  test("platform.yaml at the repository root is the team's config; PLATFORM_CONFIG overrides it", () => {
    const dir = mkdtempSync(join(tmpdir(), "repo-"));
    try {
      expect(loadPlatformConfig({}, dir).source).toBe("accounts/config/example.ts");
      writeFileSync(
        join(dir, "platform.yaml"),
        'prefix: team\nregion: eu-west-1\naccounts:\n  dev:\n    type: data-science\n    accountId: "444455556666"\n    vpc: { cidr: 10.0.0.0/16 }\n',
      );
      const team = loadPlatformConfig({}, dir);
      expect([team.source, team.config.prefix]).toEqual(["platform.yaml", "team"]);
      const other = join(CONFIGS, "good", "minimal.yaml");
      expect(loadPlatformConfig({ PLATFORM_CONFIG: other }, dir).source).toBe(other);
      // A broken platform.yaml is an error naming it, never a silent fall back to the example.
      writeFileSync(join(dir, "platform.yaml"), "prefix: [\n");
      expect(() => loadPlatformConfig({}, dir)).toThrow(/platform\.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the example and its placeholder account ids are refused for plan and apply", () => {
    const example = loadPlatformConfig({}, tmpdir());
    expect(placeholderProblems(example.config, example.source)).toEqual([
      "the platform config is the example (accounts/config/example.ts), whose accounts are placeholders: put your config in platform.yaml at the repository root, or name it with PLATFORM_CONFIG",
    ]);
    const copied = loadPlatformConfig({ PLATFORM_CONFIG: join(CONFIGS, "good", "full.yaml") });
    expect(placeholderProblems(copied.config, "platform.yaml")).toEqual([
      'platform.yaml: accounts.dev.accountId "111111111111" is a placeholder of the example; set the real account id',
      'platform.yaml: accounts.staging.accountId "222222222222" is a placeholder of the example; set the real account id',
      'platform.yaml: accounts.prod.accountId "333333333333" is a placeholder of the example; set the real account id',
    ]);
    const real = loadPlatformConfig({ PLATFORM_CONFIG: join(CONFIGS, "good", "minimal.yaml") });
    expect(placeholderProblems(real.config, real.source)).toEqual([]);
  });

  test("a JSON syntax error names its line and column, the same on every Node version", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    try {
      const path = join(dir, "platform.json");
      writeFileSync(path, '{\n  "prefix": "ml",\n  "region": "eu-west-1",\n}\n');
      expect(problemsOf(path)).toEqual([
        "not valid JSON: Expected double-quoted property name (line 4, column 1)",
      ]);
      writeFileSync(path, '{ "prefix": ');
      expect(problemsOf(path)).toEqual(["not valid JSON: Unexpected end of JSON input"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a missing file is named", () => {
    expect(() => readConfigFile("/nonexistent/platform.yaml")).toThrow(
      /cannot read "\/nonexistent\/platform.yaml"/,
    );
  });

  test("the error message lists one line per problem", () => {
    const input = exampleInput() as any;
    input.accounts.dev.accountId = "abc";
    input.region = "mars-1";
    input.accounts.prod.vpc.cidrr = "10.0.0.0/16";
    let error: PlatformConfigError | undefined;
    try {
      parsePlatformConfig(input, "my-config.yaml");
    } catch (e) {
      error = e as PlatformConfigError;
    }
    expect(error).toBeInstanceOf(PlatformConfigError);
    expect(error!.problems).toHaveLength(3);
    expect(error!.message.split("\n")).toEqual([
      "my-config.yaml: invalid platform config",
      ...error!.problems.map((p) => `  ${p}`),
    ]);
  });
});
