import { identityPolicies, linked, list, refersTo } from "../helpers";
import type { ResourceRule, ResourceView, RuleContext, StackJson } from "../types";

const BUCKET = "${aws_s3_bucket.artifacts.bucket}";
const ROLE = "${aws_iam_role.mlflow.arn}";

function serverStack(
  change: (parts: { server: any; sse: any; policy: any }) => void = () => undefined,
): StackJson {
  const server: any = {
    tracking_server_name: "lab-dev",
    artifact_store_uri: `s3://${BUCKET}`,
    role_arn: ROLE,
    lifecycle: { prevent_destroy: true },
  };
  const sse: any = {
    bucket: "${aws_s3_bucket.artifacts.id}",
    rule: [
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "${aws_kms_key.k.arn}",
        },
      },
    ],
  };
  const policy: any = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Artifacts",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: ["${aws_s3_bucket.artifacts.arn}/*"],
      },
    ],
  };
  change({ server, sse, policy });
  return {
    resource: {
      aws_sagemaker_mlflow_tracking_server: { server },
      aws_s3_bucket: { artifacts: { bucket: "lab-dev-mlflow" } },
      aws_s3_bucket_server_side_encryption_configuration: { artifacts: sse },
      aws_iam_role: { mlflow: { name: "lab-dev-mlflow-tracking" } },
      aws_iam_policy: { mlflow: { policy: JSON.stringify(policy) } },
      aws_iam_role_policy_attachment: {
        mlflow: { role: "${aws_iam_role.mlflow.name}", policy_arn: "${aws_iam_policy.mlflow.arn}" },
      },
    },
  };
}

/** The policies attached to, or inline in, a role of the stack. */
function rolePolicies(ctx: RuleContext, role: ResourceView) {
  const attached = linked(ctx, "aws_iam_role_policy_attachment", role, "role").flatMap((a) =>
    ctx
      .byType("aws_iam_policy")
      .filter((p) => refersTo(a.config.policy_arn, p))
      .flatMap(identityPolicies),
  );
  const inline = linked(ctx, "aws_iam_role_policy", role, "role").flatMap(identityPolicies);
  return [...attached, ...inline, ...identityPolicies(role)];
}

export const sageMakerMlflowTrackingServer: ResourceRule = {
  kind: "resource",
  id: "SageMaker.MlflowTrackingServer",
  level: "error",
  summary:
    "Managed MLflow tracking servers store artifacts in a KMS-encrypted bucket of the stack, with a role that reaches no other bucket, and are protected from destroy",
  explanation:
    "The artifact store holds models and datasets logged by runs: a platform bucket under a customer managed key, not any bucket. The server's role is what SageMaker uses to write there; AWS's guide suggests AmazonS3FullAccess, which would let the server (and whoever controls a run) read and write every bucket of the account. The server holds the experiments' metadata, so it is protected from destroy.",
  resourceTypes: ["aws_sagemaker_mlflow_tracking_server"],
  check(server, ctx) {
    const c = server.config;
    const problems: string[] = [];
    const bucket = ctx
      .byType("aws_s3_bucket")
      .find((b) => typeof c.artifact_store_uri === "string" && refersTo(c.artifact_store_uri, b));
    if (bucket === undefined) {
      problems.push("its artifact store is not a bucket of this stack");
    } else {
      const kms = linked(
        ctx,
        "aws_s3_bucket_server_side_encryption_configuration",
        bucket,
        "bucket",
      )
        .flatMap((r) => list(r.config.rule))
        .some((rule: any) => {
          const d = list(rule.apply_server_side_encryption_by_default)[0] as any;
          return d?.sse_algorithm === "aws:kms" && Boolean(d.kms_master_key_id);
        });
      if (!kms) problems.push(`its artifact bucket ${bucket.address} is not SSE-KMS with a key`);
    }
    const role = ctx.byType("aws_iam_role").find((r) => refersTo(c.role_arn, r));
    if (role === undefined) {
      problems.push("its role is not a role of this stack");
    } else if (bucket !== undefined) {
      const beyond = rolePolicies(ctx, role)
        .flatMap((d) => d.Statement)
        .filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => /^s3:/.test(a)))
        .flatMap((s) => list(s.Resource))
        .filter((r) => !refersTo(r, bucket));
      if (beyond.length > 0)
        problems.push(`its role reaches S3 beyond the artifact bucket: ${beyond.join(", ")}`);
    }
    if (c.lifecycle?.prevent_destroy !== true) problems.push("it is not protected from destroy");
    return problems.length > 0 ? problems.join("; ") : undefined;
  },
  examples: {
    compliant: serverStack(),
    nonCompliant: [
      {
        stack: serverStack(({ policy }) =>
          policy.Statement.push({ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" }),
        ),
        findings: [
          "aws_sagemaker_mlflow_tracking_server.server: its role reaches S3 beyond the artifact bucket: *",
        ],
      },
    ],
  },
};

/** Non-compliant variants, one per condition the rule checks (for the tests). */
export const MLFLOW_TRACKING_SERVER_VIOLATIONS: Record<string, StackJson> = {
  "another bucket": serverStack(({ server }) => (server.artifact_store_uri = "s3://some-bucket")),
  "no customer managed key": serverStack(({ sse }) => {
    sse.rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" };
  }),
  "a role of another stack": serverStack(
    ({ server }) => (server.role_arn = "arn:aws:iam::1:role/x"),
  ),
  "a role beyond the bucket": serverStack(({ policy }) =>
    policy.Statement.push({
      Sid: "Other",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::other/*",
    }),
  ),
  "no protection from destroy": serverStack(({ server }) => delete server.lifecycle),
};
