import type { CiAccount } from "../stacks";

/** GitHub Actions runs at most 256 jobs from one matrix. */
export const MATRIX_MAX_JOBS = 256;
/** The plan and apply workflows each have this many matrix jobs (shard-0 ... shard-3). */
export const CI_SHARDS = 4;

/**
 * The GitHub Actions matrices of the plan and apply workflows: `CI_SHARDS` matrices of at most
 * `MATRIX_MAX_JOBS` accounts each, filled in config order (so a small platform uses shard-0
 * only and the other jobs are skipped). Throws, naming the limit, for more accounts than fit.
 */
export function ciMatrices(accounts: CiAccount[]): { include: CiAccount[] }[] {
  if (accounts.length > CI_SHARDS * MATRIX_MAX_JOBS) {
    throw new Error(
      `${accounts.length} accounts with CI: the workflows run at most ${CI_SHARDS} matrices of ${MATRIX_MAX_JOBS} jobs (${CI_SHARDS * MATRIX_MAX_JOBS} accounts); add shard jobs to .github/workflows/plan.yml and apply.yml and raise CI_SHARDS`,
    );
  }
  return Array.from({ length: CI_SHARDS }, (_, i) => ({
    include: accounts.slice(i * MATRIX_MAX_JOBS, (i + 1) * MATRIX_MAX_JOBS),
  }));
}
