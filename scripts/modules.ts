import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TERRAFORM_MODULES } from "../modules/terraform-export";
import { renderModule } from "../modules/terraform-export/render-module";

const CHANGELOG = "CHANGELOG.md";

/**
 * `npm run modules [-- --out <dir>]`: writes every exported Terraform module to
 * `<dir>/<module>/` (default dist/terraform-modules). All or nothing: the modules are rendered
 * into a staging folder that replaces the output folder only when every module rendered. A
 * `CHANGELOG.md` in the output folder is kept.
 */
async function main(argv: string[]): Promise<number> {
  const outIndex = argv.indexOf("--out");
  const out = resolve(outIndex >= 0 ? argv[outIndex + 1] : join("dist", "terraform-modules"));
  const staging = `${out}.staging`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const definition of TERRAFORM_MODULES) {
      const rendered = await renderModule(definition);
      for (const [path, text] of Object.entries(rendered.files)) {
        const file = join(staging, rendered.name, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      console.log(`${rendered.name}: ${Object.keys(rendered.files).length} files`);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    console.error(`modules: ${(error as Error).message}`);
    return 1;
  }
  // The changelog is written by people, not generated: it stays with the modules.
  const changelog = join(out, CHANGELOG);
  if (existsSync(changelog)) copyFileSync(changelog, join(staging, CHANGELOG));
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
  console.log(`wrote ${TERRAFORM_MODULES.length} modules to ${out}`);
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
