import { z } from "zod";
import { IAM_ROLE_NAME } from "../../../modules/core/patterns";
import { LOG_RETENTION_DAYS } from "../../../modules/logs/encrypted-log-group";
import { isKnownRegion, regionPartition } from "../regions";

/** Field rules more than one section uses. */

/** Lowercase letters and digits in hyphen-separated words, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const accountIdSchema = z.string().regex(/^\d{12}$/, {
  error: "must be a 12-digit AWS account id, as a string (quote it in YAML)",
});

/**
 * The partitions the platform is built for: commercial, China (its `cn.com.amazonaws` endpoint
 * service names) and GovCloud, whose ARNs and service names it writes. The ISO and European
 * Sovereign Cloud partitions lack services it needs and have endpoint naming it does not write,
 * so their regions are refused before anything is synthesized instead of failing at
 * CreateVpcEndpoint.
 */
export const SUPPORTED_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

export const regionSchema = z
  .string()
  .refine(isKnownRegion, {
    error: "must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1",
    // One line for a bad region: no further line for every bucket name derived from it.
    abort: true,
  })
  .refine(
    (region) =>
      (SUPPORTED_PARTITIONS as readonly string[]).includes(regionPartition(region).partition),
    {
      error: (issue) =>
        `is in the ${regionPartition(String(issue.input)).partition} partition; the platform supports regions of the ${SUPPORTED_PARTITIONS.join(", ")} partitions only (some services it needs are missing elsewhere)`,
      abort: true,
    },
  );

/** IAM role names: 1 to 64 of letters, digits and `+=,.@_-`. */
export const iamRoleNameSchema = z.string().regex(IAM_ROLE_NAME, {
  error: "must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -",
});

/** CloudWatch Logs retention periods of a year or more (the rule pack's Logs.Retention). */
export const logRetentionDaysSchema = z.union(
  LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [
    z.ZodLiteral<number>,
    z.ZodLiteral<number>,
    ...z.ZodLiteral<number>[],
  ],
  {
    error: `must be a CloudWatch Logs retention of a year or more: ${LOG_RETENTION_DAYS.join(", ")}`,
  },
);
