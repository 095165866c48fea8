import { z } from "zod";
import { intBetween, strictObject } from "../zod";

/** HCP Terraform (or Terraform Enterprise): state in one workspace per stack. */
export const hcpTerraformSchema = strictObject({
  organization: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, {
      error:
        "must be 1 to 40 letters, digits, hyphens or underscores (an HCP Terraform organization name)",
    })
    .describe("The organization that owns the workspaces."),
  hostname: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
      error: "must be a DNS host name such as app.terraform.io",
    })
    .default("app.terraform.io")
    .describe("`app.terraform.io` for HCP Terraform; your Terraform Enterprise host otherwise."),
  project: z
    .string()
    .regex(/^[A-Za-z0-9 _-]{3,40}$/, {
      error:
        "must be 3 to 40 letters, digits, spaces, hyphens or underscores (an HCP Terraform project name)",
    })
    .optional()
    .describe(
      "The HCP Terraform project the workspaces belong to. Default: the organization's default project",
    ),
});

export const stateSchema = strictObject({
  hcpTerraform: hcpTerraformSchema
    .optional()
    .describe(
      "Keep every stack's state in HCP Terraform / Terraform Enterprise instead of the account's S3 bucket: a `cloud` block per stack, workspace `<prefix>-<stack>`. Bootstrap stacks then have remote state from their first apply (`bootstrapBackend` is not used). Default: the S3 state bucket of each account",
    ),
  locking: z
    .enum(["lockfile", "dynamodb"], { error: 'must be "lockfile" or "dynamodb"' })
    .default("lockfile")
    .describe(
      "How Terraform locks the state. `lockfile` (default) uses S3 native locking and needs Terraform 1.10 or newer; `dynamodb` adds a lock table for teams on Terraform 1.6 to 1.9.",
    ),
  bootstrapBackend: z
    .enum(["local", "s3"], { error: 'must be "local" or "s3"' })
    .default("local")
    .describe(
      "Where the bootstrap stacks keep their own state. `local` (default) for the first apply, when the state bucket does not exist yet; switch to `s3`, synthesize and run `npm run migrate-state -- <account>-bootstrap` to move it into the bucket it created.",
    ),
  noncurrentVersionExpirationDays: intBetween(1, 3650)
    .default(90)
    .describe("Days a superseded state version is kept before it expires."),
  noncurrentVersionsRetained: intBetween(1, 100)
    .default(10)
    .describe("Superseded state versions kept regardless of age."),
}).superRefine((state, ctx) => {
  // With HCP Terraform the S3 backend is not used: its settings would be silently ignored.
  if (state.hcpTerraform === undefined) return;
  if (state.bootstrapBackend === "s3") {
    ctx.addIssue({
      code: "custom",
      path: ["bootstrapBackend"],
      input: state.bootstrapBackend,
      message:
        "cannot be combined with hcpTerraform: every stack's state is in HCP Terraform from its first apply; remove bootstrapBackend",
    });
  }
  if (state.locking === "dynamodb") {
    ctx.addIssue({
      code: "custom",
      path: ["locking"],
      input: state.locking,
      message:
        "cannot be combined with hcpTerraform: HCP Terraform locks its workspaces itself; remove locking",
    });
  }
});

/** Whether the bootstrap stacks' own state is remote (so CI and Atlantis may plan them). */
export function bootstrapStateIsRemote(state: {
  bootstrapBackend: string;
  hcpTerraform?: unknown;
}): boolean {
  return state.hcpTerraform !== undefined || state.bootstrapBackend === "s3";
}
