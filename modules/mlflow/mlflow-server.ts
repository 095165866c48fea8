import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { AwsEnvironment } from "../core/aws-environment";
import { Fn, Token } from "../core/cdktf";
import { encryptedLogGroup } from "../logs/encrypted-log-group";
import { KMS_ENCRYPT_DECRYPT_ACTIONS, type KmsKey } from "../kms/kms-key";
import type { MlflowServerRole } from "./mlflow-server-role";
import { mlflowUserData, type PackageSource } from "./mlflow-user-data";

export interface MlflowDatabaseProps {
  /** @default "db.t4g.small" */
  readonly instanceClass?: string;
  /** PostgreSQL major version. @default "16" */
  readonly engineVersion?: string;
  /** @default 20 */
  readonly allocatedStorageGb?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /** Days of automated backups (at least 7). @default 7 */
  readonly backupRetentionDays?: number;
}

export interface MlflowServerProps {
  readonly environment: AwsEnvironment;
  /** Stem of names: `<prefix>-<env>`. */
  readonly name: string;
  readonly role: MlflowServerRole;
  /** `s3://<bucket>`: where runs store artifacts. */
  readonly artifactRoot: string;
  /** Encrypts the root volume, the database and its secret. */
  readonly key: KmsKey;
  /** The account's logs key, for the database's log groups. */
  readonly logsKey: KmsKey;
  readonly deployRoleArn: string;
  readonly network: {
    readonly vpcId: string;
    readonly subnetIds: string[];
    /** Only this group (the SageMaker workloads) may reach the tracking port. */
    readonly clientSecurityGroupId: string;
    readonly endpointSecurityGroupId: string;
    readonly s3PrefixListId: string;
    /** The VPC routes to the internet (NAT): the server may use HTTPS to reach the package index. */
    readonly internetEgress: boolean;
  };
  /** Pinned MLflow version. */
  readonly mlflowVersion: string;
  /** @default "t3.medium" */
  readonly instanceType?: string;
  /**
   * @default the latest Amazon Linux 2023 AMI when the server is first created, kept afterwards
   * (`ignore_changes`): set it to move the server to another image.
   */
  readonly amiId?: string;
  /** @default 5000 */
  readonly port?: number;
  /** Where pip installs MLflow from at boot (`PackageSource`). */
  readonly packages: PackageSource;
  readonly database?: MlflowDatabaseProps;
  readonly databaseIdentifier: string;
  /**
   * The private DNS zone the server's name lives in, associated with the VPC: the tracking URI is
   * `https://mlflow.<zone>:<port>`, the name is in the certificate, and the record follows the
   * instance when it is replaced, so clients keep their URI.
   * @default `<name>.internal` (".internal" is reserved for private use)
   */
  readonly privateZoneName?: string;
}

/** The server's private zone: `<name>.internal` unless named (".internal" is for private use). */
export function mlflowPrivateZoneName(name: string, zoneName?: string): string {
  return zoneName ?? `${name}.internal`;
}

/** The server's stable name, the tracking URI's host: `mlflow.<zone>`. */
export function mlflowServerDnsName(name: string, zoneName?: string): string {
  return `mlflow.${mlflowPrivateZoneName(name, zoneName)}`;
}

/**
 * The SSM parameter the server publishes its certificate to. Under /platform/: SSM refuses
 * names that start with "aws" or "ssm", which a prefix may.
 */
export function mlflowCertificateParameterName(name: string): string {
  return `/platform/${name}/mlflow/tls-certificate`;
}

/** The SSM parameter the server reports its boot to (`ok ...` or `failed ...`). */
export function mlflowBootStatusParameterName(name: string): string {
  return `/platform/${name}/mlflow/boot-status`;
}

const DB_PORT = 5432;
const DB_NAME = "mlflow";
const DB_USER = "mlflow";

/**
 * An MLflow tracking server on a private EC2 instance (IMDSv2 only with a hop limit of 1, an
 * encrypted root volume, no public IP, no SSH key, detailed monitoring) with a PostgreSQL backend
 * store on RDS (encrypted, private, SSL forced, master password managed by RDS in Secrets
 * Manager, IAM authentication, deletion protection, backups, log exports into encrypted log
 * groups). Only the SageMaker workloads reach the tracking port, over TLS (nginx in front of
 * MLflow, a certificate the server makes and publishes to an SSM parameter); MLflow serves the
 * artifacts itself, so clients need only the tracking URI; the database password is read from
 * its secret on every new connection, so RDS's rotation never takes the server down. Only the
 * server reaches the database. People reach it through a Session Manager port forward.
 */
