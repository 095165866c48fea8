/**
 * Tests run through ts-jest in transpile-only mode (isolatedModules is set in
 * tsconfig.json): type checking is its own step (`npm run typecheck`), which keeps
 * each test file from type-checking the AWS provider's declarations again.
 *
 * `npm test` runs jest under `node --expose-gc` with --logHeapUsage: jest then collects garbage
 * after each test file, so a worker's memory is what one file needs (about 250-550 MB), not what
 * every file it ran left behind (it grew to 1 GB). Two workers, one per core of a CI machine.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  globalSetup: "<rootDir>/test/global-setup.js",
  globalTeardown: "<rootDir>/test/global-teardown.js",
  testTimeout: 60000,
  maxWorkers: 2,
  // A safety net beside the collection above: a worker still over this after a file is replaced.
  workerIdleMemoryLimit: "700MB",
};
