import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  internalPort,
  type PackageSource,
  mlflowUserData,
  RDS_CREDENTIALS_HOOK,
} from "../../../modules/mlflow/mlflow-user-data";
import { plainReferences, simulate } from "../../iam-simulate";
import {
  allPoliciesOf,
  exampleInput,
  expectedGrant,
  findResource,
  keyByAlias,
  parse,
  ref,
  policyOf,
  problemsOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  type StackJson,
} from "../../helpers";

function devWith(change: (dev: any) => void): StackJson {
  const input = exampleInput() as any;
  change(input.accounts.dev);
  return synthPlatform(parse(input)).json.dev;
}

const on = devWith((dev) => {
  dev.vpc.natGateways = "single";
  dev.mlflow = { server: { enabled: true } };
});
const off = synthPlatform().json.dev;

const SERVER_TYPES = [
  "aws_instance",
  "aws_launch_template",
  "aws_db_instance",
  "aws_db_parameter_group",
  "aws_db_subnet_group",
];

const managed = devWith((dev) => {
  dev.mlflow = {
    mode: "managed",
    managed: { size: "Medium", weeklyMaintenanceWindowStart: "Tue:02:30" },
  };
});

describe("managed MLflow tracking server (mode: managed)", () => {
  const [, server] = findResource(managed, "aws_sagemaker_mlflow_tracking_server", () => true);
  const [role] = findResource(
    managed,
    "aws_iam_role",
    (r) => r.name === "mlops-dev-mlflow-tracking",
  );
  const [bucket] = findResource(
    managed,
    "aws_s3_bucket",
    (b) => b.bucket === "mlops-dev-mlflow-111111111111-eu-west-1",
  );
  const serverArn = "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/mlops-dev";

  test("the server: the MLflow bucket, its own role, size and window from config, protected", () => {
    expect(server).toMatchObject({
      tracking_server_name: "mlops-dev",
      artifact_store_uri: `s3://${ref("aws_s3_bucket", bucket, "bucket")}`,
      role_arn: ref("aws_iam_role", role, "arn"),
      tracking_server_size: "Medium",
      weekly_maintenance_window_start: "Tue:02:30",
      automatic_model_registration: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(server.mlflow_version).toBeUndefined();
    // Created after its role and policies: plain addresses, as depends_on takes them.
    expect(server.depends_on).toEqual([
      `aws_iam_role.${role}`,
      expect.stringMatching(/^aws_iam_policy\.mlflow-managed_role_policy-permissions_/),
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.mlflow-managed_role_attach-permissions_/,
      ),
      expect.stringMatching(/^aws_iam_policy\.mlflow-managed_role_policy-guardrails_/),
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.mlflow-managed_role_attach-guardrails_/,
      ),
    ]);
    // No self-hosted server in this mode.
    for (const type of SERVER_TYPES) expect(resourcesOf(managed, type)).toEqual({});
  });

  test("its role is SageMaker's of this account, for its tracking servers only", () => {
    expect(
      JSON.parse(resourcesOf(managed, "aws_iam_role")[role].assume_role_policy).Statement,
    ).toEqual([
      {
        Sid: "SageMakerMlflowOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: {
            "aws:SourceArn": "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/*",
          },
        },
      },
    ]);
  });

  test("its role reaches the MLflow bucket only and registers models as pending, never approved", () => {
    const policy = rolePolicy(managed, "mlops-dev-mlflow-tracking");
    const arn = ref("aws_s3_bucket", bucket, "arn");
    expect(policy.Statement.map((st) => st.Sid)).toEqual([
      "MlflowBucketReadWriteList",
      "MlflowBucketReadWriteBucket",
      "MlflowBucketReadWriteObjects",
      "MlflowBucketReadWriteKey",
      "RegisterModelsAsPending",
    ]);
    const [dataKey] = keyByAlias(managed, "alias/mlops-dev-data");
    expect(policy.Statement.slice(0, 4)).toEqual(
      expectedGrant("MlflowBucketReadWrite", arn, ref("aws_kms_key", dataKey, "arn"), "read-write"),
    );
    expect(statement(policy, "RegisterModelsAsPending")).toEqual({
      Sid: "RegisterModelsAsPending",
      Effect: "Allow",
      Action: [
        "sagemaker:AddTags",
        "sagemaker:CreateModelPackage",
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:DescribeModelPackage",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:UpdateModelPackage",
      ],
      Resource: [
        "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/*",
        "arn:aws:sagemaker:eu-west-1:111111111111:model-package/*",
      ],
    });
    // Registering is pending only, and the approval status is never the server's to change.
    expect(rolePolicy(managed, "mlops-dev-mlflow-tracking", "guardrails").Statement).toEqual([
      {
        Sid: "DenyRegisteringOtherThanPending",
        Effect: "Deny",
        Action: "sagemaker:CreateModelPackage",
        Resource: "*",
        Condition: {
          StringNotEquals: { "sagemaker:ModelApprovalStatus": "PendingManualApproval" },
          Null: { "sagemaker:ModelApprovalStatus": "false" },
        },
      },
      {
        Sid: "DenyChangingModelApproval",
        Effect: "Deny",
        Action: "sagemaker:UpdateModelPackage",
        Resource: "*",
        Condition: { Null: { "sagemaker:ModelApprovalStatus": "false" } },
      },
    ]);
  });

  test("the MLflow interface endpoint, beside SageMaker's API", () => {
    const [, endpoint] = findResource(
      managed,
      "aws_vpc_endpoint",
      (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
    );
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
    // Not in the other modes.
    expect(
      Object.values(resourcesOf(off, "aws_vpc_endpoint")).map((e) => e.service_name),
    ).not.toContain("aws.sagemaker.eu-west-1.experiments");
  });

  test("Studio, pipelines and the build personas use this server only, only through the endpoint", () => {
    const [endpoint] = findResource(
      managed,
      "aws_vpc_endpoint",
      (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
    );
    const expected = [
      {
        Sid: "UseTheTrackingServerThroughTheVpcEndpoint",
        Effect: "Allow",
        Action: "sagemaker-mlflow:*",
        Resource: serverArn,
        Condition: { StringEquals: { "aws:SourceVpce": ref("aws_vpc_endpoint", endpoint, "id") } },
      },
      {
        // AccessUI exists on "*" only: on the server's ARN it granted nothing.
        Sid: "OpenTheTrackingServerUi",
        Effect: "Allow",
        Action: "sagemaker-mlflow:AccessUI",
        Resource: "*",
      },
      {
        Sid: "OpenTheTrackingServer",
        Effect: "Allow",
        Action: [
          "sagemaker:CreatePresignedMlflowTrackingServerUrl",
          "sagemaker:DescribeMlflowTrackingServer",
        ],
        Resource: serverArn,
      },
    ];
    for (const name of [
      "mlops-dev-studio-execution",
      "mlops-dev-team-admin-execution",
      "mlops-dev-pipeline-execution",
      "mlops-dev-data-scientist",
      "mlops-dev-team-admin",
      "mlops-dev-ds-admin",
    ]) {
      expect([name, rolePolicy(managed, name, "mlflow").Statement]).toEqual([name, expected]);
    }
    // The approver and the deployer have no MLflow access.
    for (const name of ["mlops-dev-model-approver", "mlops-dev-model-deployer"]) {
      expect(
        Object.values(resourcesOf(managed, "aws_iam_policy")).map((p) => p.name),
      ).not.toContain(`${name}-mlflow`);
    }
  });

  test("outputs the tracking URI and how clients use it", () => {
    expect(managed.output!.mlflow_tracking_server_arn.value).toBe(serverArn);
    expect(managed.output!.mlflow_client_setup.value).toBe(
      `pip install sagemaker-mlflow && python -c 'import mlflow; mlflow.set_tracking_uri("${serverArn}")'`,
    );
  });

  test("the artifact bucket keeps its address in every mode, so switching replaces no data", () => {
    const addresses = (stack: StackJson) =>
      Object.entries(resourcesOf(stack, "aws_s3_bucket"))
        .filter(([, b]) => String(b.bucket).includes("-mlflow-"))
        .map(([name]) => name);
    expect(addresses(managed)).toEqual(addresses(off));
    expect(addresses(on)).toEqual(addresses(off));
  });
});

