import { z } from "zod";
import { IAM_ROLE_NAME } from "../../../modules/core/patterns";
import { isKnownRegion } from "../regions";

/** Field rules more than one section uses. */

/** Lowercase letters and digits in hyphen-separated words, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const accountIdSchema = z.string().regex(/^\d{12}$/, {
  error: "must be a 12-digit AWS account id, as a string (quote it in YAML)",
});

export const regionSchema = z.string().refine(isKnownRegion, {
  error: "must be an AWS region code that AWS publishes, such as eu-west-1 or us-east-1",
  // One line for a bad region: no further line for every bucket name derived from it.
  abort: true,
});

/** IAM role names: 1 to 64 of letters, digits and `+=,.@_-`. */
export const iamRoleNameSchema = z.string().regex(IAM_ROLE_NAME, {
  error: "must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -",
});
