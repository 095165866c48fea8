import type { ResourceRule } from "../types";
import { databaseStack, DATABASE_TYPES } from "./examples";

export const rdsNoLiteralPassword: ResourceRule = {
  kind: "resource",
  id: "RDS.NoLiteralPassword",
  level: "error",
  summary: "No database password is written in the configuration",
  explanation:
    "A password in code is in the repository, the synthesized JSON and the state. Let RDS manage it in Secrets Manager (manage_master_user_password).",
  resourceTypes: DATABASE_TYPES,
  check(db) {
    const password = db.config.password ?? db.config.master_password;
    return typeof password === "string" && !password.startsWith("${")
      ? "has a literal password"
      : undefined;
  },
  examples: {
    compliant: databaseStack(),
    nonCompliant: [
      {
        stack: databaseStack((d) => (d.password = "hunter22")),
        findings: ["aws_db_instance.d: has a literal password"],
      },
      {
        stack: databaseStack((d) => (d.master_password = "hunter2")),
        findings: ["aws_db_instance.d: has a literal password"],
      },
    ],
  },
};
