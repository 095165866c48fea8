import { SERVER_TYPES, devWith, mlflowOff, mlflowServerOn } from "./mlflow-configs";
import {
  internalPort,
  type PackageSource,
  mlflowUserData,
  RDS_CREDENTIALS_HOOK,
} from "../../../modules/mlflow/mlflow-user-data";
import { findResource, keyByAlias, ref, resourcesOf, rolePolicy, statement } from "../../helpers";

const on = mlflowServerOn();
const off = mlflowOff();

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
