import { diffStacks, type StackDiff } from "../review/synth-diff";
import type { StackJson } from "../modules/core/terraform-json";
import { INTENDED_DATA_LOSS } from "./runs";

/**
 * Which stacks a pull request plans: the stacks whose synthesized output differs from the base's
 * (the whole stack, as `npm run review` compares it: resources, providers with their default
 * tags, backend, outputs, moved blocks), plus the stacks that name a changed stack's roles,
 * buckets, aliases or repositories by ARN (a target whose trust names a changed dev role: its
 * plan shows whether the trust still resolves), plus the stacks whose lines of
 * intended-data-loss.txt changed. A change to anything that can change a plan other than the
 * platform config (the code, the packages and so the provider version, the workflows, the CI
 * scripts) plans every stack, as does a base that does not synthesize.
 *
 * The selection is a pure function of the two syntheses and the changed files, so it is tested
 * over fixtures; `ci.js scope` gathers those from git and writes the result for the plan
 * workflow's matrices, the pull request comment and, after the merge, the apply workflow, which
 * applies exactly this set.
 */

export const PLAN_SCOPE_FILE = "plan-scope.json";
export const PLAN_SCOPE_FORMAT = 1;

/** Files that cannot change a plan: docs, tests, this repository's own CI checks. */
const NO_PLAN_EFFECT: readonly RegExp[] = [
  /^docs\//,
  /\.md$/,
  /^test\//,
  /^\.ci\//,
  /^LICENSE$/,
  /^\.(prettierrc\.json|prettierignore|gitignore)$/,
  /^\.github\/(ISSUE_TEMPLATE|PULL_REQUEST_TEMPLATE)/,
];

export interface ScopedStack {
  readonly stack: string;
  /** One line: why it is planned, or why not. */
  readonly because: string;
}

export interface PlanScope {
  readonly format: typeof PLAN_SCOPE_FORMAT;
  /** The commits compared, when known (the pull request's base and merge commits). */
  readonly base?: string;
  readonly head?: string;
  /** Every stack CI plans is planned. */
  readonly all: boolean;
  /** In the order CI plans them (an account's bootstrap stack first). */
  readonly planned: readonly ScopedStack[];
  readonly skipped: readonly ScopedStack[];
  /** Changed stacks that CI does not plan (a bootstrap stack with local state). */
  readonly notInCi: readonly ScopedStack[];
  /** Stacks of the base that the head no longer has: nothing plans or destroys them. */
  readonly removed: readonly string[];
}

export interface ScopeInput {
  /** The base's synthesis, or why there is none (then every stack is planned). */
  readonly base: Record<string, StackJson> | { readonly failed: string };
  readonly head: Record<string, StackJson>;
  /** Repository paths changed between base and head (`git diff --name-only`). */
  readonly changedFiles: readonly string[];
  /** Repository paths of the platform config (its changes show in the synthesis). */
  readonly configFiles: readonly string[];
  /** The stacks CI plans, in its order (`ciStacks`). */
  readonly ciStacks: readonly string[];
  /** Stacks named by lines of intended-data-loss.txt that the change added or removed. */
  readonly declaredStacks?: readonly string[];
  readonly baseRef?: string;
  readonly headRef?: string;
}

/** Changed files that can change a plan and are not the platform config or the declarations. */
export function sharedChanges(
  changedFiles: readonly string[],
  configFiles: readonly string[],
): string[] {
  return changedFiles.filter(
    (file) =>
      !configFiles.includes(file) &&
      file !== INTENDED_DATA_LOSS &&
      !NO_PLAN_EFFECT.some((pattern) => pattern.test(file)),
  );
}

/** The kinds of resource other stacks name by ARN: the service, the ARN's resource type, the name. */
const NAMED_KINDS: Record<string, { service: string; type: string; name: string }> = {
  aws_iam_role: { service: "iam", type: "role", name: "name" },
  aws_iam_policy: { service: "iam", type: "policy", name: "name" },
  aws_s3_bucket: { service: "s3", type: "", name: "bucket" },
  aws_kms_alias: { service: "kms", type: "alias", name: "name" },
  aws_ecr_repository: { service: "ecr", type: "repository", name: "name" },
  aws_sagemaker_model_package_group: {
    service: "sagemaker",
    type: "model-package-group",
    name: "model_package_group_name",
  },
  aws_codeartifact_domain: { service: "codeartifact", type: "domain", name: "domain" },
};

interface NamedResource {
  readonly address: string;
  readonly service: string;
  readonly type: string;
  readonly name: string;
}

type Json = Record<string, unknown>;

