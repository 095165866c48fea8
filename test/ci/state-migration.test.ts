import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateState } from "../../ci/state-migration";

let work: string;
let stack: string;
let fake: string;
const remote = () => join(work, "remote.tfstate");
const local = () => join(work, "terraform.dev-bootstrap.tfstate");

/** A terraform whose backend is a file: `state pull` prints it, `state push F` copies F there. */
function fakeTerraform(pushWorks = true): void {
  writeFileSync(
    fake,
    [
      "#!/bin/bash",
      `echo "$*" >> "${work}/calls.log"`,
      `if [ "$1 $2" = "state pull" ]; then [ -f "${remote()}" ] && cat "${remote()}"; exit 0; fi`,
      pushWorks ? `if [ "$1 $2" = "state push" ]; then cp "$3" "${remote()}"; exit 0; fi` : "",
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(fake, 0o755);
}

function state(lineage: string, serial: number, names: string[]): string {
  return JSON.stringify({
    version: 4,
    serial,
    lineage,
    resources: names.map((name) => ({
      mode: "managed",
      type: "aws_s3_bucket",
      name,
      instances: [{ attributes: {} }],
    })),
  });
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "migrate-"));
  stack = join(work, "stacks", "dev-bootstrap");
  mkdirSync(stack, { recursive: true });
  writeFileSync(join(stack, "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3: {} } } }));
  fake = join(work, "terraform");
  fakeTerraform();
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const migrate = () => migrateState(stack, "dev-bootstrap", local(), { bin: fake });

describe("the bootstrap state migration", () => {
  test("pushes the local state, verifies the remote holds it, then moves the local file aside", () => {
    writeFileSync(local(), state("L1", 7, ["state", "logs"]));
    const result = migrate();
    expect(result).toEqual({
      ok: true,
      lines: [
        "dev-bootstrap: migrated 2 resources (serial 7, lineage L1) into the stack's backend; the remote state holds every one",
        `dev-bootstrap: moved ${local()} to ${local()}.migrated; delete it once \`terraform plan\` in ${stack} shows no changes`,
      ],
    });
    expect(JSON.parse(readFileSync(remote(), "utf8")).lineage).toBe("L1");
    expect(existsSync(local())).toBe(false);
    expect(readFileSync(join(work, "calls.log"), "utf8").split("\n")[0]).toBe(
      "init -input=false -no-color -reconfigure",
    );
  });

  test("run again, it changes nothing and says so", () => {
    writeFileSync(local(), state("L1", 7, ["state"]));
    migrate();
    expect(migrate()).toEqual({
      ok: true,
      lines: [
        `dev-bootstrap: nothing to migrate: ${local()} is gone and the remote state holds 1 resources (migrated before)`,
      ],
    });
  });

  test("keeps the local file when the remote does not hold its resources after the push", () => {
    fakeTerraform(false);
    writeFileSync(local(), state("L1", 7, ["state"]));
    const result = migrate();
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toBe(
      `dev-bootstrap: NOT MIGRATED: the remote state does not hold what ${local()} holds; the local file is kept\n  the remote state is empty\n  missing from the remote state: aws_s3_bucket.state`,
    );
    expect(existsSync(local())).toBe(true);
  });

  test("never overwrites a remote state of another lineage", () => {
    writeFileSync(remote(), state("R9", 3, ["other"]));
    writeFileSync(local(), state("L1", 7, ["state"]));
    const result = migrate();
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(
      /^dev-bootstrap: NOT MIGRATED: the remote state already holds 1 resources of another state \(lineage R9, the local file's is L1\); refusing to overwrite it/,
    );
    expect(JSON.parse(readFileSync(remote(), "utf8")).lineage).toBe("R9");
    expect(existsSync(local())).toBe(true);
  });

  test("refuses with no local file and an empty remote: the state would be lost", () => {
    expect(migrate().lines[0]).toMatch(
      /NOT MIGRATED: there is no local state at .+ and the remote state is empty: if this account was bootstrapped, find its state file/,
    );
  });

  test("refuses an empty local state, and a stack that still keeps its state in that very file", () => {
    writeFileSync(local(), state("L1", 1, []));
    expect(migrate().lines[0]).toMatch(/holds no resources: nothing to migrate/);
    writeFileSync(
      join(stack, "cdk.tf.json"),
      JSON.stringify({
        terraform: { backend: { local: { path: "../../terraform.dev-bootstrap.tfstate" } } },
      }),
    );
    expect(migrate().lines[0]).toBe(
      `dev-bootstrap: NOT MIGRATED: ${stack} still keeps its state in ${local()}: set state.bootstrapBackend: s3 in the config and run npm run synth first`,
    );
  });

  test("refuses what is not a state file", () => {
    writeFileSync(local(), "not json");
    expect(() => migrate()).toThrow(`${local()} is not a Terraform state`);
  });
});
