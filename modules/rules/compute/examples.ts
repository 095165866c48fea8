import type { StackJson } from "../types";

export function instanceStack(change: (json: any) => void = () => undefined): StackJson {
  const json: any = {
    resource: {
      aws_launch_template: {
        lt: {
          metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
          block_device_mappings: [
            {
              device_name: "/dev/xvda",
              ebs: { encrypted: "true", kms_key_id: "${aws_kms_key.k.arn}" },
            },
          ],
        },
      },
      aws_instance: {
        i: {
          launch_template: { id: "${aws_launch_template.lt.id}" },
          subnet_id: "${aws_subnet.s.id}",
          associate_public_ip_address: false,
        },
      },
    },
  };
  change(json);
  return json;
}
