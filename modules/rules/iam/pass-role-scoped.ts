import { identityPolicies, IDENTITY_POLICY_TYPES, list } from "../helpers";
import type { ResourceRule } from "../types";
import { roleStack, withStatement } from "./examples";

export const iamPassRoleScoped: ResourceRule = {
  kind: "resource",
  id: "IAM.PassRoleScoped",
  level: "error",
  summary: "iam:PassRole names its roles and the service they go to (iam:PassedToService)",
  explanation:
    'PassRole on "*" or without iam:PassedToService lets a principal hand any role, to any service: a path to every permission those roles have.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  check(r) {
    for (const d of identityPolicies(r)) {
      for (const s of d.Statement) {
        if (
          s.Effect !== "Allow" ||
          !list(s.Action).some((a) => /^iam:(PassRole|\*)$/i.test(a) || a === "*")
        )
          continue;
        if (list(s.Resource).includes("*")) return "allows iam:PassRole on every role";
        const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
        if (!keys.includes("iam:PassedToService"))
          return "allows iam:PassRole without iam:PassedToService";
      }
    }
    return undefined;
  },
  examples: {
    compliant: roleStack(),
    nonCompliant: [
      {
        stack: withStatement({
          Sid: "Pass",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::111111111111:role/r",
        }),
        findings: ["aws_iam_policy.p: allows iam:PassRole without iam:PassedToService"],
      },
      {
        stack: withStatement({
          Sid: "Pass",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "*",
          Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
        }),
        findings: ["aws_iam_policy.p: allows iam:PassRole on every role"],
      },
      {
        stack: withStatement({ Sid: "Pass", Effect: "Allow", Action: "iam:*", Resource: "*" }),
        findings: ["aws_iam_policy.p: allows iam:PassRole on every role"],
      },
      {
        // IAM action names are case-insensitive: the rule must be too.
        stack: withStatement({
          Sid: "Pass",
          Effect: "Allow",
          Action: "IAM:passrole",
          Resource: "arn:aws:iam::111111111111:role/r",
        }),
        findings: ["aws_iam_policy.p: allows iam:PassRole without iam:PassedToService"],
      },
    ],
  },
};
