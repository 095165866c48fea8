import type { StackJson } from "../types";

/** A role with a scoped policy and a conditioned service trust; examples start from it. */
export function roleStack(change: (json: any) => void = () => undefined): StackJson {
  const json: any = {
    resource: {
      aws_iam_role: {
        r: {
          name: "r",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "SageMaker",
                Effect: "Allow",
                Principal: { Service: "sagemaker.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
              },
            ],
          }),
        },
      },
      aws_iam_policy: {
        p: {
          name: "p",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "Read",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: "arn:aws:s3:::b/*",
              },
              {
                Sid: "Pass",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::111111111111:role/r",
                Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
              },
            ],
          }),
        },
      },
      aws_iam_role_policy_attachment: {
        a: { role: "${aws_iam_role.r.name}", policy_arn: "${aws_iam_policy.p.arn}" },
      },
    },
  };
  change(json);
  return json;
}

export function withStatement(statement: Record<string, unknown>): StackJson {
  return roleStack((j) => {
    j.resource.aws_iam_policy.p.policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [statement],
    });
  });
}

export function withTrust(statement: Record<string, unknown>): StackJson {
  return roleStack((j) => {
    j.resource.aws_iam_role.r.assume_role_policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [statement],
    });
  });
}
