/**
 * The documentation's claims that code can check: links resolve, every npm script and every
 * source folder is described, samples are what the program prints, the rule table is the pack.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadPlatformConfig, PlatformConfigError } from "../accounts/config/loader";
import { synthesizePlatform } from "../synthesis/synthesize";
import { formatReport } from "../modules/rules/engine";
import { RULE_PACK } from "../modules/rules/pack";
import { exampleInput, parse, REPO_ROOT } from "./helpers";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
// The generated reference holds regular expressions, not links.
const pages = [
  "README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "config-reference.md")
    .map((f) => `docs/${f}`),
];

describe("documentation", () => {
  test.each(pages)("%s: every relative link resolves", (page) => {
    const links = [...read(page).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target));
    const missing = links.filter((target) => !existsSync(join(REPO_ROOT, dirname(page), target)));
    expect(missing).toEqual([]);
  });

  test("the README links every docs page", () => {
    const readme = read("README.md");
    const unlinked = pages
      .filter((p) => p.startsWith("docs/"))
      .filter((p) => !readme.includes(`](${p})`));
    expect(unlinked).toEqual([]);
  });

  test("every npm script is in the scripts table", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    const table = read("docs/development.md");
    const missing = scripts.filter(
      (s) => !table.includes(s === "test" ? "| `npm test`" : `| \`npm run ${s}\``),
    );
    expect(missing).toEqual([]);
  });

  test("the layout names every source folder and every script, synthesis and review file", () => {
    const layout = /```\nmain\.ts[\s\S]*?```/.exec(read("docs/development.md"))![0];
    const names = [
      ...readdirSync(join(REPO_ROOT, "modules")),
      ...readdirSync(join(REPO_ROOT, "accounts")).map((f) => f.replace(/\.ts$/, "")),
      ...readdirSync(join(REPO_ROOT, "accounts", "features")).map((f) => f.replace(/\.ts$/, "")),
      ...readdirSync(join(REPO_ROOT, "accounts", "config", "schema")).map((f) =>
        f.replace(/\.ts$/, ""),
      ),
      ...readdirSync(join(REPO_ROOT, "scripts")).map((f) => f.replace(/\.(ts)$/, "")),
      ...readdirSync(join(REPO_ROOT, "review")).map((f) =>
        f.replace(/\.ts$/, "").replace(/-/g, " "),
      ),
      ...readdirSync(join(REPO_ROOT, "synthesis")).map((f) => f.replace(/\.ts$/, "")),
    ];
    const missing = names.filter(
      (n) => !layout.includes(n) && !layout.replace(/-/g, " ").includes(n),
    );
    expect(missing).toEqual([]);
  });

  test("the bad-config sample is what synthesis prints", () => {
    const page = read("docs/deploying.md");
    let printed = "";
    try {
      // What main.ts writes to stderr for a bad config: the error's message.
      loadPlatformConfig({ PLATFORM_CONFIG: "test/fixtures/configs/bad/misspelled-key.yaml" });
    } catch (error) {
      printed = (error as PlatformConfigError).message;
    }
    expect(printed.split("\n")).toHaveLength(3);
    expect(page).toContain(printed);
  });

  test("the rule table is the rule pack, and the report sample is the example's", async () => {
    const page = read("docs/rule-pack.md");
    const listed = [...page.matchAll(/^\| `([A-Za-z0-9]+\.[A-Za-z0-9]+)` +\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(RULE_PACK.map((r) => r.id).sort());
    const out = mkdtempSync(join(tmpdir(), "docs-report-"));
    let report: string[];
    try {
      const { report: scan } = await synthesizePlatform(parse(exampleInput()), join(out, "o"));
      report = formatReport(scan).split("\n");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    for (const stack of ["dev", "dev-bootstrap"]) {
      const line = report.find((l) => l.startsWith(`${stack}: `))!;
      expect(page).toContain(`\n${line}\n`);
    }
  });
});