export class MlflowServer extends Construct {
  readonly serverSecurityGroup: SecurityGroup;
  readonly databaseSecurityGroup: SecurityGroup;
  readonly database: DbInstance;
  readonly launchTemplate: LaunchTemplate;
  readonly instance: Instance;
  /** The TLS port clients use. */
  readonly port: number;
  /** The server's TLS certificate (PEM), which it publishes at boot for clients to trust. */
  readonly certificateParameter: SsmParameter;
  /** How the last boot went (`ok ...`, `failed ...`), which the server reports. */
  readonly bootStatusParameter: SsmParameter;
  /** The server's stable name inside the VPC (a private hosted zone record). */
  readonly dnsName: string;
  readonly privateZone: Route53Zone;

  constructor(scope: Construct, id: string, props: MlflowServerProps) {
    super(scope, id);
    const env = props.environment;
    const net = props.network;
    // Only a package source the network reaches: checked before anything is built.
    if (props.packages.from !== "codeartifact" && !net.internetEgress) {
      throw new Error(
        `${this.node.path}: the server installs MLflow from ${props.packages.from === "pypi" ? "PyPI" : props.packages.url} at boot, and the VPC has no internet egress: give it the platform's package repository (packages.codeArtifact) or NAT`,
      );
    }
    const zoneName = mlflowPrivateZoneName(props.name, props.privateZoneName);
    this.privateZone = new Route53Zone(this, "private-zone", {
      name: zoneName,
      comment: `Private names of ${props.name} (the MLflow tracking server)`,
      vpc: [{ vpcId: net.vpcId }],
    });
    this.dnsName = mlflowServerDnsName(props.name, props.privateZoneName);
    this.port = props.port ?? 5000;

    const groups = this.createSecurityGroups(props);
    this.serverSecurityGroup = groups.server;
    this.databaseSecurityGroup = groups.database;
    this.grantKeyUse(props);
    this.database = this.createBackendStore(props, groups.database.id);
    const secretArn = this.database.masterUserSecret.get(0).secretArn;
    props.role.readDatabaseSecret(secretArn, { keyArn: props.key.keyArn, environment: env });
    const parameters = this.createParameters(props);
    this.certificateParameter = parameters.certificate;
    this.bootStatusParameter = parameters.bootStatus;
    const server = this.createServer(props, {
      secretArn,
      serverGroupId: groups.server.id,
      certificate: parameters.certificateName,
      bootStatus: parameters.bootStatusName,
    });
    this.launchTemplate = server.launchTemplate;
    this.instance = server.instance;

    // --- A stable name ---------------------------------------------------------------------
    // The record follows the instance: a replaced server (new MLflow version, image, launch
    // template) keeps the clients' tracking URI.
    new Route53Record(this, "dns-record", {
      zoneId: this.privateZone.zoneId,
      name: this.dnsName,
      type: "A",
      ttl: 60,
      records: [this.instance.privateIp],
    });
  }

  /** The server's and the database's security groups, and their rules. */
  private createSecurityGroups(props: MlflowServerProps): {
    server: SecurityGroup;
    database: SecurityGroup;
  } {
    const net = props.network;
    const serverGroup = new SecurityGroup(this, "server-security-group", {
      name: `${props.name}-mlflow-server`,
      description: "MLflow tracking server: the tracking port from ML workloads only",
      vpcId: net.vpcId,
      tags: { Name: `${props.name}-mlflow-server` },
    });
    const databaseGroup = new SecurityGroup(this, "database-security-group", {
      name: `${props.name}-mlflow-database`,
      description: "MLflow backend store: PostgreSQL from the MLflow server only",
      vpcId: net.vpcId,
      tags: { Name: `${props.name}-mlflow-database` },
    });
    const server = serverGroup.id;
    const rules: [string, "ingress" | "egress", Record<string, unknown>][] = [
      [
        "server-from-workloads",
        "ingress",
        {
          description: "MLflow tracking API from ML workloads",
          fromPort: this.port,
          toPort: this.port,
          referencedSecurityGroupId: net.clientSecurityGroupId,
        },
      ],
      [
        "server-to-endpoints",
        "egress",
        {
          description: "HTTPS to the interface VPC endpoints",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: net.endpointSecurityGroupId,
        },
      ],
      [
        "server-to-s3",
        "egress",
        {
          description: "HTTPS to S3 (artifacts, packages) through the gateway endpoint",
          fromPort: 443,
          toPort: 443,
          prefixListId: net.s3PrefixListId,
        },
      ],
      [
        "server-to-database",
        "egress",
        {
          description: "PostgreSQL to the backend store",
          fromPort: DB_PORT,
          toPort: DB_PORT,
          referencedSecurityGroupId: databaseGroup.id,
        },
      ],
    ];
    if (net.internetEgress) {
      rules.push([
        "server-to-package-index",
        "egress",
        {
          description: "HTTPS to the package index through NAT (installing MLflow)",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        },
      ]);
    }
    for (const [ruleId, direction, rule] of rules) {
      const Rule =
        direction === "ingress" ? VpcSecurityGroupIngressRule : VpcSecurityGroupEgressRule;
      new Rule(this, ruleId, { securityGroupId: server, ipProtocol: "tcp", ...rule });
    }
    new VpcSecurityGroupIngressRule(this, "database-from-server", {
      securityGroupId: databaseGroup.id,
      description: "PostgreSQL from the MLflow server",
      ipProtocol: "tcp",
      fromPort: DB_PORT,
      toPort: DB_PORT,
      referencedSecurityGroupId: server,
    });
    return { server: serverGroup, database: databaseGroup };
  }

