import { z } from "zod";
import type { ConfigIssues, PlatformConfig } from "./platform";

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
export const MAX_TAGS_PER_RESOURCE = 50;
const PLATFORM_TAGS_PER_RESOURCE = RESERVED_TAG_KEYS.length + 2;
export const MAX_CONFIG_TAGS = MAX_TAGS_PER_RESOURCE - PLATFORM_TAGS_PER_RESOURCE;

export function checkTags(config: PlatformConfig, ctx: ConfigIssues): void {
  const count = Object.keys(config.tags).length;
  if (count > MAX_CONFIG_TAGS) {
    ctx.addIssue({
      code: "custom",
      path: ["tags"],
      message: `has ${count} tags; AWS allows ${MAX_TAGS_PER_RESOURCE} per resource and the platform sets up to ${PLATFORM_TAGS_PER_RESOURCE} itself (${RESERVED_TAG_KEYS.join(", ")}, Name and one of the resource's own), so at most ${MAX_CONFIG_TAGS}`,
    });
  }
  for (const key of Object.keys(config.tags)) {
    if ((RESERVED_TAG_KEYS as readonly string[]).includes(key.toLowerCase())) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", key],
        input: config.tags[key],
        message: `is set by the platform on every resource; reserved tag keys: ${RESERVED_TAG_KEYS.join(", ")}`,
      });
    }
  }
}
