import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      "coverage/",
      "*.config.js",
      // CommonJS re-exports of cdktn under the name cdktf (the CDK Terrain flavour).
      "flavours/cdktn/shims/",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // The package root loads all ~2,200 provider modules (seconds and hundreds of MB per
      // process). Import each class from its own file instead.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message:
                "Import from the resource's own file, e.g. '@cdktf/provider-aws/lib/s3-bucket'.",
            },
          ],
          patterns: [
            {
              regex: "^@cdktf/provider-aws/lib/?$",
              message:
                "Import from the resource's own file, e.g. '@cdktf/provider-aws/lib/s3-bucket'.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // A function a reader can hold in their head: split a longer one into named steps.
    // (Tests are exempt: a describe block's callback holds its tests.)
    files: ["**/*.ts"],
    ignores: ["test/**", "flavours/**"],
    rules: {
      "max-lines-per-function": [
        "error",
        { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    // Plain CommonJS on purpose: the synthesis launcher runs before anything is built, jest loads its global setup as is.
    files: ["scripts/synth.cjs", "test/global-setup.js", "test/global-teardown.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "readonly",
        process: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Tests, the rule pack and the cost estimate read synthesized Terraform JSON, plans and AWS's
    // price list files, which have no static type.
    files: [
      "test/**/*.ts",
      "modules/rules/**/*.ts",
      "synthesis/cost-estimate.ts",
      "synthesis/price-list.ts",
      "review/plan-cost.ts",
      "scripts/refresh-prices.ts",
    ],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
