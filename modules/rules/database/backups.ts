import type { ResourceRule } from "../types";
import { databaseStack, DATABASE_TYPES } from "./examples";

export const rdsBackups: ResourceRule = {
  kind: "resource",
  id: "RDS.Backups",
  level: "error",
  summary: "Databases keep at least 7 days of backups",
  explanation:
    "backup_retention_period of 7 days or more allows point-in-time recovery across a week.",
  resourceTypes: DATABASE_TYPES,
  check(db) {
    const days = db.config.backup_retention_period;
    if (typeof days === "number" && days >= 7) return undefined;
    return days === undefined
      ? "keeps the default 1 day of backups"
      : `keeps ${days} days of backups`;
  },
  examples: {
    compliant: databaseStack(),
    nonCompliant: [
      {
        stack: databaseStack((d) => (d.backup_retention_period = 1)),
        findings: ["aws_db_instance.d: keeps 1 days of backups"],
      },
      {
        stack: databaseStack((d) => delete d.backup_retention_period),
        findings: ["aws_db_instance.d: keeps the default 1 day of backups"],
      },
      {
        stack: databaseStack((d) => (d.backup_retention_period = 6)),
        findings: ["aws_db_instance.d: keeps 6 days of backups"],
      },
    ],
  },
};
