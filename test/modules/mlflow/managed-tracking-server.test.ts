/**
 * ManagedTrackingServer on its own: the protected server on the artifact bucket, its role trusted
 * by SageMaker's tracking servers of this account only, registration as pending only, and what
 * clients may do through the VPC endpoint.
 */
import { KmsKey } from "../../../modules/kms/kms-key";
import { denyModelApproval } from "../../../modules/sagemaker/guardrails";
import {
  ManagedTrackingServer,
  useManagedTrackingServer,
} from "../../../modules/mlflow/managed-tracking-server";
import { SecureBucket } from "../../../modules/storage/secure-bucket";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  synthStack,
  type StackJson,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;

function synthServer(automaticModelRegistration?: boolean): StackJson {
  const stack = moduleTestStack();
  const key = new KmsKey(stack, "key", {
    alias: "alias/p-dev-data",
    description: "d",
    administratorArns: ["arn:aws:iam::111111111111:role/terraform-deploy"],
  });
  const artifactBucket = new SecureBucket(stack, "mlflow-bucket", {
    bucketName: "p-dev-mlflow",
    encryption: { kmsKey: key },
    environment: ENV,
    accessLogs: { disabledReason: "a unit test's bucket, logged nowhere" },
  });
  new ManagedTrackingServer(stack, "mlflow", {
    environment: ENV,
    name: "p-dev",
    roleName: "p-dev-mlflow-tracking",
    artifactBucket,
    size: "Small",
    weeklyMaintenanceWindowStart: "Tue:02:30",
    automaticModelRegistration,
  });
  return synthStack(stack);
}

const policyNamed = (json: StackJson, name: string) =>
  Object.values(resourcesOf(json, "aws_iam_policy")).find((p) => p.name === name);

describe("ManagedTrackingServer", () => {
  const json = synthServer();

  test("the server: on the artifact bucket, as its role, protected, no registration by default", () => {
    expect(onlyResource(json, "aws_sagemaker_mlflow_tracking_server")).toMatchObject({
      tracking_server_name: "p-dev",
      artifact_store_uri: expect.stringMatching(
        /^s3:\/\/\$\{aws_s3_bucket\.mlflow-bucket_.+\.bucket\}$/,
      ),
      tracking_server_size: "Small",
      weekly_maintenance_window_start: "Tue:02:30",
      automatic_model_registration: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(policyNamed(json, "p-dev-mlflow-tracking-guardrails")).toBeUndefined();
  });

  test("the role: SageMaker's tracking servers of this account only", () => {
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
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

  test("registration: pending only, guarded against approving", () => {
    const registering = synthServer(true);
    const guardrails = policyNamed(registering, "p-dev-mlflow-tracking-guardrails")!;
    expect(policyOf(guardrails).Statement).toEqual(denyModelApproval());
  });

  test("clients: the MLflow API through the VPC endpoint only; the UI by this server's presigned URL", () => {
    expect(useManagedTrackingServer("arn:server", "vpce-1")).toEqual([
      {
        Sid: "UseTheTrackingServerThroughTheVpcEndpoint",
        Effect: "Allow",
        Action: "sagemaker-mlflow:*",
        Resource: "arn:server",
        Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } },
      },
      {
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
        Resource: "arn:server",
      },
    ]);
  });
});
