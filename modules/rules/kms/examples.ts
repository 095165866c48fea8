import type { StackJson } from "../types";

export function keyStack(change: (key: any) => void = () => undefined): StackJson {
  const key: any = {
    enable_key_rotation: true,
    deletion_window_in_days: 30,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Admin",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:role/deploy" },
          Action: "kms:DescribeKey",
          Resource: "*",
        },
      ],
    }),
  };
  change(key);
  return { resource: { aws_kms_key: { k: key } } };
}