describe("MLflow server switch", () => {
  test("off by default: no instance, template, database, groups, key or secret reference", () => {
    for (const type of SERVER_TYPES) expect(resourcesOf(off, type)).toEqual({});
    const groups = Object.values(resourcesOf(off, "aws_security_group")).map((g) => g.name);
    expect(groups).not.toContain("mlops-dev-mlflow-server");
    expect(groups).not.toContain("mlops-dev-mlflow-database");
    expect(Object.values(resourcesOf(off, "aws_kms_alias")).map((a) => a.name)).not.toContain(
      "alias/mlops-dev-mlflow",
    );
    expect(off.data?.aws_ssm_parameter).toBeUndefined();
    expect(JSON.stringify(rolePolicy(off, "mlops-dev-mlflow-server"))).not.toContain(
      "secretsmanager",
    );
    expect(off.output?.mlflow_tracking_uri).toBeUndefined();
  });

  test("on: the instance, its launch template, the database, both groups and the secret reference", () => {
    for (const type of SERVER_TYPES) expect(Object.keys(resourcesOf(on, type))).toHaveLength(1);
    for (const name of ["mlops-dev-mlflow-server", "mlops-dev-mlflow-database"]) {
      expect(findResource(on, "aws_security_group", (g) => g.name === name)[1].description).toMatch(
        /^\w.{19,}/,
      );
    }
    const [db] = findResource(on, "aws_db_instance", () => true);
    expect(
      statement(rolePolicy(on, "mlops-dev-mlflow-server"), "ReadTheDatabaseSecret").Resource,
    ).toBe(ref("aws_db_instance", db, "master_user_secret[0].secret_arn"));
  });
});

