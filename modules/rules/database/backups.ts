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
    nonCompliant: databaseStack((d) => (d.backup_retention_period = 1)),
  },
};
