import { z } from "zod";
import { strictObject } from "../zod";
import { accountIdSchema } from "./common";

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
    .describe(
      "ECR repositories of the data science account whose images models here may pull. The model execution role pulls from these and `prebuiltImageAccounts` only.",
    ),
  prebuiltImageAccounts: z
    .array(accountIdSchema)
    .default([])
    .describe(
      "AWS-owned accounts of this region whose SageMaker prebuilt images (framework and algorithm containers) models here may run, such as `763104351884` for the Deep Learning Containers; see AWS's list of prebuilt image registries per region. Default none: models run only images of `ecrRepositories`.",
    ),
});
