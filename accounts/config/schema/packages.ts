import { z } from "zod";
import { strictObject } from "../zod";
import type { AccountConfig } from "./platform";

/** Where a data science account's Python packages come from. */
export const packagesSchema = strictObject({
  codeArtifact: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe(
      "A private Python package repository (AWS CodeArtifact, the public PyPI as upstream) that Studio, pipelines and the MLflow server install from without the internet. Default: on unless the VPC is new with NAT gateways (then PyPI is reached through NAT).",
    ),
});

/** Whether the account's VPC is new and routes to the internet through NAT. */
export function hasNatEgress(account: AccountConfig): boolean {
  return account.vpc.existing === undefined && account.vpc.natGateways !== "none";
}

/**
 * Whether the data science account gets the CodeArtifact package path: as configured, else
 * wherever the VPC has no NAT (an existing VPC counts as internet-free: its routes are not the
 * platform's to know).
 */
export function usesCodeArtifact(account: AccountConfig): boolean {
  if (account.type !== "data-science") return false;
  return account.packages.codeArtifact ?? !hasNatEgress(account);
}
