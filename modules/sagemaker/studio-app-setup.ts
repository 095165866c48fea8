import { createHash } from "node:crypto";
import { SagemakerStudioLifecycleConfig } from "@cdktf/provider-aws/lib/sagemaker-studio-lifecycle-config";
import { Construct } from "constructs";
import { Token } from "../core/cdktf";
import { AWS_LIMITS } from "../core/limits";

/** What a Studio app is set up with when it starts. */
export interface StudioAppSetupProps {
  /** The platform's package index: pip and uv point at it with a fresh token. */
  readonly packageIndex?: {
    /** Prints a token (the app's execution role's). */
    readonly tokenCommand: string;
    /** `https://<host>/pypi/<repository>/simple/`, without credentials. */
    readonly url: string;
  };
  /** The MLflow tracking server the account runs. */
  readonly mlflow?: {
    readonly trackingUri: string;
    /** SSM parameter with the server's certificate (self-hosted server), to trust. */
    readonly certificateParameter?: string;
    readonly region: string;
  };
}

/** Single-quoted for bash: nothing in it is expanded. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The start-up script of JupyterLab and Code Editor apps (it runs as the app's user, before the
 * app serves, with the execution role's credentials): pip and uv get the platform's package
 * index with a 12-hour token (restarting the app renews it); terminals and notebook kernels get
 * MLFLOW_TRACKING_URI and trust the server's certificate. A step that fails says so in the app's
 * start-up log and the app starts anyway: a missing index must not lock a user out of Studio.
 */
export function studioAppSetupScript(props: StudioAppSetupProps): string {
  const lines = [
    "#!/bin/bash",
    "# Studio app set-up by the platform: the package index and MLflow, without the internet.",
    "set -uo pipefail",
    'say() { echo "platform-setup: $*"; }',
  ];
  if (props.packageIndex !== undefined) {
    const url = props.packageIndex.url;
    if (!url.startsWith("https://")) throw new Error(`package index ${url} is not an https URL`);
    const rest = url.slice("https://".length);
    lines.push(
      'mkdir -p "$HOME/.config/pip" "$HOME/.config/uv"',
      `if token=$(timeout 60 ${props.packageIndex.tokenCommand}) && [ -n "$token" ]; then`,
      `  index="https://aws:$token@${rest}"`,
      "  umask 077",
      `  printf '[global]\\nindex-url = %s\\n' "$index" > "$HOME/.config/pip/pip.conf"`,
      `  printf '[[index]]\\nurl = "%s"\\ndefault = true\\n' "$index" > "$HOME/.config/uv/uv.toml"`,
      `  say "pip and uv install from ${url} (the token lasts 12 hours; restart the app to renew it)"`,
      "else",
      `  say "no token for ${url}: pip and uv have no package index (is the role allowed codeartifact:GetAuthorizationToken?)"`,
      "fi",
    );
  }
  if (props.mlflow !== undefined) {
    const m = props.mlflow;
    const env = [`export MLFLOW_TRACKING_URI=${quoted(m.trackingUri)}`];
    const python = [
      `os.environ.setdefault("MLFLOW_TRACKING_URI", ${JSON.stringify(m.trackingUri)})`,
    ];
    if (m.certificateParameter !== undefined) {
      lines.push(
        `if timeout 60 aws ssm get-parameter --region ${m.region} --name ${quoted(m.certificateParameter)} --query Parameter.Value --output text > "$HOME/.mlflow-server.pem.new" && grep -q "BEGIN CERTIFICATE" "$HOME/.mlflow-server.pem.new"; then`,
        '  mv -f "$HOME/.mlflow-server.pem.new" "$HOME/.mlflow-server.pem"',
        "else",
        '  rm -f "$HOME/.mlflow-server.pem.new"',
        `  say "the MLflow server has not published its certificate yet (${m.certificateParameter}): restart the app once it runs"`,
        "fi",
      );
      env.push('export MLFLOW_TRACKING_SERVER_CERT_PATH="$HOME/.mlflow-server.pem"');
      python.push(
        'os.environ.setdefault("MLFLOW_TRACKING_SERVER_CERT_PATH", os.path.expanduser("~/.mlflow-server.pem"))',
      );
    }
    lines.push(
      `cat > "$HOME/.platform-env" <<'EOF_ENV'`,
      ...env,
      "EOF_ENV",
      `grep -qs '.platform-env' "$HOME/.bashrc" || echo '[ -f "$HOME/.platform-env" ] && . "$HOME/.platform-env"' >> "$HOME/.bashrc"`,
      'mkdir -p "$HOME/.ipython/profile_default/startup"',
      `cat > "$HOME/.ipython/profile_default/startup/00-platform-mlflow.py" <<'EOF_PY'`,
      "import os",
      ...python,
      "EOF_PY",
      `say "MLflow: ${m.trackingUri}"`,
    );
  }
  lines.push("exit 0", "");
  return lines.join("\n");
}

export interface StudioLifecycleConfigsProps extends StudioAppSetupProps {
  /** Starts the configurations' names: `<namePrefix>-jupyterlab-<content hash>`. */
  readonly namePrefix: string;
}

/**
 * The set-up script as a lifecycle configuration for JupyterLab and one for Code Editor, named
 * after their content: a changed script is a new configuration, made before the profiles move to
 * it and the old one goes (create_before_destroy), so no profile ever names a missing one.
 */
export class StudioLifecycleConfigs extends Construct {
  readonly jupyterLabArn: string;
  readonly codeEditorArn: string;
  readonly script: string;

  constructor(scope: Construct, id: string, props: StudioLifecycleConfigsProps) {
    super(scope, id);
    this.script = studioAppSetupScript(props);
    if (Token.isUnresolved(this.script)) {
      throw new Error(`${this.node.path}: the set-up script must be known at synthesis`);
    }
    const content = Buffer.from(this.script, "utf8").toString("base64");
    if (content.length > AWS_LIMITS.sagemaker.lifecycleConfigContentChars) {
      throw new Error(
        `${this.node.path}: the set-up script is ${content.length} characters in base64; SageMaker allows ${AWS_LIMITS.sagemaker.lifecycleConfigContentChars}`,
      );
    }
    const hash = createHash("sha256").update(content).digest("hex").slice(0, 8);
    const make = (appType: "JupyterLab" | "CodeEditor", slug: string) => {
      const name = `${props.namePrefix}-${slug}-${hash}`;
      if (name.length > 63) {
        throw new Error(`${this.node.path}: ${name} is longer than SageMaker's 63 characters`);
      }
      return new SagemakerStudioLifecycleConfig(this, slug, {
        studioLifecycleConfigName: name,
        studioLifecycleConfigAppType: appType,
        studioLifecycleConfigContent: content,
        lifecycle: { createBeforeDestroy: true },
      }).arn;
    };
    this.jupyterLabArn = make("JupyterLab", "jupyterlab");
    this.codeEditorArn = make("CodeEditor", "codeeditor");
  }
}
