/**
 * Studio's app set-up: the lifecycle configurations every JupyterLab and Code Editor app starts
 * with, attached per user profile with Studio's idle shutdown, and the script itself run by bash
 * with a stand-in AWS CLI in a temporary home.
 */
import { spawnSync } from "node:child_process";
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
import {
  studioAppSetupScript,
  type StudioAppSetupProps,
} from "../../../modules/sagemaker/studio-app-setup";
import { findResource, resourcesOf, synthPlatform, synthWith, type StackJson } from "../../helpers";

const INDEX =
  "https://mlops-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/";
const TOKEN_COMMAND =
  "aws codeartifact get-authorization-token --region eu-west-1 --domain mlops-dev --domain-owner 111111111111 --query authorizationToken --output text";

function lifecycleConfigs(stack: StackJson) {
  return Object.entries(resourcesOf(stack, "aws_sagemaker_studio_lifecycle_config"));
}

describe("every profile's apps start set up, and stop when idle", () => {
  const dev = synthWith((c) => (c.accounts.dev.mlflow = { mode: "ec2" })).dev;

  test("one lifecycle configuration per app type, named after its content, replaced before it goes", () => {
    const configs = lifecycleConfigs(dev).map(([, c]) => c);
    expect(configs.map((c) => c.studio_lifecycle_config_app_type)).toEqual([
      "JupyterLab",
      "CodeEditor",
    ]);
    for (const c of configs) {
      expect(c.studio_lifecycle_config_name).toMatch(
        /^mlops-dev-(jupyterlab|codeeditor)-[0-9a-f]{8}$/,
      );
      expect(c.lifecycle).toEqual({ create_before_destroy: true });
    }
    const script = Buffer.from(configs[0].studio_lifecycle_config_content, "base64").toString();
    expect(script).toContain(`if token=$(timeout 60 ${TOKEN_COMMAND}) && [ -n "$token" ]; then`);
    expect(script).toContain("export MLFLOW_TRACKING_URI='https://mlflow.mlops-dev.internal:5000'");
    expect(script).toContain("--name '/platform/mlops-dev/mlflow/tls-certificate'");
    // Another script is another name: profiles move to the new one before the old is deleted.
    const other = synthWith(
      (c) => (c.accounts.dev.mlflow = { mode: "ec2", server: { port: 5443 } }),
    ).dev;
    expect(lifecycleConfigs(other).map(([, c]) => c.studio_lifecycle_config_name)).not.toEqual(
      configs.map((c) => c.studio_lifecycle_config_name),
    );
  });

  test("each user profile starts its apps with them and stops them after 120 idle minutes by default", () => {
    const [jupyter] = findResource(
      dev,
      "aws_sagemaker_studio_lifecycle_config",
      (c) => c.studio_lifecycle_config_app_type === "JupyterLab",
    );
    const [editor] = findResource(
      dev,
      "aws_sagemaker_studio_lifecycle_config",
      (c) => c.studio_lifecycle_config_app_type === "CodeEditor",
    );
    const idle = {
      idle_settings: {
        lifecycle_management: "ENABLED",
        idle_timeout_in_minutes: 120,
        min_idle_timeout_in_minutes: 60,
        max_idle_timeout_in_minutes: 120,
      },
    };
    const profiles = Object.values(resourcesOf(dev, "aws_sagemaker_user_profile"));
    expect(profiles).toHaveLength(2);
    for (const p of profiles) {
      const arn = (key: string) => `\${aws_sagemaker_studio_lifecycle_config.${key}.arn}`;
      expect(p.user_settings.jupyter_lab_app_settings).toEqual({
        lifecycle_config_arns: [arn(jupyter)],
        default_resource_spec: { lifecycle_config_arn: arn(jupyter) },
        app_lifecycle_management: idle,
      });
      expect(p.user_settings.code_editor_app_settings).toEqual({
        lifecycle_config_arns: [arn(editor)],
        default_resource_spec: { lifecycle_config_arn: arn(editor) },
        app_lifecycle_management: idle,
      });
    }
    // The domain holds none of it (any UpdateDomain of a VpcOnly domain fails on the provider).
    const [, domain] = findResource(dev, "aws_sagemaker_domain", () => true);
    expect(JSON.stringify(domain)).not.toMatch(/lifecycle_config|idle_settings/);
  });

  test("the idle time follows config, within SageMaker's range", () => {
    const at = (minutes: number) =>
      synthWith((c) => (c.accounts.dev.sagemaker.domains[0].idleShutdownMinutes = minutes));
    const profile = Object.values(resourcesOf(at(60).dev, "aws_sagemaker_user_profile"))[0];
    expect(
      profile.user_settings.code_editor_app_settings.app_lifecycle_management.idle_settings,
    ).toEqual({
      lifecycle_management: "ENABLED",
      idle_timeout_in_minutes: 60,
      min_idle_timeout_in_minutes: 60,
      max_idle_timeout_in_minutes: 60,
    });
  });

  test("no package path and no MLflow: no script, idle shutdown all the same", () => {
    const plain = synthWith((c) => (c.accounts.dev.vpc.natGateways = "single")).dev;
    expect(lifecycleConfigs(plain)).toEqual([]);
    const profile = Object.values(resourcesOf(plain, "aws_sagemaker_user_profile"))[0];
    expect(profile.user_settings.jupyter_lab_app_settings).toEqual({
      app_lifecycle_management: expect.objectContaining({
        idle_settings: expect.objectContaining({ idle_timeout_in_minutes: 120 }),
      }),
    });
  });

  test("the example (packages, no MLflow) sets up pip only", () => {
    const example = synthPlatform().json.dev;
    const [, config] = lifecycleConfigs(example)[0];
    const script = Buffer.from(config.studio_lifecycle_config_content, "base64").toString();
    expect(script).toContain(TOKEN_COMMAND);
    expect(script).not.toContain("MLFLOW_TRACKING_URI");
  });
});

