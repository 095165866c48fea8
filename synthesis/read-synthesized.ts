import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Synthesized stack JSON (a stack's `cdk.tf.json`), as far as the readers here read it. */
export interface SynthesizedStack {
  resource?: Record<string, Record<string, unknown>>;
}

/** Stack id → synthesized Terraform JSON, read from a synthesis output folder. */
export function readSynthesizedStacks(outdir: string): Record<string, SynthesizedStack> {
  const stacksDir = join(outdir, "stacks");
  const stacks: Record<string, SynthesizedStack> = {};
  for (const id of readdirSync(stacksDir).sort()) {
    stacks[id] = JSON.parse(readFileSync(join(stacksDir, id, "cdk.tf.json"), "utf8"));
  }
  return stacks;
}
