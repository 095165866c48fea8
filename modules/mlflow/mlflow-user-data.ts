/**
 * The boot script of the self-hosted MLflow server and the files it writes. Terraform fills in
 * two `%s` with `format()`: the database secret's ARN and the database's address; nothing else in
 * the script may hold a `%` (tests check).
 */

/** Where the server's TLS key and certificate live on the instance (root-owned, nginx reads). */
const TLS_DIR = "/etc/mlflow-tls";

/**
 * A Python module loaded into every interpreter of the server's virtual environment (through a
 * `.pth` file) that gives MLflow's database connections the current RDS-managed password. RDS
 * rotates the master password (every 7 days by default): a password read once at start stops
 * working for new connections after the first rotation. The hook reads the secret when a
 * connection is opened (cached for five minutes) and again when the database refuses the
 * cached password, then retries once; the password is never on disk, in the environment or in
 * the backend store URI. It does nothing unless MLFLOW_DB_SECRET_ARN is set.
 */
export const RDS_CREDENTIALS_HOOK = `"""Gives MLflow's database connections the current RDS-managed password (docs/architecture.md, MLflow)."""
import json
import os
import threading
import time

SECRET_ID = os.environ.get("MLFLOW_DB_SECRET_ARN")
CACHE_SECONDS = 300.0

if SECRET_ID:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _lock = threading.Lock()
    _cache = {"password": None, "read_at": 0.0}

    def current_password(refresh):
        with _lock:
            stale = time.monotonic() - _cache["read_at"] > CACHE_SECONDS
            if refresh or stale or _cache["password"] is None:
                import boto3

                value = boto3.client("secretsmanager").get_secret_value(SecretId=SECRET_ID)
                _cache["password"] = json.loads(value["SecretString"])["password"]
                _cache["read_at"] = time.monotonic()
            return _cache["password"]

    @event.listens_for(Engine, "do_connect")
    def connect_with_current_password(dialect, connection_record, cargs, cparams):
        if dialect.name != "postgresql":
            return None
        dbapi = getattr(dialect, "loaded_dbapi", None) or dialect.dbapi
        cparams["password"] = current_password(refresh=False)
        try:
            return dbapi.connect(*cargs, **cparams)
        except dbapi.OperationalError:
            # Rotated since the last read (or the database was briefly away): read it again, retry once.
            cparams["password"] = current_password(refresh=True)
            return dbapi.connect(*cargs, **cparams)
`;

/**
 * Makes the server's TLS certificate when there is none or it expires within 30 days (boot, and
 * a daily timer), and publishes it to an SSM parameter for clients to trust. Self-signed for the
 * server's stable name (the private zone's record: the tracking URI), the instance's private IP
 * and DNS name, and localhost (the Session Manager tunnel).
 */
function tlsScript(region: string, certificateParameter: string, dnsName: string): string[] {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `if [ -s ${TLS_DIR}/cert.pem ] && openssl x509 -checkend 2592000 -noout -in ${TLS_DIR}/cert.pem; then exit 0; fi`,
    'token=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")',
    'ip=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/local-ipv4)',
    'host=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/local-hostname)',
    `install -d -m 0750 -o root -g nginx ${TLS_DIR}`,
    `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 397 -subj "/CN=${dnsName}" -addext "subjectAltName=DNS:${dnsName},IP:$ip,DNS:$host,IP:127.0.0.1,DNS:localhost" -keyout ${TLS_DIR}/key.new -out ${TLS_DIR}/cert.new`,
    `chown root:nginx ${TLS_DIR}/key.new ${TLS_DIR}/cert.new && chmod 0640 ${TLS_DIR}/key.new && chmod 0644 ${TLS_DIR}/cert.new`,
    `mv -f ${TLS_DIR}/key.new ${TLS_DIR}/key.pem && mv -f ${TLS_DIR}/cert.new ${TLS_DIR}/cert.pem`,
    `aws ssm put-parameter --region ${region} --name '${certificateParameter}' --type String --overwrite --value "file://${TLS_DIR}/cert.pem"`,
    "systemctl reload nginx 2>/dev/null || true",
  ];
}

