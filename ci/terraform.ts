import { spawnSync } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Terraform as CI runs it: every byte it prints goes to a file, never through an in-memory
 * buffer. `terraform show -json` of a deployed account's plan is over 1 MiB (the example's data
 * science stack with no change: 1.2 MB), which a bounded spawn buffer turns into ENOBUFS; a file
 * has no such limit, and the job's artifact keeps it.
 */
export interface TerraformRun {
  readonly status: number;
  /** The file that holds what terraform wrote to stdout. */
  readonly stdoutFile: string;
  /** The file that holds what terraform wrote to stderr. */
  readonly stderrFile: string;
}

export interface TerraformOptions {
  /** Where stdout goes. @default `<cwd>/terraform-<first argument>.log` */
  readonly stdoutFile?: string;
  /** Extra environment variables (a token for the state host). @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `bin args` in `cwd` with stdout and stderr streamed to files; throws when it cannot start. */
export function runTerraform(
  bin: string,
  args: readonly string[],
  cwd: string,
  options: TerraformOptions = {},
): TerraformRun {
  const stdoutFile = options.stdoutFile ?? join(cwd, `terraform-${args[0] ?? "run"}.log`);
  const stderrFile = join(cwd, `terraform-${args[0] ?? "run"}.err`);
  const out = openSync(stdoutFile, "w");
  const err = openSync(stderrFile, "w");
  try {
    const r = spawnSync(bin, [...args], {
      cwd,
      stdio: ["ignore", out, err],
      env: { ...process.env, ...options.env, TF_IN_AUTOMATION: "1" },
    });
    if (r.error) throw new Error(`${bin} could not run: ${r.error.message}`);
    return { status: r.status ?? 1, stdoutFile, stderrFile };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/**
 * The last `max` bytes of a file (a report shows the end of a long log: the error is there), with
 * a first line saying how much was left out.
 */
export function tail(file: string, max = 20_000): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return "";
  }
  const length = Math.min(size, max);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const text = buffer.toString("utf8");
  return size > max
    ? `... (${size - max} bytes before this cut; the whole log: ${file})\n${text}`
    : text;
}

/** What a failed run printed: the end of its stdout, then of its stderr. */
export function failureOutput(run: TerraformRun): string {
  return `${tail(run.stdoutFile)}${tail(run.stderrFile)}`;
}
