import type { ConfigIssues, PlatformConfig } from "../schema/platform";
import {
  MAX_CONFIG_TAGS,
  MAX_TAGS_PER_RESOURCE,
  PLATFORM_TAGS_PER_RESOURCE,
  RESERVED_TAG_KEYS,
} from "../schema/tags";

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
