import { isTrue, list } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcInterfaceEndpoints: ResourceRule = {
  kind: "resource",
  id: "VPC.InterfaceEndpoints",
  level: "error",
  summary: "Interface endpoints use private DNS and a security group",
  explanation:
    "Private DNS makes SDKs reach the endpoint instead of the public service; the security group limits who may reach it.",
  resourceTypes: ["aws_vpc_endpoint"],
  check(endpoint) {
    if (endpoint.config.vpc_endpoint_type !== "Interface") return undefined;
    if (!isTrue(endpoint.config.private_dns_enabled)) return "does not enable private DNS";
    return list(endpoint.config.security_group_ids).length > 0
      ? undefined
      : "has no security group";
  },
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => (j.resource.aws_vpc_endpoint.sts.private_dns_enabled = false)),
        findings: ["aws_vpc_endpoint.sts: does not enable private DNS"],
      },
      {
        stack: vpcStack((j) => (j.resource.aws_vpc_endpoint.sts.security_group_ids = [])),
        findings: ["aws_vpc_endpoint.sts: has no security group"],
      },
    ],
  },
};
