import type { StackJson } from "../types";

export function databaseStack(change: (db: any) => void = () => undefined): StackJson {
  const db: any = {
    engine: "postgres",
    storage_encrypted: true,
    publicly_accessible: false,
    deletion_protection: true,
    backup_retention_period: 7,
    manage_master_user_password: true,
  };
  change(db);
  return { resource: { aws_db_instance: { d: db } } };
}

export const DATABASE_TYPES = ["aws_db_instance", "aws_rds_cluster"];
