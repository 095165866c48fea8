import { z } from "zod";
import { AWS_LIMITS } from "../../../modules/core/limits";

/** Tag keys the platform sets itself on every resource through the provider's default tags. */
export const RESERVED_TAG_KEYS = ["project", "environment", "managed-by"] as const;

export const tagKeySchema = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
    error: "must be 1 to 128 letters, digits, spaces or _ . : / = + - @",
  })
  .refine((k) => !k.toLowerCase().startsWith("aws:"), {
    error: 'must not start with "aws:" (reserved by AWS)',
  });

export const tagValueSchema = z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, {
  error: "must be at most 256 letters, digits, spaces or _ . : / = + - @",
});

/** AWS allows 50 tags per resource; the platform's default tags and a resource's own (Name, ...) take some. */
export const MAX_TAGS_PER_RESOURCE = AWS_LIMITS.tags.perResource;
export const PLATFORM_TAGS_PER_RESOURCE = RESERVED_TAG_KEYS.length + 2;
export const MAX_CONFIG_TAGS = MAX_TAGS_PER_RESOURCE - PLATFORM_TAGS_PER_RESOURCE;
