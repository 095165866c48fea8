import { isTrue, list } from "../helpers";
import type { ResourceRule } from "../types";
import { instanceStack } from "./examples";

export const ec2NoPublicIp: ResourceRule = {
  kind: "resource",
  id: "EC2.NoPublicIp",
  level: "error",
  summary: "Instances get no public IP",
  explanation:
    "Instances live in private subnets and are reached through Session Manager or load balancers, never on a public address.",
  resourceTypes: ["aws_instance", "aws_launch_template"],
  check(r) {
    if (isTrue(r.config.associate_public_ip_address)) return "associates a public IP";
    return list(r.config.network_interfaces).some((n: any) => isTrue(n.associate_public_ip_address))
      ? "associates a public IP"
      : undefined;
  },
  examples: {
    compliant: instanceStack(),
    nonCompliant: [
      {
        stack: instanceStack((j) => (j.resource.aws_instance.i.associate_public_ip_address = true)),
        findings: ["aws_instance.i: associates a public IP"],
      },
      {
        stack: instanceStack(
          (j) =>
            (j.resource.aws_instance.i.network_interfaces = [
              { associate_public_ip_address: "true" },
            ]),
        ),
        findings: ["aws_instance.i: associates a public IP"],
      },
    ],
  },
};
