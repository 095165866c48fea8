import { personasOf } from "../../../modules/iam/personas";
import { z } from "zod";
import {
  AccountNames,
  DEDICATED_ROLE_USERS_MAX,
  IAM_ROLE_NAME_MAX,
  namingInput,
} from "../../naming";
import type { ConfigIssues, PlatformConfig } from "../schema/platform";
import type { identitySchema } from "../schema/sagemaker";

/** The approve duty must name other principals than every persona of the build duty. */
function checkSeparateApprovers(
  identity: z.output<typeof identitySchema>,
  path: (string | number)[],
  ctx: ConfigIssues,
): void {
  if (identity.kind === "iam-identity-center") {
    const sets = identity.permissionSets;
    for (const builder of personasOf("build")) {
      if (sets.modelApprover === sets[builder]) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "permissionSets", "modelApprover"],
          input: sets.modelApprover,
          message: `is also the ${builder} permission set; the approver must be a separate duty from those who build models`,
        });
      }
    }
  } else if (identity.kind === "roles") {
    identity.modelApprover.forEach((role, i) => {
      for (const builder of personasOf("build")) {
        if (identity[builder].includes(role)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "modelApprover", i],
            input: role,
            message: `is also listed under ${builder}; the approver must be a separate duty from those who build models`,
          });
        }
      }
    });
  }
}

export function checkStudio(config: PlatformConfig, ctx: ConfigIssues): void {
  checkDedicatedRoleCount(config, ctx);
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    checkSeparateApprovers(
      account.sagemaker.identity,
      ["accounts", name, "sagemaker", "identity"],
      ctx,
    );
    const names = new AccountNames(namingInput(config, name));
    account.sagemaker.domains.forEach((domain, d) => {
      const seen = new Set<string>();
      domain.userProfiles.forEach((profile, i) => {
        const path = ["accounts", name, "sagemaker", "domains", d, "userProfiles", i];
        if (seen.has(profile.name)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "name"],
            input: profile.name,
            message: "is listed twice",
          });
        }
        seen.add(profile.name);
        if (domain.authMode === "SSO" && profile.ssoUserName === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "ssoUserName"],
            message: "is required with authMode SSO",
          });
        }
        if (domain.authMode === "IAM" && profile.ssoUserName !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "ssoUserName"],
            message: "cannot be used with authMode IAM",
          });
        }
        const role = names.userExecutionRoleName(profile.name);
        if (profile.dedicatedExecutionRole && role.length > IAM_ROLE_NAME_MAX) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "name"],
            input: profile.name,
            message: `gives the execution role name "${role}", longer than ${IAM_ROLE_NAME_MAX} characters`,
          });
        }
      });
    });
    const groups = account.sagemaker.modelPackageGroups;
    groups.forEach((group, i) => {
      if (groups.indexOf(group) !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", name, "sagemaker", "modelPackageGroups", i],
          input: group,
          message: "is listed twice",
        });
      }
    });
  }
}

/** Users with a dedicated execution role, per AWS account id, within IAM's default quotas. */
function checkDedicatedRoleCount(config: PlatformConfig, ctx: ConfigIssues): void {
  const byAccountId = new Map<string, { count: number; first: string }>();
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const count = account.sagemaker.domains
      .flatMap((d) => d.userProfiles)
      .filter((p) => p.dedicatedExecutionRole).length;
    const entry = byAccountId.get(account.accountId) ?? { count: 0, first: name };
    entry.count += count;
    byAccountId.set(account.accountId, entry);
  }
  for (const [accountId, { count, first }] of byAccountId) {
    if (count <= DEDICATED_ROLE_USERS_MAX) continue;
    ctx.addIssue({
      code: "custom",
      path: ["accounts", first, "sagemaker", "domains"],
      message: `give ${count} Studio users of AWS account ${accountId} a dedicated execution role, more than ${DEDICATED_ROLE_USERS_MAX}: each adds a role and 4 customer-managed policies, and IAM allows 1,500 such policies per account by default (the apply would fail part-way). Let the others share their persona's role (dedicatedExecutionRole: false), or raise the IAM quotas and split the users over accounts`,
    });
  }
}
