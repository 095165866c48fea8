import { SERVER_TYPES, mlflowManaged, mlflowOff, mlflowServerOn } from "./mlflow-configs";
import { denyModelApproval } from "../../../modules/sagemaker/guardrails";
import { plainReferences, simulate } from "../../iam-simulate";
import {
  allPoliciesOf,
  expectedGrant,
  findResource,
  keyByAlias,
  ref,
  resourcesOf,
  rolePolicy,
  statement,
  type StackJson,
} from "../../helpers";

const on = mlflowServerOn();
const off = mlflowOff();

const managed = mlflowManaged();

describe("managed MLflow tracking server (mode: managed)", () => {
  const [, server] = findResource(managed, "aws_sagemaker_mlflow_tracking_server", () => true);
  const [role] = findResource(
    managed,
    "aws_iam_role",
    (r) => r.name === "mlops-dev-mlflow-tracking",
  );
  const [bucket] = findResource(
    managed,
    "aws_s3_bucket",
    (b) => b.bucket === "mlops-dev-mlflow-111111111111-eu-west-1",
  );
  const serverArn = "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/mlops-dev";

  test("the server: the MLflow bucket, its own role, size and window from config, protected", () => {
    expect(server).toMatchObject({
      tracking_server_name: "mlops-dev",
      artifact_store_uri: `s3://${ref("aws_s3_bucket", bucket, "bucket")}`,
      role_arn: ref("aws_iam_role", role, "arn"),
      tracking_server_size: "Medium",
      weekly_maintenance_window_start: "Tue:02:30",
      automatic_model_registration: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(server.mlflow_version).toBeUndefined();
    // Created after its role and policies: plain addresses, as depends_on takes them.
    expect(server.depends_on).toEqual([
      `aws_iam_role.${role}`,
      expect.stringMatching(/^aws_iam_policy\.mlflow-managed_role_policy-permissions_/),
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.mlflow-managed_role_attach-permissions_/,
      ),
      expect.stringMatching(/^aws_iam_policy\.mlflow-managed_role_policy-guardrails_/),
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.mlflow-managed_role_attach-guardrails_/,
      ),
    ]);
    // No self-hosted server in this mode.
    for (const type of SERVER_TYPES) expect(resourcesOf(managed, type)).toEqual({});
  });

  test("its role is SageMaker's of this account, for its tracking servers only", () => {
    expect(
      JSON.parse(resourcesOf(managed, "aws_iam_role")[role].assume_role_policy).Statement,
    ).toEqual([
      {
        Sid: "SageMakerMlflowOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: {
            "aws:SourceArn": "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/*",
          },
        },
      },
    ]);
  });

  test("its role reaches the MLflow bucket only and registers models as pending, never approved", () => {
    const policy = rolePolicy(managed, "mlops-dev-mlflow-tracking");
    const arn = ref("aws_s3_bucket", bucket, "arn");
    expect(policy.Statement.map((st) => st.Sid)).toEqual([
      "MlflowBucketReadWriteList",
      "MlflowBucketReadWriteBucket",
      "MlflowBucketReadWriteObjects",
      "MlflowBucketReadWriteKey",
      "RegisterModelsAsPending",
    ]);
    const [dataKey] = keyByAlias(managed, "alias/mlops-dev-data");
    expect(policy.Statement.slice(0, 4)).toEqual(
      expectedGrant("MlflowBucketReadWrite", arn, ref("aws_kms_key", dataKey, "arn"), "read-write"),
    );
    expect(statement(policy, "RegisterModelsAsPending")).toEqual({
      Sid: "RegisterModelsAsPending",
      Effect: "Allow",
      Action: [
        "sagemaker:AddTags",
        "sagemaker:CreateModelPackage",
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:DescribeModelPackage",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:UpdateModelPackage",
      ],
      Resource: [
        "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/*",
        "arn:aws:sagemaker:eu-west-1:111111111111:model-package/*",
      ],
    });
    // Registering is pending only, and the approval status is never the server's to change.
    expect(rolePolicy(managed, "mlops-dev-mlflow-tracking", "guardrails").Statement).toEqual(
      denyModelApproval(),
    );
  });

  test("the MLflow interface endpoint, beside SageMaker's API", () => {
    const [, endpoint] = findResource(
      managed,
      "aws_vpc_endpoint",
      (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
    );
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
    // Not in the other modes.
    expect(
      Object.values(resourcesOf(off, "aws_vpc_endpoint")).map((e) => e.service_name),
    ).not.toContain("aws.sagemaker.eu-west-1.experiments");
  });

  test("Studio, pipelines and the build personas use this server only, only through the endpoint", () => {
    const [endpoint] = findResource(
      managed,
      "aws_vpc_endpoint",
      (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
    );
    const expected = [
      {
        Sid: "UseTheTrackingServerThroughTheVpcEndpoint",
        Effect: "Allow",
        Action: "sagemaker-mlflow:*",
        Resource: serverArn,
        Condition: { StringEquals: { "aws:SourceVpce": ref("aws_vpc_endpoint", endpoint, "id") } },
      },
      {
        // AccessUI exists on "*" only: on the server's ARN it granted nothing.
        Sid: "OpenTheTrackingServerUi",
        Effect: "Allow",
        Action: "sagemaker-mlflow:AccessUI",
        Resource: "*",
      },
      {
        Sid: "OpenTheTrackingServer",
        Effect: "Allow",
        Action: [
          "sagemaker:CreatePresignedMlflowTrackingServerUrl",
          "sagemaker:DescribeMlflowTrackingServer",
        ],
        Resource: serverArn,
      },
    ];
    for (const name of [
      "mlops-dev-studio-execution",
      "mlops-dev-team-admin-execution",
      "mlops-dev-pipeline-execution",
      "mlops-dev-data-scientist",
      "mlops-dev-team-admin",
      "mlops-dev-ds-admin",
    ]) {
      expect([name, rolePolicy(managed, name, "mlflow").Statement]).toEqual([name, expected]);
    }
    // The approver and the deployer have no MLflow access.
    for (const name of ["mlops-dev-model-approver", "mlops-dev-model-deployer"]) {
      expect(
        Object.values(resourcesOf(managed, "aws_iam_policy")).map((p) => p.name),
      ).not.toContain(`${name}-mlflow`);
    }
  });

  test("outputs the tracking URI and how clients use it", () => {
    expect(managed.output!.mlflow_tracking_server_arn.value).toBe(serverArn);
    expect(managed.output!.mlflow_client_setup.value).toBe(
      `pip install sagemaker-mlflow && python -c 'import mlflow; mlflow.set_tracking_uri("${serverArn}")'`,
    );
  });

  test("the artifact bucket keeps its address in every mode, so switching replaces no data", () => {
    const addresses = (stack: StackJson) =>
      Object.entries(resourcesOf(stack, "aws_s3_bucket"))
        .filter(([, b]) => String(b.bucket).includes("-mlflow-"))
        .map(([name]) => name);
    expect(addresses(managed)).toEqual(addresses(off));
    expect(addresses(on)).toEqual(addresses(off));
  });
});