  /** What the deploy role and the server may do with the MLflow key. */
  private grantKeyUse(props: MlflowServerProps): void {
    const env = props.environment;
    // Terraform (the deploy role) launches the volume, the database and its secret; the services
    // make grants on the key for those resources only.
    props.key.grantThroughService({
      sid: "MlflowResourcesThroughServices",
      principals: [props.deployRoleArn],
      actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: ["ec2", "rds", "secretsmanager"],
      env,
    });
    props.key.grantCreateGrantForAwsResources({
      sid: "MlflowResourceGrants",
      principals: [props.deployRoleArn],
      via: ["ec2", "rds"],
      env,
    });
    props.key.grantThroughService({
      sid: "MlflowServerReadsItsSecret",
      principals: [props.role.role.principalArn],
      actions: ["kms:Decrypt"],
      via: "secretsmanager",
      env,
    });
  }

  /** The PostgreSQL backend store: subnets, SSL-only parameters, log groups, the instance. */
  private createBackendStore(props: MlflowServerProps, databaseGroupId: string): DbInstance {
    const env = props.environment;
    const net = props.network;
    const db = props.database ?? {};
    const subnetGroup = new DbSubnetGroup(this, "database-subnets", {
      name: `${props.name}-mlflow`,
      description: "Private subnets of the MLflow backend store",
      subnetIds: net.subnetIds,
    });
    const engineVersion = db.engineVersion ?? "16";
    const parameters = new DbParameterGroup(this, "database-parameters", {
      name: `${props.name}-mlflow-postgres${engineVersion}`,
      family: `postgres${engineVersion}`,
      description: "MLflow backend store: SSL only",
      parameter: [{ name: "rds.force_ssl", value: "1" }],
      lifecycle: { createBeforeDestroy: true },
    });
    const logTypes = ["postgresql", "upgrade"];
    const logGroups = logTypes.map((type) =>
      encryptedLogGroup(this, `database-log-${type}`, {
        logGroupName: `/aws/rds/instance/${props.databaseIdentifier}/${type}`,
        key: props.logsKey,
        environment: env,
      }),
    );
    const backupDays = db.backupRetentionDays ?? 7;
    if (backupDays < 7)
      throw new Error(
        `${this.node.path}: backupRetentionDays is ${backupDays}; must be at least 7`,
      );
    return new DbInstance(this, "database", {
      identifier: props.databaseIdentifier,
      engine: "postgres",
      engineVersion,
      instanceClass: db.instanceClass ?? "db.t4g.small",
      allocatedStorage: db.allocatedStorageGb ?? 20,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: props.key.keyArn,
      dbName: DB_NAME,
      username: DB_USER,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.key.keyArn,
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: parameters.name,
      vpcSecurityGroupIds: [databaseGroupId],
      publiclyAccessible: false,
      multiAz: db.multiAz ?? false,
      backupRetentionPeriod: backupDays,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.databaseIdentifier}-final`,
      autoMinorVersionUpgrade: true,
      // A higher engineVersion is an in-place major upgrade (the parameter group of the new
      // family is made first); RDS refuses it without allowMajorVersionUpgrade. It is applied
      // during the apply, not deferred to the maintenance window: a deferred engine change plans
      // again on every plan until the window, and the old parameter group, still in use, cannot
      // be deleted (InvalidDBParameterGroupState; terraform-provider-aws#6448). Every change to
      // this database comes through a reviewed plan, so it applies when that plan applies (a
      // major upgrade or a new instance class restarts the database: minutes of MLflow downtime).
      allowMajorVersionUpgrade: true,
      applyImmediately: true,
      enabledCloudwatchLogsExports: logTypes,
      dependsOn: logGroups,
      lifecycle: { preventDestroy: true },
    });
  }

  /** The parameters the server writes: its certificate and how its boot went. */
  private createParameters(props: MlflowServerProps): {
    certificate: SsmParameter;
    bootStatus: SsmParameter;
    certificateName: string;
    bootStatusName: string;
  } {
    // The server makes its own key and self-signed certificate at boot (the key never leaves the
    // instance, nor enters Terraform state) and publishes the certificate here; Terraform owns
    // the parameter, the server its value.
    // A parameter Terraform creates and the server alone writes (PutParameter on it only).
    const written = (
      id: string,
      sid: string,
      name: string,
      description: string,
      pending: string,
    ) => {
      const parameter = new SsmParameter(this, id, {
        name,
        description,
        type: "String",
        tier: "Standard",
        value: pending,
        lifecycle: { ignoreChanges: ["value"] },
      });
      props.role.role.addToPolicy({
        Sid: sid,
        Effect: "Allow",
        Action: "ssm:PutParameter",
        Resource: parameter.arn,
      });
      return parameter;
    };
    const certificateName = mlflowCertificateParameterName(props.name);
    const certificate = written(
      "certificate",
      "PublishItsCertificate",
      certificateName,
      "TLS certificate of the MLflow tracking server (PEM): what clients trust",
      "pending: the MLflow server publishes its certificate when it starts",
    );
    // The boot reports how it went (`ok ...`, or `failed ...` with the step): an apply succeeds
    // whether or not the server starts, so this is where an operator looks.
    const bootStatusName = mlflowBootStatusParameterName(props.name);
    const bootStatus = written(
      "boot-status",
      "ReportItsBoot",
      bootStatusName,
      "How the MLflow server's last boot went: ok, or failed and at which step",
      "pending: the MLflow server reports here when its boot ends",
    );
    return { certificate, bootStatus, certificateName, bootStatusName };
  }

  /** The launch template (image, instance profile, IMDSv2, encrypted volume, boot script) and the instance. */
  private createServer(
    props: MlflowServerProps,
    names: { secretArn: string; serverGroupId: string; certificate: string; bootStatus: string },
  ): { launchTemplate: LaunchTemplate; instance: Instance } {
    const env = props.environment;
    const net = props.network;
    const imageId =
      props.amiId ??
      new DataAwsSsmParameter(this, "ami", {
        name: amazonLinuxAmiParameter(props.instanceType ?? "t3.medium"),
      }).value;
    const launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: `${props.name}-mlflow-server`,
      description: "MLflow tracking server",
      imageId,
      // Without a pinned AMI the first one found stays: a newly published AMI must not replace
      // the server as a side effect of an unrelated apply. Pinning amiId (or changing it) is the
      // decision that moves the server to another image; the plan shows the replacement.
      lifecycle: props.amiId === undefined ? { ignoreChanges: ["image_id"] } : undefined,
      instanceType: props.instanceType ?? "t3.medium",
      iamInstanceProfile: { name: props.role.instanceProfile.name },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            encrypted: "true",
            kmsKeyId: props.key.keyArn,
            volumeSize: 30,
            volumeType: "gp3",
            deleteOnTermination: "true",
          },
        },
      ],
      userData: Fn.base64encode(
        Fn.format(
          Fn.rawString(
            mlflowUserData({
              mlflowVersion: props.mlflowVersion,
              packages: props.packages,
              bootStatusParameter: names.bootStatus,
              port: this.port,
              artifactRoot: props.artifactRoot,
              region: env.region,
              certificateParameter: names.certificate,
              dnsName: this.dnsName,
            }),
          ),
          [names.secretArn, this.database.address],
        ),
      ),
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: `${props.name}-mlflow-server` } },
      ],
    });
    const instance = new Instance(this, "instance", {
      launchTemplate: {
        id: launchTemplate.id,
        version: Token.asString(launchTemplate.latestVersion),
      },
      subnetId: net.subnetIds[0],
      vpcSecurityGroupIds: [names.serverGroupId],
      associatePublicIpAddress: false,
      monitoring: true,
      tags: { Name: `${props.name}-mlflow-server` },
    });
    return { launchTemplate, instance };
  }
}

/**
 * The processor architecture of an EC2 instance type: arm64 for AWS Graviton (an attribute
 * starting with "g" after the generation: t4g, m7g, c7gn, r8gd, im4gn, is4gen, x2gd, g5g; and
 * the first Graviton, a1), x86_64 otherwise.
 */
export function instanceArchitecture(instanceType: string): "arm64" | "x86_64" {
  const match = /^([a-z]+)(\d+)([a-z-]*)\./.exec(instanceType);
  if (match === null) return "x86_64";
  const [, family, generation, attributes] = match;
  return (family === "a" && generation === "1") || attributes.startsWith("g") ? "arm64" : "x86_64";
}

/** AWS's public parameter holding the latest Amazon Linux 2023 AMI for the instance type's architecture. */
export function amazonLinuxAmiParameter(instanceType: string): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${instanceArchitecture(instanceType)}`;
}
