import { parse } from "yaml";
import type { PlatformConfig } from "../../accounts/config/schema/platform";

/** The apply workflow, relative to the repository root. */
export const APPLY_WORKFLOW = ".github/workflows/apply.yml";

/**
 * Whether the apply workflow runs for the branch the apply roles trust (`ci.github.branch`): a
 * workflow on another branch would never apply anything, silently. One line per problem.
 */
export function applyWorkflowProblems(config: PlatformConfig, applyYaml: string): string[] {
  const branch = config.ci?.github?.branch;
  if (branch === undefined) return [];
  const workflow = parse(applyYaml) as { on?: { push?: { branches?: unknown } } } | null;
  const branches = workflow?.on?.push?.branches;
  const listed = Array.isArray(branches) ? branches.map(String) : [];
  if (listed.length === 1 && listed[0] === branch) return [];
  return [
    `${APPLY_WORKFLOW}: on.push.branches is ${JSON.stringify(listed)}, but ci.github.branch is ${JSON.stringify(branch)} (the only branch the apply roles trust): set on.push.branches: [${branch}]`,
  ];
}
