import type { ResourceRule } from "../types";
import { instanceStack } from "./examples";

export const ec2Imdsv2: ResourceRule = {
  kind: "resource",
  id: "EC2.Imdsv2",
  level: "error",
  summary: "Instances require IMDSv2",
  explanation:
    "http_tokens = required blocks the SSRF-to-credentials path of IMDSv1. An instance may get it from its launch template.",
  resourceTypes: ["aws_instance", "aws_launch_template"],
  check(r, ctx) {
    if (r.config.metadata_options?.http_tokens === "required") return undefined;
    if (r.type === "aws_instance") {
      const ref = String(r.config.launch_template?.id ?? r.config.launch_template?.name ?? "");
      const template = ctx
        .byType("aws_launch_template")
        .find((t) => ref.includes(`aws_launch_template.${t.name}.`));
      if (template?.config.metadata_options?.http_tokens === "required") return undefined;
    }
    return "does not require IMDSv2 (metadata_options.http_tokens = required)";
  },
  examples: {
    compliant: instanceStack(),
    nonCompliant: [
      {
        stack: instanceStack(
          (j) => (j.resource.aws_launch_template.lt.metadata_options.http_tokens = "optional"),
        ),
        findings: [
          "aws_instance.i: does not require IMDSv2 (metadata_options.http_tokens = required)",
          "aws_launch_template.lt: does not require IMDSv2 (metadata_options.http_tokens = required)",
        ],
      },
      {
        stack: instanceStack((j) => {
          delete j.resource.aws_instance.i.launch_template;
          j.resource.aws_instance.i.metadata_options = { http_tokens: "optional" };
        }),
        findings: [
          "aws_instance.i: does not require IMDSv2 (metadata_options.http_tokens = required)",
        ],
      },
    ],
  },
};