describe("MLflow server instance", () => {
  const [ltName, lt] = findResource(on, "aws_launch_template", () => true);
  const [, instance] = findResource(on, "aws_instance", () => true);
  const [mlflowKey] = keyByAlias(on, "alias/mlops-dev-mlflow");

  test("IMDSv2 only, one hop; encrypted root volume with the MLflow key; no key pair; detailed monitoring", () => {
    expect(lt.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
    });
    expect(lt.block_device_mappings).toEqual([
      {
        device_name: "/dev/xvda",
        ebs: {
          encrypted: "true",
          kms_key_id: ref("aws_kms_key", mlflowKey, "arn"),
          volume_size: 30,
          volume_type: "gp3",
          delete_on_termination: "true",
        },
      },
    ]);
    expect(lt.key_name).toBeUndefined();
    expect(instance.key_name).toBeUndefined();
    expect(lt.monitoring).toEqual({ enabled: true });
    expect(instance.monitoring).toBe(true);
    expect(lt.instance_type).toBe("t3.medium");
  });

  test("runs from the template in a private subnet with the MLflow instance profile and no public IP", () => {
    expect(instance).toMatchObject({
      launch_template: {
        id: ref("aws_launch_template", ltName),
        version: ref("aws_launch_template", ltName, "latest_version"),
      },
      associate_public_ip_address: false,
      subnet_id: expect.stringMatching(/^\$\{aws_subnet\.network_private-subnet-0_/),
    });
    const [profile] = findResource(on, "aws_iam_instance_profile", () => true);
    expect(lt.iam_instance_profile).toEqual({
      name: ref("aws_iam_instance_profile", profile, "name"),
    });
    expect(lt.image_id).toMatch(/^\$\{data\.aws_ssm_parameter\..+\.value\}$/);
    // A newly published AMI does not replace the server: the first one found stays.
    expect(lt.lifecycle).toEqual({ ignore_changes: ["image_id"] });
  });

  test("a pinned AMI replaces the lookup", () => {
    const dev = devWith((d) => {
      d.vpc.natGateways = "single";
      d.mlflow = { server: { enabled: true, amiId: "ami-0abcdef1234567890" } };
    });
    const [, pinned] = findResource(dev, "aws_launch_template", () => true);
    expect(pinned.image_id).toBe("ami-0abcdef1234567890");
    // Changing a pinned AMI is the decision to replace the server: Terraform must see it.
    expect(pinned.lifecycle).toBeUndefined();
    expect(dev.data?.aws_ssm_parameter).toBeUndefined();
  });

  test("user data fills in only the secret's ARN and the database address", () => {
    const [db] = findResource(on, "aws_db_instance", () => true);
    expect(lt.user_data).toMatch(/^\$\{base64encode\(format\("#!\/bin\/bash\\n/);
    expect(lt.user_data).toContain(
      `, aws_db_instance.${db}.master_user_secret[0].secret_arn, aws_db_instance.${db}.address))}`,
    );
  });
});

describe("user data script", () => {
  const script = mlflowUserData({
    mlflowVersion: "2.17.2",
    port: 5000,
    artifactRoot: "s3://bucket",
    region: "eu-west-1",
    certificateParameter: "/platform/mlops-dev/mlflow/tls-certificate",
    dnsName: "mlflow.mlops-dev.internal",
    packages: { from: "pypi" },
    bootStatusParameter: "/platform/mlops-dev/mlflow/boot-status",
  });
  const lines = script.split("\n");

  test("MLflow serves artifacts itself, on the loopback interface, with no password in its URI", () => {
    expect(script).toContain(
      'timeout 1200 /opt/mlflow/bin/pip install --timeout 30 --retries 3 "mlflow==2.17.2" "psycopg2-binary==2.9.9" "boto3>=1.28"',
    );
    expect(lines.filter((l) => l.includes("mlflow server"))).toEqual([
      "ExecStart=/opt/mlflow/bin/mlflow server --host 127.0.0.1 --port 5001 --backend-store-uri postgresql://mlflow@%s:5432/mlflow?sslmode=require --serve-artifacts --artifacts-destination s3://bucket",
    ]);
    expect(lines).toContain("Environment=MLFLOW_DB_SECRET_ARN=%s");
    expect(lines).toContain("User=mlflow");
    expect(lines).toContain("systemctl enable --now mlflow-tls.timer nginx mlflow");
    // The password is never read by the script, written to a file or put in the environment.
    expect(script).not.toContain("get-secret-value");
    expect(script.replace(RDS_CREDENTIALS_HOOK.trimEnd(), "")).not.toMatch(
      /password|BACKEND_STORE_URI=/i,
    );
  });

  test("exactly two placeholders for Terraform's format(), in order: the secret, then the host", () => {
    expect(script.match(/%/g)).toEqual(["%", "%"]);
    expect(script.indexOf("MLFLOW_DB_SECRET_ARN=%s")).toBeLessThan(script.indexOf("mlflow@%s"));
  });

  test("the credentials hook is installed into the server's environment and loaded by every interpreter", () => {
    const start = lines.indexOf("cat > \"$site/mlflow_rds_credentials.py\" <<'EOF_FILE'");
    const end = lines.indexOf("EOF_FILE", start);
    expect(lines.slice(start + 1, end).join("\n")).toBe(RDS_CREDENTIALS_HOOK.trimEnd());
    expect(lines).toContain(
      'echo "import mlflow_rds_credentials" > "$site/mlflow_rds_credentials.pth"',
    );
  });

  test("nginx terminates TLS 1.2+ on the tracking port and proxies to MLflow on loopback", () => {
    for (const line of [
      "        listen 5000 ssl;",
      "        ssl_protocols TLSv1.2 TLSv1.3;",
      "        ssl_certificate /etc/mlflow-tls/cert.pem;",
      "        ssl_certificate_key /etc/mlflow-tls/key.pem;",
      "            proxy_pass http://127.0.0.1:5001;",
      "        client_max_body_size 0;",
    ]) {
      expect(lines).toContain(line);
    }
    expect(script).not.toMatch(/listen\s+(80|443)\b/);
    expect([internalPort(5000), internalPort(5001), internalPort(65535)]).toEqual([
      5001, 5002, 5001,
    ]);
  });

  test("the certificate is made for the server's stable name, the instance and localhost, renewed before expiry and published", () => {
    expect(script).toContain(
      '-subj "/CN=mlflow.mlops-dev.internal" -addext "subjectAltName=DNS:mlflow.mlops-dev.internal,IP:$ip,DNS:$host,IP:127.0.0.1,DNS:localhost"',
    );
    expect(script).toContain(
      "if [ -s /etc/mlflow-tls/cert.pem ] && openssl x509 -checkend 2592000 -noout -in /etc/mlflow-tls/cert.pem; then exit 0; fi",
    );
    expect(script).toContain(
      "aws ssm put-parameter --region eu-west-1 --name '/platform/mlops-dev/mlflow/tls-certificate' --type String --overwrite --value \"file:///etc/mlflow-tls/cert.pem\"",
    );
    expect(lines).toContain("OnCalendar=daily");
    expect(script).toContain("chmod 0640 /etc/mlflow-tls/key.new");
  });

  test("stays within EC2's 16 KB of user data with the longest inputs and filled placeholders", () => {
    const longest = mlflowUserData({
      mlflowVersion: "10.100.100",
      packages: {
        from: "codeartifact",
        url: `https://${"p".repeat(120)}/pypi/packages/simple/`,
        tokenCommand: `aws codeartifact get-authorization-token --domain ${"d".repeat(50)} --domain-owner 111111111111 --query authorizationToken --output text`,
      },
      bootStatusParameter: `/${"x".repeat(60)}/mlflow/boot-status`,
      port: 65535,
      artifactRoot: `s3://${"b".repeat(63)}`,
      region: "ap-southeast-2",
      certificateParameter: `/${"x".repeat(60)}/mlflow/tls-certificate`,
      dnsName: `mlflow.${"x".repeat(60)}.internal`,
    });
    // A secret ARN is at most ~2 KB, an RDS address ~ 120 characters.
    expect(longest.length + 2048 + 128).toBeLessThan(16 * 1024);
  });

  const withPackages = (packages: PackageSource) =>
    mlflowUserData({
      mlflowVersion: "2.17.2",
      packages,
      port: 5000,
      artifactRoot: "s3://b",
      region: "eu-west-1",
      certificateParameter: "/p",
      dnsName: "mlflow.x.internal",
      bootStatusParameter: "/platform/x/mlflow/boot-status",
    });

  test("uses the configured package index", () => {
    expect(withPackages({ from: "index", url: "https://pypi.example/simple" })).toContain(
      "pip install --timeout 30 --retries 3 --index-url 'https://pypi.example/simple'",
    );
  });

  test("installs from the platform's CodeArtifact repository with a token of the server's role, never printed", () => {
    const text = withPackages({
      from: "codeartifact",
      url: "https://mlops-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/",
      tokenCommand:
        "aws codeartifact get-authorization-token --query authorizationToken --output text",
    });
    const at = (line: string) => text.split("\n").indexOf(line);
    expect(
      at(
        "token=$(timeout 120 aws codeartifact get-authorization-token --query authorizationToken --output text)",
      ),
    ).toBeGreaterThan(0);
    expect(
      at(
        'index="https://aws:$token@mlops-dev-111111111111.d.codeartifact.eu-west-1.amazonaws.com/pypi/packages/simple/"',
      ),
    ).toBeGreaterThan(
      at(
        "token=$(timeout 120 aws codeartifact get-authorization-token --query authorizationToken --output text)",
      ),
    );
    expect(text).toContain(
      'pip install --timeout 30 --retries 3 --index-url "$index" "mlflow==2.17.2"',
    );
    expect(text).not.toMatch(/set -x|echo[^\n]*\$token|echo[^\n]*\$index/);
  });

  test("the boot reports where it stopped, and ok only once MLflow answers through nginx", () => {
    expect(lines[1]).toBe("set -Eeuo pipefail");
    expect(script).toContain(
      `trap 'report "failed: $STEP (exit $?, $(date -u -Iseconds)); on the instance: journalctl -u cloud-final, /var/log/cloud-init-output.log"' ERR`,
    );
    const ok = lines.findIndex((l) => l.startsWith('report "ok:'));
    const health = lines.indexOf(
      "until curl -fsSk --max-time 5 https://127.0.0.1:5000/health >/dev/null; do",
    );
    expect(health).toBeGreaterThan(
      lines.indexOf("systemctl enable --now mlflow-tls.timer nginx mlflow"),
    );
    expect(ok).toBeGreaterThan(health);
    expect(lines[ok]).toBe(
      'report "ok: MLflow 2.17.2 answers on https://mlflow.mlops-dev.internal:5000 ($(date -u -Iseconds))"',
    );
  });
});

/**
 * The hook run by Python against stand-ins for SQLAlchemy, boto3 and the database driver: the
 * database takes only the current password, and the secret changes as RDS rotates it.
 */
const python = spawnSync("python3", ["--version"]).status === 0;
(python ? describe : describe.skip)("the credentials hook survives a password rotation", () => {
  const HARNESS = `
import json, os, sys
state = {"secret": "first", "database": "first", "reads": 0}

class OperationalError(Exception):
    pass

class Driver:
    OperationalError = OperationalError
    @staticmethod
    def connect(*args, **kwargs):
        if kwargs.get("password") != state["database"]:
            raise OperationalError("password authentication failed")
        return ("connection", kwargs["password"])

class Dialect:
    name = "postgresql"
    loaded_dbapi = Driver

listeners = []
class Event:
    @staticmethod
    def listens_for(target, name):
        def register(f):
            listeners.append((target, name, f))
            return f
        return register

class Engine:
    pass

class Client:
    def get_secret_value(self, SecretId):
        assert SecretId == "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1"
        state["reads"] += 1
        return {"SecretString": json.dumps({"username": "mlflow", "password": state["secret"]})}

sqlalchemy = type(sys)("sqlalchemy"); sqlalchemy.event = Event
engine = type(sys)("sqlalchemy.engine"); engine.Engine = Engine
boto3 = type(sys)("boto3"); boto3.client = lambda service: Client()
sys.modules.update({"sqlalchemy": sqlalchemy, "sqlalchemy.engine": engine, "boto3": boto3})

import mlflow_rds_credentials as hook
[(target, name, connect)] = listeners
assert target is Engine and name == "do_connect"
results = []
def open_connection():
    return connect(Dialect, None, (), {"host": "db", "user": "mlflow"})
results.append(open_connection())            # first connection: reads the secret
results.append(open_connection())            # cached: no second read
state["secret"] = state["database"] = "second"   # RDS rotates the password
results.append(open_connection())            # cached password refused: read again, retry once
state["database"] = "third"                  # the database changed, the secret not yet
try:
    open_connection()
    results.append("connected")
except OperationalError:
    results.append("refused")
print(json.dumps({"results": results, "reads": state["reads"]}))
`;

  test("reads the secret once, re-reads it when the database refuses the cached password", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlflow-hook-"));
    try {
      mkdirSync(join(dir, "site"));
      writeFileSync(join(dir, "site", "mlflow_rds_credentials.py"), RDS_CREDENTIALS_HOOK);
      writeFileSync(join(dir, "harness.py"), HARNESS);
      const run = spawnSync("python3", [join(dir, "harness.py")], {
        env: {
          PATH: process.env.PATH,
          PYTHONPATH: join(dir, "site"),
          MLFLOW_DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1",
        },
        encoding: "utf8",
      });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toEqual({
        results: [
          ["connection", "first"],
          ["connection", "first"],
          ["connection", "second"],
          "refused",
        ],
        // One read at first, one after the rotation, one for the refused retry.
        reads: 3,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("does nothing without the secret's ARN (other programs of the environment)", () => {
    const run = spawnSync(
      "python3",
      ["-c", "import mlflow_rds_credentials as h; print(h.SECRET_ID)"],
      {
        env: { PATH: process.env.PATH, PYTHONPATH: "/nonexistent" },
        encoding: "utf8",
        input: "",
      },
    );
    expect(run.status).not.toBe(0); // the module is not importable here: prove the harness is real
    const dir = mkdtempSync(join(tmpdir(), "mlflow-hook-"));
    try {
      writeFileSync(join(dir, "mlflow_rds_credentials.py"), RDS_CREDENTIALS_HOOK);
      const quiet = spawnSync(
        "python3",
        ["-c", "import mlflow_rds_credentials as h; print(h.SECRET_ID)"],
        { env: { PATH: process.env.PATH, PYTHONPATH: dir }, encoding: "utf8" },
      );
      // No SQLAlchemy or boto3 is importable here: the hook must not try to load them.
      expect([quiet.status, quiet.stdout.trim(), quiet.stderr]).toEqual([0, "None", ""]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("MLflow backend store", () => {
  const [, db] = findResource(on, "aws_db_instance", () => true);
  const [mlflowKey] = keyByAlias(on, "alias/mlops-dev-mlflow");

  test("encrypted, private, RDS-managed password in Secrets Manager, IAM auth, protected, backed up", () => {
    expect(db).toMatchObject({
      identifier: "mlops-dev-mlflow",
      engine: "postgres",
      engine_version: "16",
      // Defaults: the smallest Graviton class, 20 GiB of gp3.
      instance_class: "db.t4g.small",
      allocated_storage: 20,
      storage_type: "gp3",
      db_name: "mlflow",
      username: "mlflow",
      // A higher engineVersion upgrades in place; RDS refuses a major upgrade without this.
      allow_major_version_upgrade: true,
      // ... during the apply, never deferred to the window (a deferred engine change re-plans,
      // and the old parameter group, still in use, cannot be deleted).
      apply_immediately: true,
      auto_minor_version_upgrade: true,
      storage_encrypted: true,
      kms_key_id: ref("aws_kms_key", mlflowKey, "arn"),
      manage_master_user_password: true,
      master_user_secret_kms_key_id: ref("aws_kms_key", mlflowKey, "arn"),
      iam_database_authentication_enabled: true,
      publicly_accessible: false,
      deletion_protection: true,
      backup_retention_period: 7,
      skip_final_snapshot: false,
      final_snapshot_identifier: "mlops-dev-mlflow-final",
      multi_az: false,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      lifecycle: { prevent_destroy: true },
    });
    expect(db.password).toBeUndefined();
  });

  test("in the private subnets, with a parameter group forcing SSL", () => {
    const [, subnets] = findResource(on, "aws_db_subnet_group", () => true);
    expect(subnets.subnet_ids).toEqual(
      Object.keys(resourcesOf(on, "aws_subnet"))
        .filter((s) => s.includes("private"))
        .map((s) => ref("aws_subnet", s)),
    );
    const [, parameters] = findResource(on, "aws_db_parameter_group", () => true);
    expect(parameters).toMatchObject({
      family: "postgres16",
      parameter: [{ name: "rds.force_ssl", value: "1" }],
    });
  });

  test("its log exports go to log groups encrypted with the logs key, made first", () => {
    const [logsKey] = keyByAlias(on, "alias/mlops-dev-logs");
    for (const type of ["postgresql", "upgrade"]) {
      const [name, group] = findResource(
        on,
        "aws_cloudwatch_log_group",
        (g) => g.name === `/aws/rds/instance/mlops-dev-mlflow/${type}`,
      );
      expect(group).toMatchObject({
        kms_key_id: ref("aws_kms_key", logsKey, "arn"),
        retention_in_days: 365,
      });
      expect(db.depends_on).toContain(`aws_cloudwatch_log_group.${name}`);
    }
  });

  test("multi-AZ and backup days follow config", () => {
    const dev = devWith((d) => {
      d.vpc.natGateways = "single";
      d.mlflow = {
        server: { enabled: true, database: { multiAz: true, backupRetentionDays: 14 } },
      };
    });
    expect(findResource(dev, "aws_db_instance", () => true)[1]).toMatchObject({
      multi_az: true,
      backup_retention_period: 14,
    });
  });
});

describe("MLflow network", () => {
  const [server] = findResource(
    on,
    "aws_security_group",
    (g) => g.name === "mlops-dev-mlflow-server",
  );
  const [database] = findResource(
    on,
    "aws_security_group",
    (g) => g.name === "mlops-dev-mlflow-database",
  );
  const [workload] = findResource(
    on,
    "aws_security_group",
    (g) => g.name === "mlops-dev-ml-workloads",
  );
  const rules = (type: string, group: string) =>
    Object.values(resourcesOf(on, type)).filter(
      (r) => r.security_group_id === ref("aws_security_group", group),
    );

  test("the tracking port only from the SageMaker workload group", () => {
    expect(rules("aws_vpc_security_group_ingress_rule", server)).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 5000,
        to_port: 5000,
        referenced_security_group_id: ref("aws_security_group", workload),
      }),
    ]);
  });

  test("PostgreSQL only from the server; the database group sends nothing", () => {
    expect(rules("aws_vpc_security_group_ingress_rule", database)).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        referenced_security_group_id: ref("aws_security_group", server),
      }),
    ]);
    expect(rules("aws_vpc_security_group_egress_rule", database)).toEqual([]);
  });

  test("the server sends HTTPS to endpoints, S3 and (with NAT) the package index, and PostgreSQL to the database", () => {
    const egress = rules("aws_vpc_security_group_egress_rule", server).map((r) => [
      r.from_port,
      r.cidr_ipv4 ?? r.prefix_list_id ?? r.referenced_security_group_id,
    ]);
    expect(egress).toHaveLength(4);
    expect(egress).toEqual(
      expect.arrayContaining([
        [5432, ref("aws_security_group", database)],
        [443, "0.0.0.0/0"],
      ]),
    );
  });

  test("without NAT (the platform's package repository instead) no rule reaches the internet", () => {
    const dev = devWith((d) => (d.mlflow = { server: { enabled: true } }));
    const cidrs = Object.values(resourcesOf(dev, "aws_vpc_security_group_egress_rule")).map(
      (r) => r.cidr_ipv4,
    );
    expect(cidrs).not.toContain("0.0.0.0/0");
    // It installs from CodeArtifact through the interface endpoints (HTTPS to their group).
    const [, lt] = findResource(dev, "aws_launch_template", () => true);
    expect(lt.user_data).toContain(
      "aws codeartifact get-authorization-token --region eu-west-1 --domain mlops-dev --domain-owner 111111111111",
    );
    const services = Object.values(resourcesOf(dev, "aws_vpc_endpoint")).map((e) =>
      e.service_name.split(".").slice(-2).join("."),
    );
    expect(services).toEqual(
      expect.arrayContaining(["codeartifact.api", "codeartifact.repositories"]),
    );
  });

  test("the endpoints the server needs are added even to an explicit endpoint list", () => {
    const services = Object.values(resourcesOf(findDevWithEndpoints(), "aws_vpc_endpoint")).map(
      (e) => e.service_name.split(".").pop(),
    );
    expect(services.sort()).toEqual([
      "ec2messages",
      "logs",
      "s3",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "sts",
    ]);
  });

  function findDevWithEndpoints(): StackJson {
    return devWith((d) => {
      d.vpc.natGateways = "single";
      d.vpc.interfaceEndpoints = ["sts"];
      d.mlflow = { server: { enabled: true } };
    });
  }
});

describe("MLflow secrets", () => {
  test("no password or secret value in the synthesized JSON", () => {
    const text = JSON.stringify(on);
    expect(text).not.toMatch(/"(master_)?password"\s*:/);
    expect(text).not.toMatch(/"secret_string"/);
    expect(resourcesOf(on, "aws_secretsmanager_secret_version")).toEqual({});
  });

  test("the server reads and decrypts its secret through Secrets Manager only", () => {
    const [mlflowKey, key] = keyByAlias(on, "alias/mlops-dev-mlflow");
    expect(
      statement(rolePolicy(on, "mlops-dev-mlflow-server"), "DecryptTheDatabaseSecret"),
    ).toEqual({
      Sid: "DecryptTheDatabaseSecret",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: ref("aws_kms_key", mlflowKey, "arn"),
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
    });
    expect(
      statement(policyOf(key), "MlflowServerReadsItsSecret").Condition!.StringEquals,
    ).toMatchObject({
      "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
    });
  });
});

describe("MLflow outputs", () => {
  test("the private tracking URI, the tunnel command and the database endpoint", () => {
    const [instance] = findResource(on, "aws_instance", () => true);
    const [db] = findResource(on, "aws_db_instance", () => true);
    const [certificate, parameter] = findResource(
      on,
      "aws_ssm_parameter",
      (p) => p.name === "/platform/mlops-dev/mlflow/tls-certificate",
    );
    expect(parameter).toEqual({
      name: "/platform/mlops-dev/mlflow/tls-certificate",
      description: "TLS certificate of the MLflow tracking server (PEM): what clients trust",
      type: "String",
      tier: "Standard",
      value: "pending: the MLflow server publishes its certificate when it starts",
      lifecycle: { ignore_changes: ["value"] },
    });
    expect(statement(rolePolicy(on, "mlops-dev-mlflow-server"), "PublishItsCertificate")).toEqual({
      Sid: "PublishItsCertificate",
      Effect: "Allow",
      Action: "ssm:PutParameter",
      Resource: ref("aws_ssm_parameter", certificate, "arn"),
    });
    for (const client of ["mlops-dev-studio-execution", "mlops-dev-pipeline-execution"]) {
      expect(statement(rolePolicy(on, client, "mlflow"), "TrustTheMlflowServer")).toEqual({
        Sid: "TrustTheMlflowServer",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: ref("aws_ssm_parameter", certificate, "arn"),
      });
    }
    // A name, not the instance's IP: a replaced server keeps every client's URI.
    expect(on.output!.mlflow_tracking_uri.value).toBe("https://mlflow.mlops-dev.internal:5000");
    expect(on.output!.mlflow_client_setup.value).toBe(
      [
        `aws ssm get-parameter --name ${ref("aws_ssm_parameter", certificate, "name")} --query Parameter.Value --output text > ~/.mlflow-server.pem`,
        "export MLFLOW_TRACKING_URI=https://mlflow.mlops-dev.internal:5000 MLFLOW_TRACKING_SERVER_CERT_PATH=~/.mlflow-server.pem",
      ].join("\n"),
    );
    // The name: a private zone of the VPC, with a record that follows the instance.
    const [zone, zoneConfig] = findResource(on, "aws_route53_zone", () => true);
    expect(zoneConfig).toMatchObject({
      name: "mlops-dev.internal",
      vpc: [{ vpc_id: ref("aws_vpc", Object.keys(resourcesOf(on, "aws_vpc"))[0]) }],
    });
    expect(findResource(on, "aws_route53_record", () => true)[1]).toEqual({
      zone_id: ref("aws_route53_zone", zone, "zone_id"),
      name: "mlflow.mlops-dev.internal",
      type: "A",
      ttl: 60,
      records: [ref("aws_instance", instance, "private_ip")],
    });
    expect(on.output!.mlflow_tunnel_command.value).toBe(
      `aws ssm start-session --target ${ref("aws_instance", instance)} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["5000"],"localPortNumber":["5000"]}'`,
    );
    expect(on.output!.mlflow_database_endpoint.value).toBe(ref("aws_db_instance", db, "endpoint"));
  });
});

describe("bad MLflow mode config", () => {
  test("settings of a mode the account does not use are errors, one per setting; defaults are not", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          server: { instanceType: "m7i.large", port: 5000, database: { multiAz: true } },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.instanceType: is set, but mlflow.mode is "managed", which does not use server settings (they would be ignored): remove it, or set mlflow.mode: ec2',
      'accounts.dev.mlflow.server.database: is set, but mlflow.mode is "managed", which does not use server settings (they would be ignored): remove it, or set mlflow.mode: ec2',
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = { managed: { size: "Large" } };
      }),
    ).toEqual([
      'accounts.dev.mlflow.managed.size: is set, but mlflow.mode is "none", which does not use managed settings (they would be ignored): remove it, or set mlflow.mode: managed',
    ]);
    // A setting refused for its value gets that one line, not a second.
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = { server: { port: 99999 } };
      }),
    ).toEqual(["accounts.dev.mlflow.server.port: 99999 must be a whole number from 1024 to 65535"]);
    // The chosen mode's settings, and the other mode's at their defaults, are fine.
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          managed: { size: "Large" },
          server: { port: 5000 },
        };
      }),
    ).toEqual([]);
  });

  test("two modes at once, a database with the managed server, bad managed settings", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = { mode: "managed", server: { enabled: true } };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.enabled: cannot be true with mlflow.mode "managed"; use mode: ec2 alone',
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "managed",
          databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
        };
      }),
    ).toEqual([
      "accounts.dev.mlflow.databaseSecretArn: cannot be combined with mlflow mode managed: SageMaker manages the server's metadata store",
    ]);
    expect(
      problemsOf((c) => {
        c.accounts.dev.mlflow = {
          mode: "hosted",
          managed: {
            size: "XL",
            weeklyMaintenanceWindowStart: "Sun:24:00",
            mlflowVersion: "latest",
          },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.mode: "hosted" must be "none", "ec2" or "managed"',
      'accounts.dev.mlflow.managed.size: "XL" must be "Small", "Medium" or "Large"',
      'accounts.dev.mlflow.managed.mlflowVersion: "latest" must be a major.minor version such as "3.0": SageMaker keeps only major.minor, so a patch version would plan a replacement of the server on every plan',
      'accounts.dev.mlflow.managed.weeklyMaintenanceWindowStart: "Sun:24:00" must be a weekly time such as Sun:03:00 (Mon to Sun, 24-hour UTC)',
    ]);
  });

  test("a managed server's version is major.minor, as SageMaker stores it: 3.0 is taken, 3.0.0 refused with one line", () => {
    const managed = (mlflowVersion: string) =>
      problemsOf((c) => {
        c.accounts.dev.mlflow = { mode: "managed", managed: { mlflowVersion } };
      });
    expect(managed("3.0")).toEqual([]);
    expect(managed("3.0.0")).toEqual([
      'accounts.dev.mlflow.managed.mlflowVersion: "3.0.0" must be a major.minor version such as "3.0": SageMaker keeps only major.minor, so a patch version would plan a replacement of the server on every plan',
    ]);
  });

  test("managed MLflow with an SSO Studio domain is refused (AWS keeps no VPC restriction there); with IAM it is taken", () => {
    const managedWith = (authMode: string) =>
      problemsOf((c) => {
        c.accounts.dev.mlflow = { mode: "managed" };
        c.accounts.dev.sagemaker.domains = [
          authMode === "SSO"
            ? {
                authMode,
                userProfiles: [{ name: "alice", persona: "data-scientist", ssoUserName: "alice" }],
              }
            : { authMode, userProfiles: [] },
        ];
      });
    expect(managedWith("IAM")).toEqual([]);
    expect(managedWith("SSO")).toEqual([
      'accounts.dev.mlflow.mode: "managed" cannot be combined with a Studio domain in authMode SSO (sagemaker.domains[0]): AWS does not support keeping the managed tracking server\'s access to the VPC in IAM Identity Center mode, which this platform requires; use mode ec2, or authMode IAM',
    ]);
  });

  test("mode ec2 is the server.enabled of before", () => {
    const viaMode = devWith((dev) => {
      dev.vpc.natGateways = "single";
      dev.mlflow = { mode: "ec2" };
    });
    expect(JSON.stringify(viaMode)).toBe(JSON.stringify(on));
  });
});