/** nginx: TLS 1.2+ on the tracking port, proxying to MLflow on the loopback interface. */
function nginxConfig(port: number, internalPort: number): string[] {
  return [
    "user nginx;",
    "worker_processes auto;",
    "pid /run/nginx.pid;",
    "error_log /var/log/nginx/error.log notice;",
    "events { worker_connections 1024; }",
    "http {",
    "    server_tokens off;",
    "    access_log /var/log/nginx/access.log;",
    "    server {",
    `        listen ${port} ssl;`,
    `        ssl_certificate ${TLS_DIR}/cert.pem;`,
    `        ssl_certificate_key ${TLS_DIR}/key.pem;`,
    "        ssl_protocols TLSv1.2 TLSv1.3;",
    "        # Artifacts go through the server (--serve-artifacts): no size limit, streamed.",
    "        client_max_body_size 0;",
    "        proxy_request_buffering off;",
    "        proxy_read_timeout 600s;",
    "        location / {",
    `            proxy_pass http://127.0.0.1:${internalPort};`,
    "            proxy_set_header Host $host;",
    "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "            proxy_set_header X-Forwarded-Proto https;",
    "        }",
    "    }",
    "}",
  ];
}

/** A file written by the script: a quoted heredoc, so nothing in it is expanded. */
function file(path: string, lines: string[], mode: string): string[] {
  return [`cat > ${path} <<'EOF_FILE'`, ...lines, "EOF_FILE", `chmod ${mode} ${path}`];
}

/** The loopback port MLflow listens on behind nginx (never the public one). */
export function internalPort(port: number): number {
  return port === 5001 ? 5002 : 5001;
}

/**
 * Where pip installs MLflow from at boot: the public PyPI or another index (both through NAT), or
 * the platform's CodeArtifact repository (through its VPC endpoints, with a token of the
 * server's role).
 */
export type PackageSource =
  | { readonly from: "pypi" }
  | { readonly from: "index"; readonly url: string }
  | { readonly from: "codeartifact"; readonly url: string; readonly tokenCommand: string };

/** Seconds the whole MLflow install may take before the boot reports failure. */
export const PIP_INSTALL_TIMEOUT_SECONDS = 1200;

/** Seconds the boot waits for MLflow to answer through nginx. */
export const HEALTH_WAIT_SECONDS = 300;

/** The pip index argument and what gets it (lines run before the install). */
function packageIndex(source: PackageSource): { lines: string[]; argument: string; shown: string } {
  switch (source.from) {
    case "pypi":
      return { lines: [], argument: "", shown: "PyPI" };
    case "index":
      return { lines: [], argument: ` --index-url '${source.url}'`, shown: source.url };
    case "codeartifact": {
      if (!source.url.startsWith("https://"))
        throw new Error(`package index ${source.url} is not an https URL`);
      return {
        lines: [
          `step "getting a token for ${source.url}"`,
          `token=$(timeout 120 ${source.tokenCommand})`,
          `index="https://aws:$token@${source.url.slice("https://".length)}"`,
        ],
        argument: ' --index-url "$index"',
        shown: source.url,
      };
    }
  }
}

export interface MlflowUserDataProps {
  readonly mlflowVersion: string;
  readonly packages: PackageSource;
  /** The SSM parameter the boot reports its outcome to. */
  readonly bootStatusParameter: string;
  /** The TLS port clients use. */
  readonly port: number;
  /** `s3://<bucket>`: where the server stores artifacts it serves. */
  readonly artifactRoot: string;
  readonly region: string;
  /** The SSM parameter the server publishes its certificate to. */
  readonly certificateParameter: string;
  /** The server's stable name (the tracking URI's host), first in the certificate. */
  readonly dnsName: string;
}

/**
 * Installs MLflow at the pinned version with nginx in front: MLflow serves artifacts itself
 * (`--serve-artifacts`, clients need only the tracking URI) on the loopback interface; nginx
 * terminates TLS on the tracking port. The backend store URI has no password: the
 * RDS_CREDENTIALS_HOOK supplies the current one on every new connection.
 */
