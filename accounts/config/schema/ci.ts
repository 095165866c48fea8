import { z } from "zod";
import { strictObject } from "../zod";

/**
 * CI without long-lived keys: a GitHub OIDC provider and plan/apply roles in every account.
 */
export const ciSchema = strictObject({
  github: strictObject({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
        error: "must be a GitHub repository as owner/name",
      })
      .describe("`owner/name` of the repository whose workflows may assume the roles."),
    branch: z
      .string()
      .regex(/^[\w./-]+$/, { error: "must be a branch name" })
      .default("main")
      .describe("The branch merges apply from. Default main."),
    environments: z
      .record(
        z.string(),
        z.string().regex(/^[\w. -]{1,255}$/, { error: "must be a GitHub environment name" }),
      )
      .default({})
      .describe(
        "GitHub environment per account name; the apply role trusts only it. Default: the account name.",
      ),
    createOidcProvider: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe(
        "Create the account's GitHub OIDC provider (false when the account already has one).",
      ),
  }).describe("GitHub Actions: the repository and branch whose workflows plan and apply."),
});
