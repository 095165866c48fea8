import { hasCondition, parsePolicy, principalsOf } from "../helpers";
import type { ResourceRule } from "../types";
import { keyStack } from "./examples";

export const kmsNoOpenPrincipal: ResourceRule = {
  kind: "resource",
  id: "KMS.NoOpenPrincipal",
  level: "error",
  summary: "Key policies never allow every principal without a condition",
  explanation:
    'An Allow statement with Principal "*" and no condition opens the key to any AWS account. Name the principals, or narrow "*" with conditions such as aws:PrincipalOrgID or kms:ViaService.',
  resourceTypes: ["aws_kms_key"],
  check(key) {
    const open = (parsePolicy(key.config.policy)?.Statement ?? []).filter(
      (s) => s.Effect === "Allow" && principalsOf(s).includes("*") && !hasCondition(s),
    );
    return open.length
      ? `allows every principal without a condition (${open.map((s) => s.Sid ?? "no Sid").join(", ")})`
      : undefined;
  },
  examples: {
    compliant: keyStack(),
    nonCompliant: [
      {
        stack: keyStack(
          (k) =>
            (k.policy = JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "Open",
                  Effect: "Allow",
                  Principal: "*",
                  Action: "kms:Decrypt",
                  Resource: "*",
                },
              ],
            })),
        ),
        findings: ["aws_kms_key.k: allows every principal without a condition (Open)"],
      },
      {
        stack: keyStack((k) => {
          const p = JSON.parse(k.policy);
          p.Statement[0].Principal = { AWS: "*" };
          k.policy = JSON.stringify(p);
        }),
        findings: ["aws_kms_key.k: allows every principal without a condition (Admin)"],
      },
    ],
  },
};
