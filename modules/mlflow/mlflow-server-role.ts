import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { viaService, type AwsEnvironment } from "../core/aws-environment";
import { encryptedLogGroup, logGroupArn } from "../logs/encrypted-log-group";
import { IamRole } from "../iam/iam-role";
import type { KeyReference } from "../kms/kms-key";
import { SecureBucket } from "../storage/secure-bucket";
import { bucketGrantStatements, type BucketTarget } from "../storage/bucket-grants";
import { awsOwnedBucketsFor } from "../network/vpc-endpoint-catalogue";

export interface MlflowServerRoleProps {
  readonly environment: AwsEnvironment;
  readonly roleName: string;
  /**
   * The MLflow artifact bucket; the server reads, writes and deletes its objects. A bucket named
   * by ARN must let the role in through its own policies (and its key's).
   */
  readonly artifactBucket: SecureBucket | BucketTarget;
  /** Its own log group, encrypted with the account's logs key. */
  readonly logGroupName: string;
  readonly logsKey: KeyReference;
  /**
   * Secrets Manager secret of the backend database.
   * @default no secret access
   */
  readonly databaseSecretArn?: string;
}

/**
 * The IAM role and instance profile of an MLflow tracking server on EC2: trusted by EC2 of this
 * account; may use the MLflow artifact bucket (and its key through S3) and nothing else of S3,
 * reach Session Manager (so nobody needs SSH, keys or an open port), write its own log group, and
 * read its database secret when one is named. No access keys exist anywhere: laptops reach the
 * server through a Session Manager port forward and the server reaches S3 through this role.
 */
export class MlflowServerRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: MlflowServerRoleProps) {
    super(scope, id);
    const env = props.environment;
    this.role = new IamRole(this, "role", {
      roleName: props.roleName,
      description: "MLflow tracking server on EC2: artifacts in S3, Session Manager, its logs",
      trustStatements: [
        {
          // EC2 assumes an instance role only for instances launched in this account by a
          // principal allowed iam:PassRole on it; it is not documented to send aws:SourceAccount,
          // and a condition it never sends would leave the server without credentials.
          Sid: "Ec2InstancesOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      name: props.roleName,
      role: this.role.roleName,
    });

    if (props.artifactBucket instanceof SecureBucket) {
      props.artifactBucket.grantReadWrite(this.role);
    } else {
      for (const s of bucketGrantStatements(props.artifactBucket, "Artifacts", "read-write")) {
        this.role.addToPrincipalPolicy(s);
      }
    }

    this.role.addToPolicy({
      // These Session Manager actions accept no resource but "*".
      Sid: "SessionManager",
      Effect: "Allow",
      Action: [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    });
    this.role.addToPolicy({
      // The SSM Agent fetches updates and documents from these AWS-owned buckets.
      Sid: "SsmAgentBuckets",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: awsOwnedBucketsFor(["ssm"], env.region).map(
        (b) => `arn:${env.partition}:s3:::${b.name}/*`,
      ),
    });

    this.logGroup = encryptedLogGroup(this, "log-group", {
      logGroupName: props.logGroupName,
      key: props.logsKey,
      environment: env,
    });
    const groupArn = logGroupArn(env, props.logGroupName);
    this.role.addToPolicy({
      Sid: "WriteItsLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: [groupArn, `${groupArn}:log-stream:*`],
    });

    if (props.databaseSecretArn !== undefined) this.readDatabaseSecret(props.databaseSecretArn);
  }

  /**
   * Lets the server read its database secret (and decrypt it, when a key is named). `when` (a
   * boolean Terraform expression) makes the grant conditional, for a module input that may be null.
   */
  readDatabaseSecret(
    secretArn: string,
    key?: { keyArn: string; environment: AwsEnvironment },
    when?: unknown,
  ): void {
    this.role.addToPolicy(
      {
        Sid: "ReadTheDatabaseSecret",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: secretArn,
      },
      "permissions",
      when,
    );
    if (key !== undefined) {
      this.role.addToPolicy({
        Sid: "DecryptTheDatabaseSecret",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: key.keyArn,
        Condition: {
          StringEquals: { "kms:ViaService": viaService(key.environment, "secretsmanager") },
        },
      });
    }
  }
}