/** The account a stack deploys to: its AWS provider's allowed account. */
function accountOf(stack: StackJson | undefined): string | undefined {
  const providers = (stack as { provider?: { aws?: Json[] } } | undefined)?.provider?.aws ?? [];
  const ids = providers.flatMap((p) => (p.allowed_account_ids as string[] | undefined) ?? []);
  return ids[0];
}

/** The named resources among a stack's changed addresses. */
function namedResources(stack: StackJson | undefined, addresses: string[]): NamedResource[] {
  const resources = (stack?.resource ?? {}) as Record<string, Record<string, Json>>;
  return addresses.flatMap((address) => {
    const [type, name] = address.split(".");
    const kind = NAMED_KINDS[type];
    const value = kind && resources[type]?.[name]?.[kind.name];
    if (typeof value !== "string" || value.includes("${")) return [];
    const bare = kind.type === "alias" ? value.replace(/^alias\//, "") : value;
    return [{ address, service: kind.service, type: kind.type, name: bare }];
  });
}

interface ArnReference {
  readonly arn: string;
  readonly service: string;
  readonly account: string;
  readonly type: string;
  readonly name: string;
}

const ARN = /arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:(\d{12})?:([^"\\\s,]+)/g;

/** Every ARN a stack names, with the resource type and the name part (a pattern, maybe). */
function arnReferences(stack: StackJson): ArnReference[] {
  const text = JSON.stringify(stack);
  const refs: ArnReference[] = [];
  for (const [arn, service, account = "", resource] of text.matchAll(ARN)) {
    if (service === "s3") {
      refs.push({ arn, service, account, type: "", name: resource.split("/")[0] });
      continue;
    }
    const slash = resource.indexOf("/");
    if (slash < 0) continue;
    const type = resource.slice(0, slash);
    const rest = resource.slice(slash + 1);
    // IAM paths: role/path/name; the others: type/name[/...].
    const name = service === "iam" ? rest.split("/").pop()! : rest.split("/")[0];
    refs.push({ arn, service, account, type, name });
  }
  return refs;
}

/** Whether an ARN's name part (with `*`, `?` and Terraform references as wildcards) admits a name. */
function nameMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .split(/(\$\{[^}]*\}|\*|\?)/)
    .map((part) => {
      if (part === "*" || part.startsWith("${")) return ".*";
      if (part === "?") return ".";
      return part.replace(/[.+^$()|[\]\\{}]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${regex}$`).test(name);
}

/** Stacks (other than `changed`) that name one of its changed resources by ARN, with the first such ARN. */
function dependents(
  changed: StackDiff,
  base: Record<string, StackJson>,
  head: Record<string, StackJson>,
  references: Map<string, ArnReference[]>,
): Map<string, string> {
  const addresses = [...changed.added, ...changed.removed, ...changed.changed];
  const named = [
    ...namedResources(head[changed.stack], addresses),
    ...namedResources(base[changed.stack], changed.removed),
  ];
  const account = accountOf(head[changed.stack] ?? base[changed.stack]);
  const found = new Map<string, string>();
  if (named.length === 0) return found;
  for (const [stack, refs] of references) {
    if (stack === changed.stack) continue;
    for (const ref of refs) {
      const resource = named.find(
        (n) =>
          n.service === ref.service &&
          n.type === ref.type &&
          (ref.service === "s3" || ref.account === account) &&
          nameMatches(ref.name, n.name),
      );
      if (resource !== undefined) {
        found.set(stack, `names ${changed.stack}'s changed ${resource.address} (${ref.arn})`);
        break;
      }
    }
  }
  return found;
}

function summary(diff: StackDiff): string {
  const parts = [
    diff.added.length > 0 ? `${diff.added.length} added` : "",
    diff.removed.length > 0 ? `${diff.removed.length} removed` : "",
    diff.changed.length > 0 ? `${diff.changed.length} changed` : "",
  ].filter(Boolean);
  const first = [...diff.added, ...diff.removed, ...diff.changed].slice(0, 3).join(", ");
  const more = diff.added.length + diff.removed.length + diff.changed.length > 3 ? ", ..." : "";
  return `synthesized output changed (${parts.join(", ")}: ${first}${more})`;
}

/** The stacks a change plans, and why each is planned or skipped. */
export function planScope(input: ScopeInput): PlanScope {
  const { head, ciStacks } = input;
  const refs = { base: input.baseRef, head: input.headRef };
  const removedOf = (base: Record<string, StackJson>) =>
    Object.keys(base)
      .filter((s) => !(s in head))
      .sort();
  const shared = sharedChanges(input.changedFiles, input.configFiles);
  const everything = (because: string, removed: string[]): PlanScope => ({
    format: PLAN_SCOPE_FORMAT,
    ...refs,
    all: true,
    planned: ciStacks.map((stack) => ({ stack, because })),
    skipped: [],
    notInCi: [],
    removed,
  });
  if ("failed" in input.base) {
    return everything(`the base did not synthesize: ${input.base.failed}`, []);
  }
  const base = input.base;
  if (shared.length > 0) {
    const listed = shared.slice(0, 5).join(", ") + (shared.length > 5 ? ", ..." : "");
    return everything(
      `shared files changed (${shared.length}: ${listed}): every stack is planned`,
      removedOf(base),
    );
  }
  const reasons = new Map<string, string>();
  const diffs = diffStacks(base, head);
  for (const diff of diffs) if (diff.stack in head) reasons.set(diff.stack, summary(diff));
  const references = new Map(Object.entries(head).map(([id, json]) => [id, arnReferences(json)]));
  for (const diff of diffs) {
    for (const [stack, because] of dependents(diff, base, head, references)) {
      if (!reasons.has(stack)) reasons.set(stack, because);
    }
  }
  for (const stack of input.declaredStacks ?? []) {
    if (!reasons.has(stack) && stack in head)
      reasons.set(stack, `its lines of ${INTENDED_DATA_LOSS} changed`);
  }
  const planned = ciStacks
    .filter((stack) => reasons.has(stack))
    .map((stack) => ({ stack, because: reasons.get(stack)! }));
  const skipped = ciStacks
    .filter((stack) => !reasons.has(stack))
    .map((stack) => ({
      stack,
      because: "synthesized output unchanged and names no changed stack",
    }));
  const notInCi = [...reasons.keys()]
    .filter((stack) => !ciStacks.includes(stack))
    .sort()
    .map((stack) => ({
      stack,
      because: `${reasons.get(stack)!}; CI does not plan it (local state): run cdktf deploy ${stack} by hand`,
    }));
  return {
    format: PLAN_SCOPE_FORMAT,
    ...refs,
    all: planned.length === ciStacks.length && ciStacks.length > 0,
    planned,
    skipped,
    notInCi,
    removed: removedOf(base),
  };
}

/** Stacks named by the lines that differ between two versions of intended-data-loss.txt. */
export function declarationChanges(before: string, after: string): string[] {
  const lines = (text: string) =>
    new Set(
      text
        .split("\n")
        .map((l) => l.replace(/#.*/, "").trim())
        .filter(Boolean),
    );
  const a = lines(before);
  const b = lines(after);
  const differing = [...a, ...b].filter((l) => !(a.has(l) && b.has(l)));
  return [...new Set(differing.map((l) => l.split(":")[0]))].sort();
}

/** Reads a plan scope file written by `ci.js scope`; throws naming the file and what is wrong. */
export function parsePlanScope(json: unknown, file: string): PlanScope {
  const scope = json as Partial<PlanScope> | null;
  const list = (value: unknown) =>
    Array.isArray(value) &&
    value.every(
      (s: Partial<ScopedStack>) => typeof s?.stack === "string" && typeof s.because === "string",
    );
  if (
    scope === null ||
    typeof scope !== "object" ||
    scope.format !== PLAN_SCOPE_FORMAT ||
    typeof scope.all !== "boolean" ||
    !list(scope.planned) ||
    !list(scope.skipped) ||
    !list(scope.notInCi) ||
    !Array.isArray(scope.removed)
  ) {
    throw new Error(
      `${file}: not a plan scope of format ${PLAN_SCOPE_FORMAT} (written by ci.js scope): re-run the pull request's plan`,
    );
  }
  return scope as PlanScope;
}

/**
 * The accounts' jobs restricted to a scope's planned stacks: an account with none planned has no
 * job, and an account keeps its stacks' order (bootstrap first).
 */
export function scopedAccounts<T extends { readonly stacks: string }>(
  accounts: readonly T[],
  scope: PlanScope,
): T[] {
  const planned = new Set(scope.planned.map((s) => s.stack));
  return accounts.flatMap((account) => {
    const stacks = account.stacks.split(" ").filter((s) => planned.has(s));
    return stacks.length === 0 ? [] : [{ ...account, stacks: stacks.join(" ") }];
  });
}

/**
 * Stacks a push changes that its pull request did not plan (the base moved under it, or the
 * scope is from another change): applying them would apply what nobody reviewed.
 */
export function unreviewedStacks(reviewed: PlanScope, now: PlanScope): string[] {
  if (reviewed.all) return [];
  const planned = new Set(reviewed.planned.map((s) => s.stack));
  return now.planned.map((s) => s.stack).filter((s) => !planned.has(s));
}
