/** Removes the folder test/global-setup.js made for the tests' cdktf Apps. */
const { rmSync } = require("node:fs");

module.exports = async () => {
  if (process.env.TEST_OUTDIR) rmSync(process.env.TEST_OUTDIR, { recursive: true, force: true });
};
