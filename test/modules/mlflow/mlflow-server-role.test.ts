/**
 * MlflowServerRole on its own: EC2's role with an instance profile; the artifact bucket and
 * nothing else of S3 but the SSM Agent's buckets; Session Manager; its own log group; its database
 * secret only when named.
 */
import { awsOwnedBucketsFor } from "../../../modules/network/vpc-endpoint-catalogue";
import {
  MlflowServerRole,
  type MlflowServerRoleProps,
} from "../../../modules/mlflow/mlflow-server-role";
import {
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  type StackJson,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;
const BUCKET = "arn:aws:s3:::p-dev-mlflow-111111111111-eu-west-1";
const SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:p-dev-mlflow-db-AbCdEf";
const GROUP = "arn:aws:logs:eu-west-1:111111111111:log-group:/p/dev/mlflow";

function synthRole(props: Partial<MlflowServerRoleProps> = {}): StackJson {
  const stack = moduleTestStack();
  new MlflowServerRole(stack, "mlflow", {
    environment: ENV,
    roleName: "p-dev-mlflow-server",
    artifactBucket: {
      bucketArn: BUCKET,
      keyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
      environment: ENV,
    },
    logGroupName: "/p/dev/mlflow",
    logsKey: { keyArn: "arn:aws:kms:eu-west-1:111111111111:key/logs" },
    ...props,
  });
  return synthStack(stack);
}

const statementsOf = (json: StackJson) =>
  Object.values(resourcesOf(json, "aws_iam_policy")).flatMap((p) => policyOf(p).Statement);

describe("MlflowServerRole", () => {
  const json = synthRole();
  const all = statementsOf(json);

  test("EC2's role, with an instance profile of the same name", () => {
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf({ policy: role.assume_role_policy }).Statement).toEqual([
      {
        Sid: "Ec2InstancesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    expect(onlyResource(json, "aws_iam_instance_profile").name).toBe("p-dev-mlflow-server");
  });

  test("S3: the artifact bucket, and reads of the SSM Agent's AWS-owned buckets; nothing else", () => {
    const ssm = statement({ Version: "2012-10-17", Statement: all }, "SsmAgentBuckets");
    expect(ssm.Action).toBe("s3:GetObject");
    expect(ssm.Resource).toEqual(
      awsOwnedBucketsFor(["ssm"], "eu-west-1").map((b) => `arn:aws:s3:::${b.name}/*`),
    );
    const elsewhere = all
      .filter((s) => s.Sid !== "SsmAgentBuckets")
      .filter((s) => [s.Action].flat().some((a) => String(a).startsWith("s3:")))
      .flatMap((s) => [s.Resource].flat())
      .filter((r) => r !== BUCKET && !String(r).startsWith(`${BUCKET}/`));
    expect(elsewhere).toEqual([]);
  });

  test("its own log group only; no database secret unless one is named", () => {
    expect(
      statement({ Version: "2012-10-17", Statement: all }, "WriteItsLogGroup").Resource,
    ).toEqual([GROUP, `${GROUP}:log-stream:*`]);
    expect(all.map((s) => s.Sid)).not.toContain("ReadTheDatabaseSecret");
    const withSecret = statementsOf(synthRole({ databaseSecretArn: SECRET }));
    expect(withSecret.find((s) => s.Sid === "ReadTheDatabaseSecret")).toEqual({
      Sid: "ReadTheDatabaseSecret",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: SECRET,
    });
  });
});
