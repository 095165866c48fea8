import { z } from "zod";
import { intBetween, strictObject } from "../zod";

export const stateSchema = strictObject({
  /**
   * How Terraform locks the state. `lockfile` (default) uses S3 native locking and needs
   * Terraform 1.10 or newer; `dynamodb` adds a lock table for teams on Terraform 1.6 to 1.9.
   */
  locking: z
    .enum(["lockfile", "dynamodb"], { error: 'must be "lockfile" or "dynamodb"' })
    .default("lockfile"),
  /**
   * Where the bootstrap stacks keep their own state. `local` (default) for the first apply, when
   * the state bucket does not exist yet; switch to `s3` and run `terraform init -migrate-state`
   * to move it into the bucket it created.
   */
  bootstrapBackend: z.enum(["local", "s3"], { error: 'must be "local" or "s3"' }).default("local"),
  /** Days a superseded state version is kept before it expires. */
  noncurrentVersionExpirationDays: intBetween(1, 3650).default(90),
  /** Superseded state versions kept regardless of age. */
  noncurrentVersionsRetained: intBetween(1, 100).default(10),
});
