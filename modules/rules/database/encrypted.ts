import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { databaseStack, DATABASE_TYPES } from "./examples";

export const rdsEncrypted: ResourceRule = {
  kind: "resource",
  id: "RDS.Encrypted",
  level: "error",
  summary: "Databases encrypt their storage",
  explanation:
    "storage_encrypted (with a customer managed kms_key_id where possible) covers data, backups and snapshots.",
  resourceTypes: DATABASE_TYPES,
  check: (db) => (isTrue(db.config.storage_encrypted) ? undefined : "does not encrypt its storage"),
  examples: {
    compliant: databaseStack(),
    nonCompliant: [
      {
        stack: databaseStack((d) => (d.storage_encrypted = false)),
        findings: ["aws_db_instance.d: does not encrypt its storage"],
      },
    ],
  },
};
