import { isTrue, list } from "../helpers";
import type { ResourceRule } from "../types";
import { instanceStack } from "./examples";

export const ec2EncryptedVolumes: ResourceRule = {
  kind: "resource",
  id: "EC2.EncryptedVolumes",
  level: "error",
  summary: "EBS volumes are encrypted",
  explanation:
    "Every root and data volume, in instances, launch templates and standalone volumes, sets encrypted (with a customer managed key where the platform can).",
  resourceTypes: ["aws_instance", "aws_launch_template", "aws_ebs_volume"],
  check(r) {
    const c = r.config;
    if (r.type === "aws_ebs_volume") return isTrue(c.encrypted) ? undefined : "is not encrypted";
    if (r.type === "aws_launch_template") {
      return list(c.block_device_mappings).some((m: any) => m.ebs && !isTrue(m.ebs.encrypted))
        ? "maps an unencrypted volume"
        : undefined;
    }
    const volumes = [...list(c.root_block_device), ...list(c.ebs_block_device)];
    return volumes.some((v: any) => !isTrue(v.encrypted)) ? "has an unencrypted volume" : undefined;
  },
  examples: {
    compliant: instanceStack(),
    nonCompliant: [
      {
        stack: instanceStack(
          (j) =>
            (j.resource.aws_launch_template.lt.block_device_mappings[0].ebs.encrypted = "false"),
        ),
        findings: ["aws_launch_template.lt: maps an unencrypted volume"],
      },
      {
        stack: instanceStack(
          (j) => (j.resource.aws_instance.i.root_block_device = { encrypted: false }),
        ),
        findings: ["aws_instance.i: has an unencrypted volume"],
      },
      {
        stack: instanceStack(
          (j) => (j.resource.aws_ebs_volume = { v: { availability_zone: "eu-west-1a", size: 10 } }),
        ),
        findings: ["aws_ebs_volume.v: is not encrypted"],
      },
    ],
  },
};
