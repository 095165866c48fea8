import { list } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcS3GatewayEndpoint: ResourceRule = {
  kind: "resource",
  id: "VPC.S3GatewayEndpoint",
  level: "error",
  summary: "S3 gateway endpoints sit on route tables and carry a policy",
  explanation:
    "Without route tables the endpoint carries no traffic; without a policy it reaches every bucket in the world.",
  resourceTypes: ["aws_vpc_endpoint"],
  check(endpoint) {
    const c = endpoint.config;
    if (c.vpc_endpoint_type !== "Gateway" || !String(c.service_name).endsWith(".s3"))
      return undefined;
    if (list(c.route_table_ids).length === 0) return "is on no route table";
    return typeof c.policy === "string" && c.policy.length > 0
      ? undefined
      : "has no endpoint policy";
  },
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => delete j.resource.aws_vpc_endpoint.s3.policy),
        findings: ["aws_vpc_endpoint.s3: has no endpoint policy"],
      },
      {
        stack: vpcStack((j) => (j.resource.aws_vpc_endpoint.s3.route_table_ids = [])),
        findings: ["aws_vpc_endpoint.s3: is on no route table"],
      },
    ],
  },
};
