import { z } from "zod";
import { intBetween, strictObject } from "../zod";
import type { ConfigIssues, PlatformConfig } from "./platform";

/** The MLflow tracking server of the data science account. */
export const mlflowSchema = strictObject({
  /** Secrets Manager secret of an external backend database, which the server may read. */
  databaseSecretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, {
      error: "must be a Secrets Manager secret ARN",
    })
    .optional(),
  /** The server itself: a private EC2 instance with a PostgreSQL backend store. */
  server: strictObject({
    /** The switch. Default false: only the role exists. */
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    /** MLflow version installed from the package index, pinned. */
    mlflowVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { error: "must be an exact version such as 2.17.2" })
      .default("2.17.2"),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: "must be an EC2 instance type such as t3.medium",
      })
      .default("t3.medium"),
    /** AMI to pin; default: the latest Amazon Linux 2023 (a new one replaces the stateless server). */
    amiId: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, { error: "must be an AMI id such as ami-0abcdef1234567890" })
      .optional(),
    port: intBetween(1024, 65535).default(5000),
    /**
     * Package index for pip (a CodeArtifact or mirror URL) when the VPC has no NAT. Default:
     * PyPI through NAT.
     */
    pipIndexUrl: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
    database: strictObject({
      instanceClass: z
        .string()
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
          error: "must be an RDS instance class such as db.t4g.small",
        })
        .default("db.t4g.small"),
      /** PostgreSQL major version. */
      engineVersion: z
        .enum(["15", "16", "17"], { error: 'must be "15", "16" or "17"' })
        .default("16"),
      allocatedStorageGb: intBetween(20, 16384).default(20),
      multiAz: z.boolean({ error: "must be true or false" }).default(false),
      /** Days of automated backups, 7 to 35. */
      backupRetentionDays: intBetween(7, 35).default(7),
    }).prefault({}),
  }).prefault({}),
});

export function checkMlflowServer(config: PlatformConfig, ctx: ConfigIssues): void {
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science" || !account.mlflow.server.enabled) continue;
    const path = ["accounts", name, "mlflow"];
    if (account.mlflow.databaseSecretArn !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "databaseSecretArn"],
        message:
          "cannot be combined with mlflow.server.enabled: the server uses the secret of its own database",
      });
    }
    const noInternet = account.vpc.existing === undefined && account.vpc.natGateways === "none";
    if (noInternet && account.mlflow.server.pipIndexUrl === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "server", "enabled"],
        message:
          "needs a package index to install MLflow, and the VPC has no internet route (vpc.natGateways is none): set vpc.natGateways or mlflow.server.pipIndexUrl",
      });
    }
  }
}
