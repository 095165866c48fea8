/**
 * Mutation run over the security-relevant guards (`npm run mutation`): each mutation below breaks
 * one guard of the review path, the CI gates, the rule pack, the config loader or the access
 * review in one place, the way a careless change would; the runner applies it to the source, runs
 * the tests that should notice, and restores the file. A mutation the tests do not notice
 * "survives": the guard is untested. Prints each result and the score; exits 1 when any survives
 * (or a mutation no longer applies because the code moved: update its text).
 *
 *   npm run mutation [-- <id> ...]
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Mutation {
  readonly id: string;
  readonly file: string;
  /** Text that occurs exactly once in the file. */
  readonly from: string;
  readonly to: string;
  /** The test files that must notice. */
  readonly tests: readonly string[];
}

export const MUTATIONS: readonly Mutation[] = [
  {
    id: "reviewed plan: an action change goes unnoticed",
    file: "ci/reviewed-plan.ts",
    from: 'else if (r.actions.join(",") !== actions)',
    to: "else if (false)",
    tests: ["test/ci/reviewed-plan.test.ts"],
  },
  {
    id: "reviewed plan: a removed change goes unnoticed",
    file: "ci/reviewed-plan.ts",
    from: "if (!after.has(address))",
    to: "if (false)",
    tests: ["test/ci/reviewed-plan.test.ts"],
  },
  {
    id: "rule pack: PassRole matched case-sensitively",
    file: "modules/rules/iam/pass-role-scoped.ts",
    from: "/^iam:(PassRole|\\*)$/i",
    to: "/^iam:(PassRole|\\*)$/",
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "rule pack: PassRole on every role allowed",
    file: "modules/rules/iam/pass-role-scoped.ts",
    from: 'if (list(s.Resource).includes("*")) return',
    to: 'if (list(s.Resource).includes("**")) return',
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "rule pack: service trust exempts every service",
    file: "modules/rules/iam/service-trust-scoped.ts",
    from: "(svc) => !SERVICES_WITHOUT_SOURCE_KEYS.includes(svc)",
    to: "(svc) => SERVICES_WITHOUT_SOURCE_KEYS.includes(svc)",
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "rule pack: a 7-day key deletion window passes",
    file: "modules/rules/kms/deletion-window.ts",
    from: "days >= 30",
    to: "days >= 7",
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "config: an aws: tag key in capitals passes",
    file: "accounts/config/schema/tags.ts",
    from: '!k.toLowerCase().startsWith("aws:")',
    to: '!k.startsWith("aws:")',
    tests: [
      "test/accounts/config/bad-configs.test.ts",
      "test/accounts/config/config-rules.test.ts",
    ],
  },
  {
    id: "config: a reserved tag key in another case passes",
    file: "accounts/config/checks/tags.ts",
    from: "includes(key.toLowerCase())",
    to: "includes(key)",
    tests: [
      "test/accounts/config/bad-configs.test.ts",
      "test/accounts/config/config-rules.test.ts",
      "test/accounts/config/reference.test.ts",
    ],
  },
  {
    id: "config: another mode's MLflow settings ignored again",
    file: "accounts/config/checks/mlflow.ts",
    from: "    unusedModeSettings(account, path, ctx);\n",
    to: "",
    tests: ["test/accounts/features/mlflow-config.test.ts"],
  },
  {
    id: "IAM: an eleventh managed policy on a role passes",
    file: "modules/iam/iam-role.ts",
    from: "if (this.policies.size > MANAGED_POLICIES_PER_ROLE) {",
    to: "if (this.policies.size > MANAGED_POLICIES_PER_ROLE + 1) {",
    tests: ["test/modules/iam/iam-role.test.ts"],
  },
  {
    id: "IAM: a policy over the size limit passes",
    file: "modules/iam/iam-role.ts",
    from: "if (size > MANAGED_POLICY_MAX_CHARS) {",
    to: "if (size > MANAGED_POLICY_MAX_CHARS * 2) {",
    tests: ["test/modules/iam/iam-role.test.ts"],
  },
  {
    id: "IAM: a Terraform reference counted at its own length in a policy's size",
    file: "modules/iam/iam-policy.ts",
    from: 'rendered.replace(/\\$\\{[^}]*\\}/g, "x".repeat(100))',
    to: "rendered",
    tests: ["test/modules/iam/iam-role.test.ts"],
  },
  {
    id: "MLflow: a database kept one day of backups passes",
    file: "modules/mlflow/mlflow-server.ts",
    from: "if (backupDays < 7)",
    to: "if (backupDays < 1)",
    tests: ["test/modules/mlflow/mlflow-server.test.ts"],
  },
  {
    id: "config: the approver's permission set may be a builder's",
    file: "accounts/config/checks/sagemaker.ts",
    from: "if (sets.modelApprover === sets[builder]) {",
    to: "if (false) {",
    tests: [
      "test/accounts/features/studio-config.test.ts",
      "test/accounts/config/bad-configs.test.ts",
    ],
  },
  {
    id: "config: an approver role may also build",
    file: "accounts/config/checks/sagemaker.ts",
    from: "if (identity[builder].includes(role)) {",
    to: "if (false) {",
    tests: [
      "test/accounts/features/studio-config.test.ts",
      "test/accounts/config/bad-configs.test.ts",
    ],
  },
  {
    id: "diagram: the MFA condition not shown",
    file: "synthesis/account-diagram.ts",
    from: '${mfa ? " with MFA" : ""}',
    to: '${""}',
    tests: ["test/synthesis/account-diagram.test.ts"],
  },
  {
    id: "rule pack: a role's inline_policy blocks not read",
    file: "modules/rules/helpers.ts",
    from: "for (const inline of list(c.inline_policy)) texts.push((inline as { policy?: unknown }).policy);",
    to: "",
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "rule pack: inline role policies (aws_iam_role_policy) not read",
    file: "modules/rules/helpers.ts",
    from: '      "aws_iam_role_policy",\n      "aws_iam_user_policy",',
    to: '      "aws_iam_user_policy",',
    tests: ["test/modules/rules/pack.test.ts"],
  },
  {
    id: "plan scope: shared code no longer plans everything",
    file: "ci/plan-scope.ts",
    from: "if (shared.length > 0) {",
    to: "if (shared.length > 1e9) {",
    tests: ["test/ci/plan-scope.test.ts"],
  },
  {
    id: "plan scope: a stack naming a changed role is not planned",
    file: "ci/plan-scope.ts",
    from: '(ref.service === "s3" || ref.account === account) &&',
    to: "false &&",
    tests: ["test/ci/plan-scope.test.ts"],
  },
  {
    id: "apply: a push changing an unplanned stack is applied",
    file: "ci/plan-scope.ts",
    from: "return now.planned.map((s) => s.stack).filter((s) => !planned.has(s));",
    to: "return [];",
    tests: ["test/ci/plan-scope.test.ts"],
  },
  {
    id: "comments: anybody's comment taken for the bot's",
    file: "ci/github/api.ts",
    from: "(c) => c.user?.login === author && c.body?.startsWith(commentMarker(key)),",
    to: "(c) => c.body?.startsWith(commentMarker(key)),",
    tests: ["test/ci/github/api.test.ts"],
  },
  {
    id: "SARIF: suppressions dropped",
    file: "modules/rules/sarif.ts",
    from: "...(finding.suppressedBecause !== undefined",
    to: "...(false",
    tests: ["test/modules/rules/sarif.test.ts"],
  },
  {
    id: "access: an undeclared grant passes the gate",
    file: "review/access/diff.ts",
    from: '.filter((c) => c.change === "grant" && !declared.has(c.key))',
    to: '.filter((c) => c.change === "grant" && declared.has(c.key))',
    tests: ["test/review/access.test.ts"],
  },
  {
    id: "access: build may approve",
    file: "review/access/invariants.ts",
    from: 't.duty(c.principal) === "build" && ["approve", "tag-approved"].includes(t.kind(c.capability)),',
    to: "false,",
    tests: ["test/review/access.test.ts"],
  },
  {
    id: "access: the key of an S3 object not asked",
    file: "review/access/evaluate.ts",
    from: "if (!s3.allowed || capability.key === undefined) return s3;",
    to: "return s3;",
    tests: ["test/review/access.test.ts"],
  },
  {
    id: "alerts: only the deploy role's own changes alert",
    file: "modules/monitoring/security-events.ts",
    from: 'issuer({ "anything-but": [deployRoleArn] })',
    to: "issuer(deployRoleArn)",
    tests: [
      "test/modules/monitoring/security-events.test.ts",
      "test/accounts/features/monitoring.test.ts",
    ],
  },
  {
    id: "alerts: a refused job counts as started without guardrails",
    file: "modules/monitoring/security-events.ts",
    from: "    errorCode: ABSENT,\n    $or: kinds.flatMap",
    to: "    $or: kinds.flatMap",
    tests: ["test/modules/monitoring/security-events.test.ts"],
  },
  {
    id: "alerts: any account's EventBridge may publish to the topic",
    file: "modules/monitoring/alert-topic.ts",
    from: "Condition: serviceOfThisAccount(env, props.publisherRuleArns),",
    to: "Condition: {},",
    tests: ["test/modules/monitoring/alert-topic.test.ts"],
  },
  {
    id: "audit trail: object writes are not logged",
    file: "modules/monitoring/audit-trail.ts",
    from: '{ field: "resources.type", equalTo: ["AWS::S3::Object"] },',
    to: '{ field: "resources.type", equalTo: ["AWS::S3::Object"] },\n                  { field: "readOnly", equalTo: ["true"] },',
    tests: [
      "test/modules/monitoring/audit-trail.test.ts",
      "test/accounts/features/monitoring.test.ts",
    ],
  },
  {
    id: "response: the trigger may pass any role",
    file: "modules/monitoring/unguarded-job-response.ts",
    from: "      Resource: automationRoleArn,\n",
    to: '      Resource: "*",\n',
    tests: ["test/modules/monitoring/unguarded-job-response.test.ts"],
  },
  {
    id: "rule pack: a topic policy without a source condition passes",
    file: "modules/rules/monitoring/sns-publish-scoped.ts",
    from: "return wide && !scoped(s.Condition);",
    to: "return wide && scoped(s.Condition) && false;",
    tests: ["test/modules/rules/pack.test.ts"],
  },
];

