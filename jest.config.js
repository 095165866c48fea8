/**
 * Tests run through ts-jest in transpile-only mode (isolatedModules is set in
 * tsconfig.json): type checking is its own step (`npm run typecheck`), which keeps
 * each test file from type-checking the AWS provider's declarations again.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60000,
};