describe("managed MLflow: the grants reach the UI and the API (simulated)", () => {
  const identity = plainReferences(allPoliciesOf(managed, "mlops-dev-studio-execution"));
  const server = "arn:aws:sagemaker:eu-west-1:111111111111:mlflow-tracking-server/mlops-dev";
  const [endpoint] = findResource(
    managed,
    "aws_vpc_endpoint",
    (e) => e.service_name === "aws.sagemaker.eu-west-1.experiments",
  );
  const call = (action: string, resource: string, context: Record<string, string> = {}) =>
    simulate(
      {
        principal: "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
        action,
        resource,
        context,
      },
      { identity },
    );

  test("the UI (sagemaker-mlflow:AccessUI, authorized on * only) is granted", async () => {
    expect(await call("sagemaker-mlflow:AccessUI", "*")).toBe("Allowed");
  });
  test("the API is granted through the MLflow endpoint, and refused from elsewhere", async () => {
    const through = { "aws:SourceVpce": `aws_vpc_endpoint.${endpoint}.id` };
    expect(await call("sagemaker-mlflow:LogMetric", server, through)).toBe("Allowed");
    expect(
      await call("sagemaker-mlflow:LogMetric", server, { "aws:SourceVpce": "vpce-other" }),
    ).not.toBe("Allowed");
  });
});
