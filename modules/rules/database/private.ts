import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { databaseStack } from "./examples";

export const rdsPrivate: ResourceRule = {
  kind: "resource",
  id: "RDS.Private",
  level: "error",
  summary: "Databases are not publicly accessible",
  explanation: "publicly_accessible gives the instance a public DNS name and address.",
  resourceTypes: ["aws_db_instance"],
  check: (db) => (isTrue(db.config.publicly_accessible) ? "is publicly accessible" : undefined),
  examples: {
    compliant: databaseStack(),
    nonCompliant: [
      {
        stack: databaseStack((d) => (d.publicly_accessible = true)),
        findings: ["aws_db_instance.d: is publicly accessible"],
      },
    ],
  },
};
