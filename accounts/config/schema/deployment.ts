import { z } from "zod";
import { strictObject } from "../zod";

/** How the data science account's pipeline deploys into a deployment target. */
export const deploymentSchema = strictObject({
  externalId: z
    .string()
    .regex(/^[\w+=,.@:\/-]{2,1224}$/, {
      error: "must be 2 to 1224 letters, digits or + = , . @ : / _ -",
    })
    .optional()
    .describe(
      "External id the pipeline must present to assume the deployment role. Default `<prefix>-<account>-model-deployment`; set your own.",
    ),
  ecrRepositories: z
    .array(
      z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
        error: "must be an ECR repository name",
      }),
    )
    .default([])
    .describe("ECR repositories of the data science account whose images models here may pull."),
});