export function mlflowUserData(props: MlflowUserDataProps): string {
  const index = packageIndex(props.packages);
  const inner = internalPort(props.port);
  const report = `aws ssm put-parameter --region ${props.region} --name '${props.bootStatusParameter}' --type String --overwrite --value`;
  return [
    "#!/bin/bash",
    // -E: the ERR trap also fires inside functions and command substitutions.
    "set -Eeuo pipefail",
    // Every step names itself; a failing one reports where the boot stopped, so an apply that
    // succeeded with a server that never started is visible (the boot-status parameter).
    'STEP="starting"',
    'step() { STEP="$1"; echo "mlflow-boot: $1"; }',
    `report() { ${report} "$1" >/dev/null || echo "mlflow-boot: could not report: $1"; }`,
    `trap 'report "failed: $STEP (exit $?, $(date -u -Iseconds)); on the instance: journalctl -u cloud-final, /var/log/cloud-init-output.log"' ERR`,
    'report "booting: $(date -u -Iseconds)"',
    'step "installing Python, nginx and OpenSSL (dnf)"',
    "dnf install -y python3.11 python3.11-pip nginx openssl",
    'step "creating the mlflow user"',
    "id mlflow >/dev/null 2>&1 || useradd --system --home-dir /var/lib/mlflow --create-home --shell /sbin/nologin mlflow",
    ...index.lines,
    `step "installing MLflow ${props.mlflowVersion} from ${index.shown}"`,
    `python3.11 -m venv /opt/mlflow`,
    `timeout ${PIP_INSTALL_TIMEOUT_SECONDS} /opt/mlflow/bin/pip install --timeout 30 --retries 3${index.argument} "mlflow==${props.mlflowVersion}" "psycopg2-binary==2.9.9" "boto3>=1.28"`,
    'step "writing the configuration"',
    `site=$(/opt/mlflow/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')`,
    ...file(
      '"$site/mlflow_rds_credentials.py"',
      RDS_CREDENTIALS_HOOK.trimEnd().split("\n"),
      "0644",
    ),
    'echo "import mlflow_rds_credentials" > "$site/mlflow_rds_credentials.pth"',
    ...file(
      "/usr/local/bin/mlflow-tls",
      tlsScript(props.region, props.certificateParameter, props.dnsName),
      "0755",
    ),
    ...file("/etc/nginx/nginx.conf", nginxConfig(props.port, inner), "0644"),
    ...file(
      "/etc/systemd/system/mlflow-tls.service",
      [
        "[Unit]",
        "Description=MLflow server TLS certificate (made or renewed, then published)",
        "After=network-online.target",
        "Wants=network-online.target",
        "Before=nginx.service",
        "[Service]",
        "Type=oneshot",
        "ExecStart=/usr/local/bin/mlflow-tls",
        "[Install]",
        "WantedBy=multi-user.target",
      ],
      "0644",
    ),
    ...file(
      "/etc/systemd/system/mlflow-tls.timer",
      [
        "[Unit]",
        "Description=Renew the MLflow server certificate",
        "[Timer]",
        "OnCalendar=daily",
        "Persistent=true",
        "[Install]",
        "WantedBy=timers.target",
      ],
      "0644",
    ),
    ...file(
      "/etc/systemd/system/mlflow.service",
      [
        "[Unit]",
        "Description=MLflow tracking server",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        "User=mlflow",
        // The first %s: the database secret; its password is read per connection (the hook).
        "Environment=MLFLOW_DB_SECRET_ARN=%s",
        `Environment=AWS_DEFAULT_REGION=${props.region}`,
        // The second %s: the database host. No password in the URI.
        `ExecStart=/opt/mlflow/bin/mlflow server --host 127.0.0.1 --port ${inner} --backend-store-uri postgresql://mlflow@%s:5432/mlflow?sslmode=require --serve-artifacts --artifacts-destination ${props.artifactRoot}`,
        "Restart=always",
        "RestartSec=10",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/mlflow /tmp",
        "[Install]",
        "WantedBy=multi-user.target",
      ],
      "0644",
    ),
    'step "starting the certificate, nginx and MLflow"',
    "systemctl daemon-reload",
    "systemctl enable --now mlflow-tls.service",
    "systemctl enable --now mlflow-tls.timer nginx mlflow",
    `step "waiting for MLflow to answer on https://${props.dnsName}:${props.port}"`,
    `deadline=$((SECONDS + ${HEALTH_WAIT_SECONDS}))`,
    `until curl -fsSk --max-time 5 https://127.0.0.1:${props.port}/health >/dev/null; do`,
    '  if [ "$SECONDS" -ge "$deadline" ]; then false; fi',
    "  sleep 5",
    "done",
    `report "ok: MLflow ${props.mlflowVersion} answers on https://${props.dnsName}:${props.port} ($(date -u -Iseconds))"`,
    "",
  ].join("\n");
}
