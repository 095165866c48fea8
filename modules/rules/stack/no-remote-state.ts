import type { StackRule } from "../types";

export const stackNoRemoteState: StackRule = {
  kind: "stack",
  id: "Stack.NoRemoteState",
  level: "error",
  summary: "No stack reads another stack's state",
  explanation:
    "terraform_remote_state couples stacks and gives readers of one state the secrets of another. Wire accounts with names computed from config.",
  check: (ctx) =>
    Object.keys(ctx.json.data?.terraform_remote_state ?? {}).map(
      (n) => `reads the state of another stack (data.terraform_remote_state.${n})`,
    ),
  examples: {
    compliant: { data: {} },
    nonCompliant: [
      {
        stack: { data: { terraform_remote_state: { other: { backend: "s3" } } } },
        findings: ["stack: reads the state of another stack (data.terraform_remote_state.other)"],
      },
    ],
  },
};
