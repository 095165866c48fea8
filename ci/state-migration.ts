import { existsSync, readFileSync, renameSync } from "node:fs";
import { resolve } from "node:path";
import { join } from "node:path";
import { stackBackend } from "./runs";
import { failureOutput, runTerraform } from "./terraform";

/**
 * Moves a bootstrap stack's local state into the backend its synthesized stack now names (the
 * account's state bucket, after `state.bootstrapBackend: s3`), in a way that cannot lose it:
 *
 * - the old backend is named explicitly (the local state file), instead of relying on the
 *   `.terraform/` record of the previous backend, which every synthesis deletes (so `terraform
 *   init -migrate-state` after a synthesis "succeeds" and copies nothing);
 * - the copy is `terraform state push` into an empty remote state, never over another state;
 * - the remote state is read back and must hold every resource of the local file, with its
 *   lineage and at least its serial; only then is the local file moved aside (`.migrated`), and
 *   never deleted;
 * - run again, it finds the remote state already holding the resources and changes nothing.
 */

interface StateFile {
  readonly serial: number;
  readonly lineage: string;
  readonly addresses: string[];
}

/** The resource addresses of a state file (`module.x.` prefixes, managed and data). */
function parseState(text: string, what: string): StateFile | undefined {
  if (text.trim() === "") return undefined;
  let state: {
    serial?: number;
    lineage?: string;
    resources?: {
      module?: string;
      mode: string;
      type: string;
      name: string;
      instances?: unknown[];
    }[];
  };
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not a Terraform state (${(error as Error).message})`);
  }
  if (typeof state.lineage !== "string" || typeof state.serial !== "number")
    throw new Error(`${what} is not a Terraform state (no lineage or serial)`);
  const addresses = (state.resources ?? [])
    .filter((r) => (r.instances ?? []).length > 0)
    .map(
      (r) =>
        `${r.module ? `${r.module}.` : ""}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`,
    )
    .sort();
  return { serial: state.serial, lineage: state.lineage, addresses };
}

/** The file a stack with a local backend keeps its state in (absolute); undefined otherwise. */
function stateFileOf(stackDir: string): string | undefined {
  if (stackBackend(stackDir) !== "local") return undefined;
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  return resolve(stackDir, json.terraform.backend.local.path ?? "terraform.tfstate");
}

export interface MigrationResult {
  readonly ok: boolean;
  readonly lines: string[];
}

export interface MigrationOptions {
  readonly bin?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function migrateState(
  stackDir: string,
  stack: string,
  localStateFile: string,
  options: MigrationOptions = {},
): MigrationResult {
  const { bin = "terraform", env } = options;
  const local = resolve(localStateFile);
  const refuse = (line: string): MigrationResult => ({
    ok: false,
    lines: [`${stack}: NOT MIGRATED: ${line}`],
  });
  if (stateFileOf(stackDir) === local)
    return refuse(
      `${stackDir} still keeps its state in ${local}: set state.bootstrapBackend: s3 in the config and run npm run synth first`,
    );

  // -reconfigure: the new backend only; never Terraform's own (interactive, record-based) migration.
  const init = runTerraform(bin, ["init", "-input=false", "-no-color", "-reconfigure"], stackDir, {
    env,
  });
  if (init.status !== 0) return refuse(`terraform init failed:\n${failureOutput(init)}`);
  const pull = (): StateFile | undefined => {
    const r = runTerraform(bin, ["state", "pull"], stackDir, { env });
    if (r.status !== 0)
      throw new Error(`${stack}: terraform state pull failed:\n${failureOutput(r)}`);
    return parseState(readFileSync(r.stdoutFile, "utf8"), `the remote state of ${stack}`);
  };

  const remoteBefore = pull();
  if (!existsSync(local)) {
    if (remoteBefore !== undefined && remoteBefore.addresses.length > 0)
      return {
        ok: true,
        lines: [
          `${stack}: nothing to migrate: ${local} is gone and the remote state holds ${remoteBefore.addresses.length} resources (migrated before)`,
        ],
      };
    return refuse(
      `there is no local state at ${local} and the remote state is empty: if this account was bootstrapped, find its state file (a .migrated or .backup copy) before anything applies, or Terraform would create every resource again`,
    );
  }
  const localState = parseState(readFileSync(local, "utf8"), local);
  if (localState === undefined || localState.addresses.length === 0)
    return refuse(
      `${local} holds no resources: nothing to migrate (was the bootstrap stack applied?)`,
    );

  if (remoteBefore !== undefined && remoteBefore.addresses.length > 0) {
    if (remoteBefore.lineage !== localState.lineage)
      return refuse(
        `the remote state already holds ${remoteBefore.addresses.length} resources of another state (lineage ${remoteBefore.lineage}, the local file's is ${localState.lineage}); refusing to overwrite it. Compare the two, keep the right one, and move the other aside`,
      );
  } else {
    const push = runTerraform(bin, ["state", "push", local], stackDir, { env });
    if (push.status !== 0) return refuse(`terraform state push failed:\n${failureOutput(push)}`);
  }

  const remote = pull();
  const missing = localState.addresses.filter((a) => !remote?.addresses.includes(a));
  if (
    remote === undefined ||
    remote.lineage !== localState.lineage ||
    missing.length > 0 ||
    remote.serial < localState.serial
  ) {
    return refuse(
      [
        `the remote state does not hold what ${local} holds; the local file is kept`,
        ...(remote === undefined ? ["  the remote state is empty"] : []),
        ...(remote !== undefined && remote.lineage !== localState.lineage
          ? [`  lineage: local ${localState.lineage}, remote ${remote.lineage}`]
          : []),
        ...(remote !== undefined && remote.serial < localState.serial
          ? [`  serial: local ${localState.serial}, remote ${remote.serial}`]
          : []),
        ...missing.map((a) => `  missing from the remote state: ${a}`),
      ].join("\n"),
    );
  }
  const aside = `${local}.migrated`;
  renameSync(local, aside);
  return {
    ok: true,
    lines: [
      `${stack}: migrated ${localState.addresses.length} resources (serial ${localState.serial}, lineage ${localState.lineage}) into the stack's backend; the remote state holds every one`,
      `${stack}: moved ${local} to ${aside}; delete it once \`terraform plan\` in ${stackDir} shows no changes`,
    ],
  };
}
