import { isTrue } from "../helpers";
import type { StackRule } from "../types";

export const stackEncryptedStateWithLocking: StackRule = {
  kind: "stack",
  id: "Stack.EncryptedStateWithLocking",
  level: "error",
  summary: "State is stored encrypted, with locking",
  explanation:
    "State holds every attribute of every resource. The S3 backend must set encrypt and lock (use_lockfile or dynamodb_table), or the stack uses HCP Terraform (a cloud block, which encrypts and locks); a local backend keeps neither promise (bootstrap stacks suppress this until they migrate).",
  check(ctx) {
    // HCP Terraform / Terraform Enterprise encrypt state at rest and lock it for every run.
    const cloud = ctx.json.terraform?.cloud;
    if (cloud !== undefined) {
      return cloud.organization && cloud.workspaces
        ? []
        : ["has a cloud block without an organization and workspaces"];
    }
    const backend = ctx.json.terraform?.backend ?? {};
    const s3 = backend.s3;
    if (s3 === undefined)
      return [
        `keeps its state in a ${Object.keys(backend)[0] ?? "local"} backend, not in encrypted S3 with locking`,
      ];
    const problems: string[] = [];
    if (!isTrue(s3.encrypt)) problems.push("does not encrypt its state (backend s3 encrypt)");
    if (!isTrue(s3.use_lockfile) && !s3.dynamodb_table)
      problems.push("does not lock its state (use_lockfile or dynamodb_table)");
    return problems;
  },
  examples: {
    compliant: {
      terraform: { backend: { s3: { bucket: "b", key: "k", encrypt: true, use_lockfile: true } } },
    },
    nonCompliant: [
      {
        stack: { terraform: { backend: { s3: { bucket: "b", key: "k", encrypt: true } } } },
        findings: ["stack: does not lock its state (use_lockfile or dynamodb_table)"],
      },
      {
        stack: { terraform: { backend: { s3: { bucket: "b", key: "k", use_lockfile: true } } } },
        findings: ["stack: does not encrypt its state (backend s3 encrypt)"],
      },
      {
        stack: { terraform: { backend: { local: { path: "terraform.tfstate" } } } },
        findings: ["stack: keeps its state in a local backend, not in encrypted S3 with locking"],
      },
      {
        stack: {},
        findings: ["stack: keeps its state in a local backend, not in encrypted S3 with locking"],
      },
      {
        stack: { terraform: { cloud: { organization: "acme" } } },
        findings: ["stack: has a cloud block without an organization and workspaces"],
      },
    ],
  },
};
