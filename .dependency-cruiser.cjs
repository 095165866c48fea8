/**
 * The structure of the tree, checked by `npm run lint` (dependency-cruiser): imports run one way,
 * from the entry points down to the constructs, and no import circle exists (type-only imports
 * count). The layers, top to bottom:
 *
 *   main.ts, scripts/   entry points
 *   ci/                 CI logic (may use review/ for plan summaries)
 *   review/             what reviews a change
 *   synthesis/          the app's run and what it writes beside the stacks
 *   accounts/           config, naming, features, stacks: the platform
 *   modules/            reusable constructs: know nothing of the platform
 */
const layer = (name, below) => ({
  name: `${name}-imports-only-below`,
  comment: `${name}/ may import only from ${below.join(", ")} (the layers below it)`,
  severity: "error",
  from: { path: `^${name}/` },
  to: {
    path: "^(main\\.ts|scripts|ci|review|synthesis|accounts|modules)(/|$)",
    pathNot: `^(${[name, ...below].join("|")})/`,
  },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "an import circle makes a change in one file a change in all of them",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    layer("modules", []),
    layer("accounts", ["modules"]),
    layer("synthesis", ["accounts", "modules"]),
    layer("review", ["synthesis", "accounts", "modules"]),
    layer("ci", ["review", "synthesis", "accounts", "modules"]),
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: they tie files together as much as value imports do.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|test|flavours|cdktf\\.out)/" },
  },
};
