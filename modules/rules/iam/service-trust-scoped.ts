import { list, parsePolicy } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withTrust } from "./examples";

/**
 * Services that assume roles only for resources of the account that passed them the role, and
 * do not send aws:SourceAccount: the control is iam:PassRole. EC2 instance profiles are the case.
 */
export const SERVICES_WITHOUT_SOURCE_KEYS = ["ec2.amazonaws.com"];

export const iamServiceTrustScoped: ResourceRule = {
  kind: "resource",
  id: "IAM.ServiceTrustScoped",
  level: "error",
  summary:
    "Service trust is limited to this account's resources (aws:SourceAccount or aws:SourceArn)",
  explanation:
    "Without them, the service may assume the role for another customer's resource (the confused deputy). EC2 is exempt: it assumes instance roles only for instances launched with iam:PassRole in this account, and does not send these keys.",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    for (const s of parsePolicy(role.config.assume_role_policy)?.Statement ?? []) {
      if (s.Effect !== "Allow" || s.Principal === undefined || s.Principal === "*") continue;
      const services = list(s.Principal.Service).filter(
        (svc) => !SERVICES_WITHOUT_SOURCE_KEYS.includes(svc),
      );
      if (services.length === 0) continue;
      const keys = Object.values(s.Condition ?? {}).flatMap((byKey) =>
        Object.keys(byKey).map((k) => k.toLowerCase()),
      );
      if (!keys.includes("aws:sourceaccount") && !keys.includes("aws:sourcearn")) {
        return `trusts ${services.join(", ")} without aws:SourceAccount or aws:SourceArn`;
      }
    }
    return undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withTrust({
          Sid: "Lambda",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        findings: [
          "aws_iam_role.r: trusts lambda.amazonaws.com without aws:SourceAccount or aws:SourceArn",
        ],
      },
    ],
  },
};
