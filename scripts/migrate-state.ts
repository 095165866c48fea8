/**
 * `npm run migrate-state -- <account>-bootstrap [<local state file>]`: moves a bootstrap stack's
 * local state into the account's state bucket, after `state.bootstrapBackend: s3` and `npm run
 * synth`, and verifies it got there before moving the local file aside (ci/state-migration.ts).
 * Run it with credentials that may assume the account's deploy role (the backend assumes it).
 * The local state file defaults to where the bootstrap stack's local backend kept it:
 * `terraform.<stack>.tfstate` at the repository root.
 */
import { join } from "node:path";
import { migrateState } from "../ci/state-migration";

function main([stack, file]: string[]): number {
  if (stack === undefined || !/^[a-z0-9-]+-bootstrap$/.test(stack)) {
    process.stderr.write(
      "usage: npm run migrate-state -- <account>-bootstrap [<local state file>]\n",
    );
    return 2;
  }
  const dir = join(process.env.CDKTF_OUTDIR || "cdktf.out", "stacks", stack);
  const result = migrateState(dir, stack, file ?? `terraform.${stack}.tfstate`);
  for (const line of result.lines) (result.ok ? process.stdout : process.stderr).write(`${line}\n`);
  return result.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`migrate-state: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
