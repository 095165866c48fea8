import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { databaseStack, DATABASE_TYPES } from "./examples";

export const rdsDeletionProtection: ResourceRule = {
  kind: "resource",
  id: "RDS.DeletionProtection",
  level: "error",
  summary: "Databases have deletion protection",
  explanation:
    "deletion_protection makes AWS refuse to delete the database until it is turned off on purpose.",
  resourceTypes: DATABASE_TYPES,
  check: (db) => (isTrue(db.config.deletion_protection) ? undefined : "has no deletion protection"),
  examples: {
    compliant: databaseStack(),
    nonCompliant: [
      {
        stack: databaseStack((d) => delete d.deletion_protection),
        findings: ["aws_db_instance.d: has no deletion protection"],
      },
    ],
  },
};