const root = join(__dirname, "..", "..");

/** The file being mutated and its text, restored on an interrupt too. */
let pending: { path: string; original: string } | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (pending) writeFileSync(pending.path, pending.original);
    process.exit(130);
  });
}

function run(mutation: Mutation): "killed" | "survived" | "stale" {
  const path = join(root, mutation.file);
  const original = readFileSync(path, "utf8");
  if (original.split(mutation.from).length !== 2) return "stale";
  pending = { path, original };
  writeFileSync(path, original.replace(mutation.from, mutation.to));
  try {
    const jest = spawnSync(
      process.execPath,
      [join(root, "node_modules", "jest", "bin", "jest.js"), "--silent", ...mutation.tests],
      { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    return jest.status === 0 ? "survived" : "killed";
  } finally {
    writeFileSync(path, original);
    pending = undefined;
  }
}

function main(ids: string[]): number {
  const chosen =
    ids.length === 0 ? MUTATIONS : MUTATIONS.filter((m) => ids.some((i) => m.id.includes(i)));
  const results = chosen.map((m) => {
    const started = Date.now();
    const outcome = run(m);
    process.stdout.write(
      `${outcome.padEnd(8)} ${m.id} (${m.file}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    return outcome;
  });
  const killed = results.filter((r) => r === "killed").length;
  process.stdout.write(
    `\nmutation score: ${killed} of ${results.length} killed (${((100 * killed) / results.length).toFixed(0)} %)\n`,
  );
  return killed === results.length ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
