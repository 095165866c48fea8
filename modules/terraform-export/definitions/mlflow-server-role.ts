import { S3_BUCKET_NAME } from "../../core/patterns";
import type { Construct } from "constructs";
import { MlflowServerRole } from "../../mlflow/mlflow-server-role";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import { kmsKeyArn, matches, nullOrMatches, roleName } from "../validations";

export const mlflowServerRoleModule: ModuleDefinition = {
  name: "mlflow-server-role",
  title: "MLflow tracking server role",
  summary: [
    "The IAM role and instance profile of an MLflow tracking server on EC2: trusted by EC2 only;",
    "may read, write and delete objects of the MLflow artifact bucket (and use its key through",
    "S3) and nothing else of S3 but the AWS-owned buckets the SSM Agent reads; may reach Session",
    "Manager, so nobody needs SSH, a key pair or an open port; writes its own log group",
    "(created here, encrypted with your logs key, kept 365 days, protected from destroy); and",
    "reads the database secret when one is given. No access keys anywhere.",
  ].join("\n"),
  notes: [
    "The logs key must let CloudWatch Logs use it (KMS key module: `allow_cloudwatch_logs = true`).",
    "The artifact bucket's key must name this role (KMS key module: `user_arns`), since the key policy does not delegate to IAM.",
    "A database secret encrypted with a customer managed key needs that key's policy to allow the role through Secrets Manager.",
  ],
  variables: [
    {
      name: "role_name",
      type: "string",
      description: "Name of the role and of its instance profile.",
      validation: [roleName("role_name")],
    },
    {
      name: "artifact_bucket_arn",
      type: "string",
      description: "ARN of the MLflow artifact bucket.",
      validation: [
        matches(
          "artifact_bucket_arn",
          `^arn:aws[a-z-]*:s3:::${S3_BUCKET_NAME.source.slice(1)}`,
          "an S3 bucket ARN (arn:aws:s3:::<bucket>)",
        ),
      ],
    },
    {
      name: "artifact_bucket_kms_key_arn",
      type: "string",
      description: "ARN of the key that encrypts the artifact bucket.",
      validation: [kmsKeyArn("artifact_bucket_kms_key_arn")],
    },
    {
      name: "log_group_name",
      type: "string",
      description: "CloudWatch log group of the server, created by the module.",
      validation: [
        matches("log_group_name", "^[\\w#/.-]{1,512}$", "1 to 512 letters, digits or _ - / . #"),
      ],
    },
    {
      name: "logs_kms_key_arn",
      type: "string",
      description: "ARN of the key that encrypts the log group.",
      validation: [kmsKeyArn("logs_kms_key_arn")],
    },
    {
      name: "database_secret_arn",
      type: "string",
      description:
        "Secrets Manager secret of the MLflow backend database, or null for a server without one.",
      default: null,
      validation: [
        nullOrMatches(
          "database_secret_arn",
          "^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$",
          "a Secrets Manager secret ARN",
        ),
      ],
    },
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const env = inputs.environment;
    const server = new MlflowServerRole(scope, "mlflow", {
      environment: env,
      roleName: inputs.string("role_name"),
      artifactBucket: {
        bucketArn: inputs.string("artifact_bucket_arn"),
        keyArn: inputs.string("artifact_bucket_kms_key_arn"),
        environment: env,
      },
      logGroupName: inputs.string("log_group_name"),
      logsKey: { keyArn: inputs.string("logs_kms_key_arn") },
    });
    server.readDatabaseSecret(
      inputs.string("database_secret_arn"),
      undefined,
      inputs.isSet("database_secret_arn"),
    );
    return [
      { name: "role_arn", description: "ARN of the role.", value: server.role.roleArn },
      { name: "role_name", description: "Name of the role.", value: server.role.roleName },
      {
        name: "instance_profile_name",
        description: "Instance profile to launch the server with.",
        value: server.instanceProfile.name,
      },
      {
        name: "instance_profile_arn",
        description: "ARN of the instance profile.",
        value: server.instanceProfile.arn,
      },
      {
        name: "log_group_arn",
        description: "ARN of the server's log group.",
        value: server.logGroup.arn,
      },
    ];
  },
  tests: moduleTests("mlflow-server-role"),
  example: {
    role_name: '"mlops-dev-mlflow-server"',
    artifact_bucket_arn: '"arn:aws:s3:::mlops-dev-mlflow-111111111111"',
    artifact_bucket_kms_key_arn:
      '"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    log_group_name: '"/mlops/dev/mlflow-server"',
    logs_kms_key_arn:
      '"arn:aws:kms:eu-west-1:111111111111:key/abcd1234-12ab-34cd-56ef-1234567890ab"',
  },
};
