/**
 * Name rules AWS enforces, written once: the constructs check known values with them, the config
 * schema checks config files, and the exported Terraform modules' validation rules use their
 * `source` (these patterns use only what both JavaScript and Terraform's RE2 accept).
 */

/** IAM role names: 1 to 64 letters, digits or `+ = , . @ _ -`. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** KMS aliases: `alias/` and 1 to 250 letters, digits, `/ _ -`. */
export const KMS_ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * S3 key prefixes the platform grants on: path segments, each ending in `/`, of S3's safe key
 * characters except `*`, which IAM would read as a wildcard in a policy's ARNs and `s3:prefix`
 * (a prefix "data" with a star would grant data-secret/ too).
 */
export const S3_PREFIX = /^([A-Za-z0-9!_.'()-]+\/)+$/;

/** S3 bucket names: 3 to 63 lowercase letters, digits, dots or hyphens, alphanumeric at both ends. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
