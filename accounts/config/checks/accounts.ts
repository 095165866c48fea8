import {
  AccountNames,
  IAM_ROLE_NAME_MAX,
  bucketNameProblem,
  matchesNamePattern,
  namingInput,
  ownedNames,
  targetRoleNamePattern,
} from "../../naming";
import type { ConfigIssues, PlatformConfig } from "../schema/platform";

/**
 * Deployment targets one data science account serves. Its model registry policy (SageMaker
 * allows 20,480 characters) grows by an account principal per target and is the first of its
 * policies to fill: about 14.0 KB at 200 targets, 17 KB at 250 (a test synthesizes the limit).
 */
export const MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT = 250;

export function checkAccounts(config: PlatformConfig, ctx: ConfigIssues): void {
  const names = Object.keys(config.accounts);
  if (names.length === 0) {
    ctx.addIssue({ code: "custom", path: ["accounts"], message: "must list at least one account" });
    return;
  }
  const dataScience = names.filter((n) => config.accounts[n].type === "data-science");
  if (dataScience.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: `must have exactly one account of type "data-science"; found ${dataScience.length}${
        dataScience.length ? ` (${dataScience.join(", ")})` : ""
      }`,
    });
  }
  for (const ds of dataScience) {
    const targets = names.filter(
      (n) =>
        config.accounts[n].type === "deployment-target" &&
        (config.accounts[n] as { dataScienceAccount: string }).dataScienceAccount === ds,
    ).length;
    if (targets > MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", ds],
        message: `has ${targets} deployment targets; at most ${MAX_TARGETS_PER_DATA_SCIENCE_ACCOUNT} fit its model registry and model bucket policies (20 KB each, growing by an account id per target); split the targets over more data science accounts`,
      });
    }
  }
  for (const name of names) {
    const account = config.accounts[name];
    if (account.type !== "deployment-target") continue;
    const target = config.accounts[account.dataScienceAccount];
    if (target?.type !== "data-science") {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", name, "dataScienceAccount"],
        input: account.dataScienceAccount,
        message: `must name the data science account${dataScience.length ? ` (${dataScience.join(", ")})` : ""}`,
      });
    }
    // Every repository of a listed account is pullable: never one of the platform's own, where
    // anyone who may push an image would choose what the models run.
    account.deployment.prebuiltImageAccounts.forEach((id, i) => {
      const owner = names.find((n) => config.accounts[n].accountId === id);
      if (owner === undefined) return;
      ctx.addIssue({
        code: "custom",
        path: ["accounts", name, "deployment", "prebuiltImageAccounts", i],
        input: id,
        message: `is the AWS account of accounts.${owner}, not an AWS-owned image registry: name its repositories in ecrRepositories instead`,
      });
    });
  }
}

interface PlatformRole {
  readonly owner: string;
  readonly accountId: string;
  readonly role: string;
  /** A dedicated Studio user role (`<stem>-user-<profile>`), or any other platform role. */
  readonly user: boolean;
}

/** Every IAM role name the platform creates, with its config account and AWS account id. */
function platformRoles(config: PlatformConfig): PlatformRole[] {
  const roles: PlatformRole[] = [];
  for (const [owner, account] of Object.entries(config.accounts)) {
    if (!/^\d{12}$/.test(account.accountId)) continue;
    const names = new AccountNames(namingInput(config, owner));
    const add = (role: string, user: boolean) =>
      roles.push({ owner, accountId: account.accountId, role, user });
    for (const owned of ownedNames(names)) if (owned.kind === "IAM role") add(owned.name, false);
    for (const domain of account.type === "data-science"
      ? (account.sagemaker?.domains ?? [])
      : []) {
      for (const profile of domain.userProfiles) {
        if (profile.dedicatedExecutionRole) add(names.userExecutionRoleName(profile.name), true);
      }
    }
  }
  return roles;
}

/**
 * Policies name some roles by a pattern of their names instead of one ARN each (docs/architecture.md,
 * "Model delivery across accounts"): a data science account's Studio user roles
 * (`<prefix>-<account>-user-*`) and the targets' model roles (`<prefix>-*-model-execution`,
 * `<prefix>-*-model-deployment`, in the targets' AWS accounts). No other role the platform
 * creates in the same AWS account may match one, or it would get those roles' access.
 */
