import { list } from "../helpers";
import type { StackRule } from "../types";

export const stackAllowedAccountIds: StackRule = {
  kind: "stack",
  id: "Stack.AllowedAccountIds",
  level: "error",
  summary: "Every AWS provider is pinned to its account (allowed_account_ids)",
  explanation:
    "With the wrong credentials Terraform would apply one account's stack to another; allowed_account_ids makes it stop first.",
  check(ctx) {
    return list(ctx.json.provider?.aws)
      .filter((p: any) => list(p.allowed_account_ids).length === 0)
      .map((p: any) => `AWS provider${p.alias ? ` ${p.alias}` : ""} has no allowed_account_ids`);
  },
  examples: {
    compliant: {
      provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] },
    },
    nonCompliant: [
      {
        stack: { provider: { aws: [{ region: "eu-west-1" }] } },
        findings: ["stack: AWS provider has no allowed_account_ids"],
      },
      {
        stack: {
          provider: {
            aws: [
              { region: "eu-west-1", allowed_account_ids: ["111111111111"] },
              { alias: "replica", region: "eu-central-1" },
            ],
          },
        },
        findings: ["stack: AWS provider replica has no allowed_account_ids"],
      },
    ],
  },
};
