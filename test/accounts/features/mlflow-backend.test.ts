import { devWith, mlflowServerOn } from "./mlflow-configs";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RDS_CREDENTIALS_HOOK } from "../../../modules/mlflow/mlflow-user-data";
import {
  findResource,
  keyByAlias,
  ref,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  type StackJson,
} from "../../helpers";

const on = mlflowServerOn();

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
