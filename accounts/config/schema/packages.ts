import { z } from "zod";
import { strictObject } from "../zod";

/** Where a data science account's Python packages come from. */
export const packagesSchema = strictObject({
  codeArtifact: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe(
      "A private Python package repository (AWS CodeArtifact, the public PyPI as upstream) that Studio, pipelines and the MLflow server install from without the internet. Default: on unless the VPC is new with NAT gateways (then PyPI is reached through NAT).",
    ),
});