function checkRolePatterns(config: PlatformConfig, ctx: ConfigIssues): void {
  const roles = platformRoles(config);
  // One line per account and pattern, naming the first offending role and how many more.
  const offenders = new Map<
    string,
    { owner: string; accountId: string; shown: string; what: string; by: string; roles: string[] }
  >();
  for (const [owner, account] of Object.entries(config.accounts)) {
    const names = new AccountNames(namingInput(config, owner));
    // The patterns come from the functions the policies use, so the two cannot drift apart.
    const patterns: { shown: string; what: string; meant: (r: PlatformRole) => boolean }[] =
      account.type === "data-science"
        ? [
            {
              shown: names.userExecutionRoleNamePattern,
              what: "Studio user",
              meant: (r) => r.user && r.owner === owner,
            },
          ]
        : (["model-execution", "model-deployment"] as const).map((kind) => ({
            shown: targetRoleNamePattern(config.prefix, kind),
            what: "model",
            meant: (r: PlatformRole) =>
              !r.user &&
              config.accounts[r.owner].type === "deployment-target" &&
              r.role === new AccountNames(namingInput(config, r.owner)).targetRoleName(kind),
          }));
    for (const pattern of patterns) {
      for (const r of roles) {
        if (r.accountId !== account.accountId || pattern.meant(r)) continue;
        if (!matchesNamePattern(pattern.shown, r.role)) continue;
        const key = `${r.owner} ${pattern.shown}`;
        const entry = offenders.get(key) ?? {
          owner: r.owner,
          accountId: r.accountId,
          shown: pattern.shown,
          what: pattern.what,
          by: owner,
          roles: [],
        };
        if (!entry.roles.includes(r.role)) entry.roles.push(r.role);
        offenders.set(key, entry);
      }
    }
  }
  for (const o of offenders.values()) {
    const more = o.roles.length > 1 ? ` and ${o.roles.length - 1} more of its roles` : "";
    ctx.addIssue({
      code: "custom",
      path: ["accounts", o.owner],
      message: `would create IAM role ${o.roles[0]}${more} in account ${o.accountId}, matching ${o.shown}, the pattern policies use to name accounts.${o.by}'s ${o.what} roles; rename the account or the Studio user profile`,
    });
  }
}

export function checkNames(config: PlatformConfig, ctx: ConfigIssues): void {
  checkRolePatterns(config, ctx);
  // Every IAM role name, per-user ones included, once per AWS account, whatever its letter case.
  const roleOwners = new Map<string, PlatformRole>();
  for (const r of platformRoles(config)) {
    const key = `${r.accountId} ${r.role.toLowerCase()}`;
    const first = roleOwners.get(key);
    if (first === undefined) {
      roleOwners.set(key, r);
    } else if (r.user || first.user) {
      // Two platform roles (not per-user ones) that collide are reported below, by kind.
      ctx.addIssue({
        code: "custom",
        path: ["accounts", r.owner],
        message: `would create IAM role ${r.role} in account ${r.accountId}, which accounts.${first.owner} also creates as ${first.role} (IAM role names are unique regardless of case); rename a Studio user profile`,
      });
    }
  }
  // Names that must be unique within one AWS account (IAM roles, KMS aliases, tables) or
  // globally (buckets). Grouping by account id catches two config accounts that share an id.
  const seen = new Map<string, string>();
  for (const name of Object.keys(config.accounts)) {
    const account = config.accounts[name];
    if (!/^\d{12}$/.test(account.accountId)) continue;
    const names = new AccountNames(namingInput(config, name));
    for (const bucket of names.allBucketNames()) {
      const problem = bucketNameProblem(bucket);
      if (problem) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `gives the bucket name "${bucket}", which ${problem}; shorten prefix or the account name`,
        });
      }
    }
    for (const owned of ownedNames(names)) {
      // IAM role names are unique regardless of letter case.
      const name = owned.kind === "IAM role" ? owned.name.toLowerCase() : owned.name;
      const key = owned.global
        ? `${owned.kind} ${name}`
        : `${account.accountId} ${owned.kind} ${name}`;
      const owner = seen.get(key);
      if (owner !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `would create ${owned.kind} ${owned.name}, which accounts.${owner} also creates in account ${account.accountId}`,
        });
      }
      seen.set(key, name);
      if (owned.kind === "IAM role" && owned.name.length > IAM_ROLE_NAME_MAX) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name],
          message: `gives the IAM role name "${owned.name}", longer than ${IAM_ROLE_NAME_MAX} characters; shorten prefix or the account name`,
        });
      }
    }
    const roleName = account.deployRoleName ?? config.deployRoleName;
    if (roleName.length > IAM_ROLE_NAME_MAX) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", name, "deployRoleName"],
        input: roleName,
        message: `must be at most ${IAM_ROLE_NAME_MAX} characters`,
      });
    }
  }
}
