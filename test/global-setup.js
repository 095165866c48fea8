/**
 * One folder for every cdktf App the tests create (cdktf makes its outdir when an App is built,
 * and Testing.app would make a new cdktf.outdir.* in the temp dir each time, never removed).
 * Workers inherit TEST_OUTDIR; test/global-teardown.js removes the folder.
 */
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async () => {
  process.env.TEST_OUTDIR = mkdtempSync(join(tmpdir(), "mlops-tests-"));
};
