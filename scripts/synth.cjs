/**
 * Runs the bundled synthesis app (dist/bundle/main.js, made by scripts/bundle.mjs) with V8's
 * code cache: the first run stores the compiled code beside the bundle (main.js.cache), later
 * runs skip parsing and compiling most of the 5 MB bundle, about a third of a run. V8 rejects a
 * cache that does not match the bundle's text or this Node version, and then a fresh one is
 * written. The cache lives in dist/, next to the code it was made from, never in a shared
 * temporary folder another user could write to. If it cannot be written (a read-only checkout)
 * the app still runs, uncached.
 *
 *   node scripts/synth.cjs        (what `npm run synth` and cdktf.json's app run)
 *
 * Set NODE_OPTIONS=--enable-source-maps to see TypeScript positions in a stack trace.
 */
"use strict";
const { readFileSync, renameSync, writeFileSync, rmSync } = require("node:fs");
const { dirname, join } = require("node:path");
const Module = require("node:module");
const vm = require("node:vm");

const bundle = join(__dirname, "..", "dist", "bundle", "main.js");
const cacheFile = `${bundle}.cache`;

let source;
try {
  source = readFileSync(bundle, "utf8");
} catch {
  process.stderr.write(
    `${bundle} is missing: run node scripts/bundle.mjs first (npm run synth does)\n`,
  );
  process.exit(1);
}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}

const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const mod = new Module(bundle, module);
mod.filename = bundle;
mod.paths = Module._nodeModulePaths(dirname(bundle));
const localRequire = (id) => mod.require(id);
localRequire.resolve = (request) => Module._resolveFilename(request, mod);

if (cachedData === undefined || script.cachedDataRejected) {
  // Made at exit, so the cache holds the functions this run compiled, not only the top level.
  process.once("exit", () => {
    const temporary = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {
      rmSync(temporary, { force: true });
    }
  });
}
script.runInThisContext()(mod.exports, localRequire, mod, bundle, dirname(bundle));
