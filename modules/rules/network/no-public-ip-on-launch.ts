import { isTrue } from "../helpers";
import type { ResourceRule } from "../types";
import { vpcStack } from "./examples";

export const vpcNoPublicIpOnLaunch: ResourceRule = {
  kind: "resource",
  id: "VPC.NoPublicIpOnLaunch",
  level: "error",
  summary: "Subnets do not give instances public IPs",
  explanation:
    "map_public_ip_on_launch puts every instance of the subnet on the internet; NAT gateways get Elastic IPs without it.",
  resourceTypes: ["aws_subnet"],
  check: (subnet) =>
    isTrue(subnet.config.map_public_ip_on_launch) ? "maps public IPs on launch" : undefined,
  examples: {
    compliant: vpcStack(),
    nonCompliant: [
      {
        stack: vpcStack((j) => (j.resource.aws_subnet.s.map_public_ip_on_launch = true)),
        findings: ["aws_subnet.s: maps public IPs on launch"],
      },
    ],
  },
};
