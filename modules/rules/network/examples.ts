import type { StackJson } from "../types";

/** A private VPC as the platform writes it. */
export function vpcStack(change: (json: any) => void = () => undefined): StackJson {
  const json: any = {
    resource: {
      aws_vpc: { v: { cidr_block: "10.0.0.0/16" } },
      aws_subnet: {
        s: { vpc_id: "${aws_vpc.v.id}", cidr_block: "10.0.0.0/19", map_public_ip_on_launch: false },
      },
      aws_flow_log: {
        f: {
          vpc_id: "${aws_vpc.v.id}",
          traffic_type: "ALL",
          log_destination: "${aws_cloudwatch_log_group.l.arn}",
        },
      },
      aws_default_security_group: { d: { vpc_id: "${aws_vpc.v.id}", ingress: [], egress: [] } },
      aws_security_group: {
        g: { name: "g", description: "Workloads of the platform", vpc_id: "${aws_vpc.v.id}" },
      },
      aws_vpc_security_group_ingress_rule: {
        i: {
          security_group_id: "${aws_security_group.g.id}",
          description: "HTTPS from the VPC",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "10.0.0.0/16",
        },
      },
      aws_vpc_security_group_egress_rule: {
        e: {
          security_group_id: "${aws_security_group.g.id}",
          description: "HTTPS to the internet",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "0.0.0.0/0",
        },
      },
      aws_vpc_endpoint: {
        s3: {
          vpc_id: "${aws_vpc.v.id}",
          service_name: "com.amazonaws.eu-west-1.s3",
          vpc_endpoint_type: "Gateway",
          route_table_ids: ["${aws_route_table.r.id}"],
          policy: "{}",
        },
        sts: {
          vpc_id: "${aws_vpc.v.id}",
          service_name: "com.amazonaws.eu-west-1.sts",
          vpc_endpoint_type: "Interface",
          private_dns_enabled: true,
          security_group_ids: ["${aws_security_group.g.id}"],
        },
      },
    },
  };
  change(json);
  return json;
}
