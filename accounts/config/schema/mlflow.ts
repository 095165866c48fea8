import { z } from "zod";
import { intBetween, strictObject } from "../zod";
import { AWS_LIMITS } from "../../../modules/core/limits";

/** Where MLflow tracking runs: the one place that decides (see `mlflowMode`). */
export const MLFLOW_MODES = ["none", "ec2", "managed"] as const;
export type MlflowMode = (typeof MLFLOW_MODES)[number];

/** SageMaker's managed MLflow tracking server sizes. */
export const MANAGED_MLFLOW_SIZES = ["Small", "Medium", "Large"] as const;

/** The MLflow tracking server of the data science account. */
export const mlflowSchema = strictObject({
  mode: z
    .enum(MLFLOW_MODES, { error: 'must be "none", "ec2" or "managed"' })
    .optional()
    .describe(
      "The tracking server: `none` (default; its role only, for a server run elsewhere), `ec2` (self-hosted: a private EC2 instance with a PostgreSQL backend store, settings under `server`), or `managed` (SageMaker's managed MLflow tracking server, settings under `managed`). `server.enabled: true` is the older spelling of `ec2`. Settings of a mode not chosen are refused, since they would be ignored.",
    ),
  managed: strictObject({
    size: z
      .enum(MANAGED_MLFLOW_SIZES, { error: 'must be "Small", "Medium" or "Large"' })
      .default("Small")
      .describe("Capacity: Small (default), Medium or Large."),
    mlflowVersion: z
      .string()
      .regex(/^\d+\.\d+$/, {
        error:
          'must be a major.minor version such as "3.0": SageMaker keeps only major.minor, so a patch version would plan a replacement of the server on every plan',
      })
      .optional()
      .describe(
        "MLflow version SageMaker runs, major.minor (`3.0`): SageMaker stores only major.minor and a change replaces the server (its runs live in the MLflow bucket and are kept). Default: SageMaker's current default.",
      ),
    weeklyMaintenanceWindowStart: z
      .string()
      .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/, {
        error: "must be a weekly time such as Sun:03:00 (Mon to Sun, 24-hour UTC)",
      })
      .default("Sun:03:00")
      .describe("Weekly maintenance start, `Ddd:HH:MM` in UTC. Default Sun:03:00."),
    automaticModelRegistration: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe(
        "Register MLflow models in the SageMaker model registry automatically (as PendingManualApproval: approval stays the approver's). Default true.",
      ),
  })
    .prefault({})
    .describe("SageMaker's managed tracking server (`mode: managed`)."),
  databaseSecretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, {
      error: "must be a Secrets Manager secret ARN",
    })
    .optional()
    .describe("Secrets Manager secret of an external backend database, which the server may read."),
  server: strictObject({
    enabled: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("The switch. Default false: only the role exists."),
    mlflowVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { error: "must be an exact version such as 2.17.2" })
      .default("2.17.2")
      .describe("MLflow version installed from the package index, pinned."),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: "must be an EC2 instance type such as t3.medium",
      })
      .default("t3.medium")
      .describe("EC2 instance type of the server."),
    amiId: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, { error: "must be an AMI id such as ami-0abcdef1234567890" })
      .optional()
      .describe(
        "AMI to pin. Default: the latest Amazon Linux 2023 when the server is first created, kept afterwards; set (or change) it to replace the stateless server with another image.",
      ),
    port: intBetween(1024, 65535)
      .default(5000)
      .describe("The tracking port (TLS) Studio and jobs reach the server on."),
    pipIndexUrl: z
      .url({ protocol: /^https$/, error: "must be an https URL" })
      // Credentials in the URL would be written into the instance's user data (readable by
      // anyone who may describe the launch template) and into Terraform state.
      .refine((url) => !/^https:\/\/[^/?#]*@/.test(url), {
        error:
          "must not hold credentials (user:token@): they would be written into the server's user data and Terraform state; use the platform's package repository (packages.codeArtifact), whose token the server fetches with its role",
      })
      .optional()
      .describe(
        "Package index for pip (a mirror URL) reached through NAT when packages.codeArtifact is false. Default: the platform's CodeArtifact repository without NAT, PyPI through NAT.",
      ),
    database: strictObject({
      instanceClass: z
        .string()
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
          error: "must be an RDS instance class such as db.t4g.small",
        })
        .default("db.t4g.small")
        .describe("RDS instance class of the backend store."),
      engineVersion: z
        .enum(["15", "16", "17"], { error: 'must be "15", "16" or "17"' })
        .default("16")
        .describe("PostgreSQL major version."),
      allocatedStorageGb: intBetween(
        AWS_LIMITS.rds.allocatedStorageGb.min,
        AWS_LIMITS.rds.allocatedStorageGb.max,
      )
        .default(20)
        .describe("Storage of the backend store in GiB (gp3)."),
      multiAz: z
        .boolean({ error: "must be true or false" })
        .default(false)
        .describe("A standby in another zone (RDS Multi-AZ)."),
      backupRetentionDays: intBetween(7, 35)
        .default(7)
        .describe("Days of automated backups, 7 to 35."),
    })
      .prefault({})
      .describe("The PostgreSQL backend store on RDS."),
  })
    .prefault({})
    .describe("The server itself: a private EC2 instance with a PostgreSQL backend store."),
});

/** The account's MLflow mode: `mode`, or `ec2` when only the older `server.enabled` says so. */
export function mlflowMode(mlflow: z.output<typeof mlflowSchema>): MlflowMode {
  return mlflow.mode ?? (mlflow.server.enabled ? "ec2" : "none");
}
