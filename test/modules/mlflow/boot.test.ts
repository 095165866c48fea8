/**
 * The MLflow server's boot script, run for real by bash against local stand-ins: a package index
 * on loopback (Python's http.server) serving stub wheels of MLflow and its pinned dependencies,
 * real pip in a real virtual environment, and stub commands for what only an EC2 instance has
 * (dnf, useradd, systemctl, the AWS CLI, curl to the server's health URL). The script's absolute
 * paths are moved under a temporary root; nothing else of it is changed.
 *
 * It must install from the index, start the services and report `ok` once MLflow answers; with
 * the index unreachable or the token refused it must report `failed` with the step, promptly,
 * instead of hanging or dying silently.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mlflowUserData, type PackageSource } from "../../../modules/mlflow/mlflow-user-data";

const PYTHON = "python3";

/** Stub wheels: the pinned MLflow and the server's dependencies, each an importable module. */
const WHEELS: [project: string, version: string, module: string][] = [
  ["mlflow", "2.17.2", "mlflow"],
  ["psycopg2-binary", "2.9.9", "psycopg2"],
  ["boto3", "1.28.0", "boto3"],
];

const BUILD_INDEX = `
import os, sys, zipfile
root = sys.argv[1]
for spec in sys.argv[2:]:
    project, version, module = spec.split(":")
    dist = project.replace("-", "_")
    wheel = f"{dist}-{version}-py3-none-any.whl"
    folder = os.path.join(root, "simple", project)
    os.makedirs(folder, exist_ok=True)
    info = f"{dist}-{version}.dist-info"
    with zipfile.ZipFile(os.path.join(folder, wheel), "w") as z:
        z.writestr(f"{module}/__init__.py", f"__version__ = '{version}'\\n")
        z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\\nName: {project}\\nVersion: {version}\\n")
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
        z.writestr(f"{info}/RECORD", "")
    with open(os.path.join(folder, "index.html"), "w") as f:
        f.write(f'<html><body><a href="{wheel}">{wheel}</a></body></html>')
`;

function stub(dir: string, name: string, body: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, 0o755);
}

interface Sandbox {
  readonly root: string;
  readonly bin: string;
  readonly reports: () => string[];
  readonly calls: () => string[];
}

