import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { StackJson } from "../modules/core/terraform-json";

/** Stack id → synthesized Terraform JSON, read from a synthesis output folder. */
export function readSynthesizedStacks(outdir: string): Record<string, StackJson> {
  const stacksDir = join(outdir, "stacks");
  const stacks: Record<string, StackJson> = {};
  for (const id of readdirSync(stacksDir).sort()) {
    stacks[id] = JSON.parse(readFileSync(join(stacksDir, id, "cdk.tf.json"), "utf8"));
  }
  return stacks;
}