describe("bad MLflow server config", () => {
  // Every network the config allows, with and without the package repository and an index: the
  // server boots (it reaches an index) or the config is refused with the fix.
  test.each([
    ["no NAT, CodeArtifact (the default)", "none", undefined, undefined, []],
    ["no NAT, CodeArtifact on", "none", true, undefined, []],
    [
      "no NAT, CodeArtifact off",
      "none",
      false,
      undefined,
      [
        "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the VPC has no NAT route (vpc.natGateways is none) while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
      ],
    ],
    [
      "no NAT, CodeArtifact off, an index",
      "none",
      false,
      "https://pypi.example/simple",
      [
        "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the VPC has no NAT route (vpc.natGateways is none) while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
      ],
    ],
    [
      "no NAT, CodeArtifact by default, an index",
      "none",
      undefined,
      "https://pypi.example/simple",
      [
        'accounts.dev.mlflow.server.pipIndexUrl: "https://pypi.example/simple" cannot be combined with the platform\'s package repository (packages.codeArtifact, on by default without NAT): the server installs MLflow from it; remove pipIndexUrl, or set packages.codeArtifact: false and give the VPC NAT gateways',
      ],
    ],
    ["NAT, PyPI (the default)", "single", undefined, undefined, []],
    ["NAT, an index", "one-per-az", undefined, "https://pypi.example/simple", []],
    ["NAT, CodeArtifact on", "single", true, undefined, []],
  ] as const)("%s", (_, natGateways, codeArtifact, pipIndexUrl, problems) => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = natGateways;
        if (codeArtifact !== undefined) c.accounts.dev.packages = { codeArtifact };
        c.accounts.dev.mlflow = {
          server: { enabled: true, ...(pipIndexUrl ? { pipIndexUrl } : {}) },
        };
      }),
    ).toEqual(problems);
  });

  test("an existing VPC: the package repository, or refused (its routes are not the platform's)", () => {
    const existing = (c: any) => {
      c.accounts.dev.vpc = {
        cidr: "10.10.0.0/16",
        existing: {
          vpcId: "vpc-0abc12345def67890",
          privateSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
          privateRouteTableIds: ["rtb-0aaa1111", "rtb-0bbb2222"],
        },
      };
      c.accounts.dev.mlflow = { server: { enabled: true } };
    };
    expect(problemsOf(existing)).toEqual([]);
    expect(
      problemsOf((c) => {
        existing(c);
        c.accounts.dev.packages = { codeArtifact: false };
      }),
    ).toEqual([
      "accounts.dev.mlflow.server.enabled: needs a package index it can reach to install MLflow at boot, and the server's security group reaches no index outside an existing VPC while packages.codeArtifact is false: set packages.codeArtifact to true, or use a new VPC with natGateways (for PyPI or mlflow.server.pipIndexUrl)",
    ]);
  });

  test("on together with an external database secret", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.mlflow = {
          databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
          server: { enabled: true },
        };
      }),
    ).toEqual([
      "accounts.dev.mlflow.databaseSecretArn: cannot be combined with mlflow mode ec2: the server uses the secret of its own database",
    ]);
  });

  test("fewer than 7 days of backups, a loose version, a plain-http index", () => {
    expect(
      problemsOf((c) => {
        c.accounts.dev.vpc.natGateways = "single";
        c.accounts.dev.packages = { codeArtifact: false };
        c.accounts.dev.mlflow = {
          mode: "ec2",
          server: {
            mlflowVersion: "2.17",
            pipIndexUrl: "http://pypi.example/simple",
            database: { backupRetentionDays: 3 },
          },
        };
      }),
    ).toEqual([
      'accounts.dev.mlflow.server.mlflowVersion: "2.17" must be an exact version such as 2.17.2',
      'accounts.dev.mlflow.server.pipIndexUrl: "http://pypi.example/simple" must be an https URL',
      "accounts.dev.mlflow.server.database.backupRetentionDays: 3 must be a whole number from 7 to 35",
    ]);
  });
});

describe("managed MLflow: the grants reach the UI and the API (simulated)", () => {
  const identity = plainReferences(allPoliciesOf(managed, "mlops-dev-studio-execution"));
  const server = "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/mlops-dev";
  const [endpoint] = findResource(
    managed,
    "aws_vpc_endpoint",
    (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
  );
  const call = (action: string, resource: string, context: Record<string, string> = {}) =>
    simulate(
      {
        principal: "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
        action,
        resource,
        context,
      },
      { identity },
    );

  test("the UI (sagemaker-mlflow:AccessUI, authorized on * only) is granted", async () => {
    expect(await call("sagemaker-mlflow:AccessUI", "*")).toBe("Allowed");
  });
  test("the API is granted through the MLflow endpoint, and refused from elsewhere", async () => {
    const through = { "aws:SourceVpce": `aws_vpc_endpoint.${endpoint}.id` };
    expect(await call("sagemaker-mlflow:LogMetric", server, through)).toBe("Allowed");
    expect(
      await call("sagemaker-mlflow:LogMetric", server, { "aws:SourceVpce": "vpce-other" }),
    ).not.toBe("Allowed");
  });
});
