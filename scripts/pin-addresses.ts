/**
 * Pins the Terraform addresses of the example platform's data-bearing resources in
 * test/pinned-addresses.json. Run it after adding a data-bearing resource on purpose, or after
 * moving one with a `moved` block; the diff of the pin file then shows the change in review.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataBearingAddresses, type AddressPins } from "../review/address-stability";
import { parsePlatformConfig } from "../accounts/config/loader";
import { exampleConfig } from "../accounts/config/example";
import { readSynthesizedStacks } from "../synthesis/read-synthesized";
import { synthesizePlatform } from "../synthesis/synthesize";

export const PIN_FILE = join(__dirname, "..", "..", "test", "pinned-addresses.json");

async function main(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), "pin-addresses-"));
  try {
    await synthesizePlatform(parsePlatformConfig(exampleConfig, "example"), join(outdir, "out"));
    const pins: AddressPins = {};
    for (const [id, stack] of Object.entries(readSynthesizedStacks(join(outdir, "out")))) {
      pins[id] = dataBearingAddresses(stack);
    }
    writeFileSync(PIN_FILE, `${JSON.stringify(pins, null, 2)}\n`);
    process.stdout.write(
      `Pinned data-bearing addresses of ${Object.keys(pins).length} stacks in ${PIN_FILE}\n`,
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

void main();