function sandbox(work: string): Sandbox {
  const root = join(work, "root");
  const bin = join(work, "bin");
  mkdirSync(root, { recursive: true });
  mkdirSync(bin, { recursive: true });
  for (const d of ["etc/nginx", "etc/systemd/system", "usr/local/bin", "opt", "var/lib"]) {
    mkdirSync(join(root, d), { recursive: true });
  }
  const log = join(work, "calls.log");
  const reports = join(work, "reports.log");
  writeFileSync(log, "");
  writeFileSync(reports, "");
  stub(bin, "dnf", `echo "dnf $*" >> ${log}`);
  stub(bin, "useradd", `echo "useradd $*" >> ${log}`);
  stub(bin, "id", "exit 1");
  stub(bin, "python3.11", `exec ${PYTHON} "$@"`);
  stub(
    bin,
    "systemctl",
    `echo "systemctl $*" >> ${log}
case "$*" in *" mlflow"*) touch ${root}/started ;; esac`,
  );
  // The AWS CLI: SSM reports are recorded; a CodeArtifact token is printed unless refused.
  stub(
    bin,
    "aws",
    `echo "aws $1 $2" >> ${log}
if [ "$1 $2" = "ssm put-parameter" ]; then
  while [ $# -gt 0 ]; do if [ "$1" = "--value" ]; then echo "$2" >> ${reports}; fi; shift; done
  exit 0
fi
if [ "$1 $2" = "codeartifact get-authorization-token" ]; then
  [ -n "\${REFUSE_TOKEN:-}" ] && { echo "AccessDenied" >&2; exit 254; }
  echo "t0ken"; exit 0
fi
exit 1`,
  );
  // MLflow answers once the service was started and the installed package imports.
  stub(
    bin,
    "curl",
    `[ -f ${root}/started ] && ${root}/opt/mlflow/bin/python -c "import mlflow" 2>/dev/null && exit 0
exit 7`,
  );
  return {
    root,
    bin,
    reports: () => readFileSync(reports, "utf8").split("\n").filter(Boolean),
    calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

/** The script with its absolute paths under the sandbox root; nothing else changed. */
function relocated(script: string, root: string): string {
  return script
    .replace(/\/opt\/mlflow/g, `${root}/opt/mlflow`)
    .replace(/\/etc\//g, `${root}/etc/`)
    .replace(/\/usr\/local\/bin\//g, `${root}/usr/local/bin/`)
    .replace(/\/var\/lib\/mlflow/g, `${root}/var/lib/mlflow`);
}

function bootScript(packages: PackageSource): string {
  return mlflowUserData({
    mlflowVersion: "2.17.2",
    packages,
    port: 5000,
    artifactRoot: "s3://bucket",
    region: "eu-west-1",
    certificateParameter: "/platform/mlops-dev/mlflow/tls-certificate",
    dnsName: "mlflow.mlops-dev.internal",
    bootStatusParameter: "/platform/mlops-dev/mlflow/boot-status",
  });
}

function run(box: Sandbox, script: string, env: Record<string, string> = {}) {
  const path = join(box.root, "..", "user-data.sh");
  writeFileSync(path, relocated(script, box.root));
  const started = Date.now();
  const result = spawnSync("bash", [path], {
    env: {
      PATH: `${box.bin}:${process.env.PATH}`,
      HOME: box.root,
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_CACHE_DIR: "1",
      ...env,
    },
    encoding: "utf8",
    timeout: 240_000,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

let work: string;
let index: ChildProcess;
let indexUrl: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "mlflow-boot-"));
  const served = join(work, "index");
  const built = spawnSync(PYTHON, ["-c", BUILD_INDEX, served, ...WHEELS.map((w) => w.join(":"))], {
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`building the stub index: ${built.stderr}`);
  index = spawn(PYTHON, ["-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", served], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // http.server prints "Serving HTTP on 127.0.0.1 port N" once it listens.
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the stub index did not start")), 20_000);
    const read = (chunk: Buffer) => {
      const m = /port (\d+)/.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    index.stdout!.on("data", read);
    index.stderr!.on("data", read);
  });
  indexUrl = `http://127.0.0.1:${port}/simple/`;
}, 30_000);

afterAll(() => {
  index?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe("the MLflow server's boot, run against local stand-ins", () => {
  test("installs from the index into its venv, starts the services and reports ok once MLflow answers", () => {
    const box = sandbox(join(work, "ok"));
    const result = run(box, bootScript({ from: "index", url: indexUrl }));
    expect([result.status, result.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    const reports = box.reports();
    expect(reports[0]).toMatch(/^booting: \d{4}-\d\d-\d\dT/);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatch(
      /^ok: MLflow 2\.17\.2 answers on https:\/\/mlflow\.mlops-dev\.internal:5000 \(\d{4}-/,
    );
    // Installed from the index, for real: each package imports in the server's interpreter.
    const python = join(box.root, "opt/mlflow/bin/python");
    const imported = spawnSync(
      python,
      ["-c", "import mlflow, psycopg2, boto3, mlflow_rds_credentials; print(mlflow.__version__)"],
      { encoding: "utf8" },
    );
    expect(imported.stdout.trim()).toBe("2.17.2");
    expect(box.calls()).toEqual(
      expect.arrayContaining([
        "dnf install -y python3.11 python3.11-pip nginx openssl",
        "systemctl enable --now mlflow-tls.timer nginx mlflow",
      ]),
    );
    expect(readFileSync(join(box.root, "etc/nginx/nginx.conf"), "utf8")).toContain(
      "listen 5000 ssl;",
    );
  }, 240_000);

  test("an unreachable index: the boot reports the failed step, promptly, and stops", () => {
    const box = sandbox(join(work, "unreachable"));
    // A port nobody listens on (the index's, plus one, is as good as any; connection refused).
    const dead = indexUrl.replace(/:(\d+)\//, (_, p) => `:${Number(p) + 1}/`);
    const result = run(box, bootScript({ from: "index", url: dead }));
    expect(result.status).not.toBe(0);
    expect(result.seconds).toBeLessThan(120);
    const reports = box.reports();
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatch(
      new RegExp(
        `^failed: installing MLflow 2\\.17\\.2 from ${dead.replace(/[./]/g, "\\$&")} \\(exit \\d+, .+\\); on the instance: journalctl -u cloud-final, /var/log/cloud-init-output\\.log$`,
      ),
    );
    // Nothing was started on a half-installed server.
    expect(box.calls().filter((c) => c.startsWith("systemctl"))).toEqual([]);
  }, 240_000);

  test("a refused CodeArtifact token: the boot reports that step, never an index without credentials", () => {
    const box = sandbox(join(work, "refused"));
    const result = run(
      box,
      bootScript({
        from: "codeartifact",
        url: "https://mlops-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/",
        tokenCommand:
          "aws codeartifact get-authorization-token --query authorizationToken --output text",
      }),
      { REFUSE_TOKEN: "1" },
    );
    expect(result.status).not.toBe(0);
    expect(box.reports()[1]).toMatch(
      /^failed: getting a token for https:\/\/mlops-dev-111111111111\.d\.codeartifact\.eu-west-1\.amazonaws\.com\/pypi\/packages\/simple\/ \(exit 254, /,
    );
    expect(box.calls()).not.toContain("systemctl daemon-reload");
  }, 60_000);

  test("MLflow that never answers: the boot reports the wait, not ok", () => {
    const box = sandbox(join(work, "silent"));
    // The health URL never answers (the curl stand-in refuses); the wait is shortened to 2 s.
    stub(box.bin, "curl", "exit 7");
    const script = bootScript({ from: "index", url: indexUrl }).replace(
      /deadline=\$\(\(SECONDS \+ \d+\)\)/,
      "deadline=$((SECONDS + 2))",
    );
    const result = run(box, script);
    expect(result.status).not.toBe(0);
    expect(box.reports()[1]).toMatch(
      /^failed: waiting for MLflow to answer on https:\/\/mlflow\.mlops-dev\.internal:5000 \(exit 1, /,
    );
  }, 240_000);
});
