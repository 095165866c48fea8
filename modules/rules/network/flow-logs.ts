import { linked } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcFlowLogs: ResourceRule = {
  kind: "resource",
  id: "VPC.FlowLogs",
  level: "error",
  summary: "Every VPC records ALL traffic in flow logs",
  explanation:
    "An aws_flow_log with traffic_type ALL on the VPC records accepted and rejected traffic for investigations.",
  resourceTypes: ["aws_vpc"],
  check: (vpc, ctx) =>
    linked(ctx, "aws_flow_log", vpc, "vpc_id").some((f) => f.config.traffic_type === "ALL")
      ? undefined
      : "has no flow log recording ALL traffic",
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => (j.resource.aws_flow_log.f.traffic_type = "REJECT")),
        findings: ["aws_vpc.v: has no flow log recording ALL traffic"],
      },
      {
        stack: vpcStack((j) => delete j.resource.aws_flow_log),
        findings: ["aws_vpc.v: has no flow log recording ALL traffic"],
      },
      {
        stack: vpcStack((j) => (j.resource.aws_flow_log.f.vpc_id = "${aws_vpc.other.id}")),
        findings: ["aws_vpc.v: has no flow log recording ALL traffic"],
      },
    ],
  },
};