describe("the set-up script, run by bash", () => {
  let work: string;
  beforeAll(() => (work = mkdtempSync(join(tmpdir(), "studio-setup-"))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function runScript(props: StudioAppSetupProps, name: string, aws: string) {
    const home = join(work, name, "home");
    const bin = join(work, name, "bin");
    mkdirSync(home, { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "aws"), `#!/bin/bash\n${aws}\n`);
    chmodSync(join(bin, "aws"), 0o755);
    const script = join(work, name, "setup.sh");
    writeFileSync(script, studioAppSetupScript(props));
    const result = spawnSync("bash", [script], {
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: home },
      encoding: "utf8",
    });
    const read = (path: string) =>
      existsSync(join(home, path)) ? readFileSync(join(home, path), "utf8") : undefined;
    return { ...result, read };
  }

  const props: StudioAppSetupProps = {
    packageIndex: { tokenCommand: TOKEN_COMMAND, url: INDEX },
    mlflow: {
      trackingUri: "https://mlflow.mlops-dev.internal:5000",
      certificateParameter: "/platform/mlops-dev/mlflow/tls-certificate",
      region: "eu-west-1",
    },
  };
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

  test("points pip and uv at the index with a token, and MLflow clients at the server", () => {
    const run = runScript(
      props,
      "ok",
      `case "$1 $2" in
  "codeartifact get-authorization-token") echo "t0k3n" ;;
  "ssm get-parameter") printf '%s\\n' "${PEM}" ;;
  *) exit 1 ;;
esac`,
    );
    expect(run.status).toBe(0);
    const index = `https://aws:t0k3n@${INDEX.slice("https://".length)}`;
    expect(run.read(".config/pip/pip.conf")).toBe(`[global]\nindex-url = ${index}\n`);
    expect(run.read(".config/uv/uv.toml")).toBe(`[[index]]\nurl = "${index}"\ndefault = true\n`);
    expect(run.read(".mlflow-server.pem")).toBe(`${PEM}\n`);
    expect(run.read(".platform-env")).toBe(
      "export MLFLOW_TRACKING_URI='https://mlflow.mlops-dev.internal:5000'\nexport MLFLOW_TRACKING_SERVER_CERT_PATH=\"$HOME/.mlflow-server.pem\"\n",
    );
    expect(run.read(".bashrc")).toBe('[ -f "$HOME/.platform-env" ] && . "$HOME/.platform-env"\n');
    // Notebook kernels get the same through IPython's start-up folder.
    const kernel = spawnSync(
      "python3",
      [
        "-c",
        `${run.read(".ipython/profile_default/startup/00-platform-mlflow.py")}\nprint(os.environ["MLFLOW_TRACKING_URI"], os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"].endswith(".mlflow-server.pem"))`,
      ],
      { encoding: "utf8", env: { PATH: process.env.PATH, HOME: "/home/sagemaker-user" } },
    );
    expect(kernel.stdout.trim()).toBe("https://mlflow.mlops-dev.internal:5000 True");
    // The token is in the user's pip config, readable by the user alone, and never printed.
    expect(run.stdout).not.toContain("t0k3n");
    // A second start renews the token and adds no second line to .bashrc.
    const again = runScript(
      props,
      "ok",
      `case "$1 $2" in "codeartifact get-authorization-token") echo "n3w" ;; *) exit 1 ;; esac`,
    );
    expect(again.read(".config/pip/pip.conf")).toContain("aws:n3w@");
    expect(again.read(".bashrc")!.split("\n").filter(Boolean)).toHaveLength(1);
  });

  test("no token and no certificate yet: it says so and the app still starts", () => {
    const run = runScript(props, "refused", 'echo "AccessDenied" >&2; exit 254');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `platform-setup: no token for ${INDEX}: pip and uv have no package index (is the role allowed codeartifact:GetAuthorizationToken?)`,
    );
    expect(run.stdout).toContain(
      "platform-setup: the MLflow server has not published its certificate yet (/platform/mlops-dev/mlflow/tls-certificate): restart the app once it runs",
    );
    expect(run.read(".config/pip/pip.conf")).toBeUndefined();
    expect(run.read(".mlflow-server.pem")).toBeUndefined();
  });
});
