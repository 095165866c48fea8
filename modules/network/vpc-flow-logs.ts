import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { encryptedLogGroup, logGroupArn } from "../logs/encrypted-log-group";
import { IamRole } from "../iam/iam-role";
import type { KeyReference } from "../kms/kms-key";
import { serviceTrust } from "../iam/service-trust";

export interface VpcFlowLogsProps {
  readonly vpcId: string;
  readonly logGroupName: string;
  /** Role the flow logs service assumes to write to the log group. */
  readonly roleName: string;
  /** Customer managed key for the log group; see EncryptedLogGroupProps.key. */
  readonly key: KeyReference;
  /**
   * Days the flow logs are kept.
   * @default 365
   */
  readonly retentionInDays?: number;
  readonly environment: AwsEnvironment;
}

/**
 * Flow logs of ALL traffic of a VPC into a KMS-encrypted CloudWatch log group, written by a role
 * that only the flow logs service of this account may assume and that may only write to that
 * log group.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const env = props.environment;
    const groupArn = logGroupArn(env, props.logGroupName);

    this.logGroup = encryptedLogGroup(this, "log-group", {
      logGroupName: props.logGroupName,
      key: props.key,
      retentionInDays: props.retentionInDays,
      environment: env,
    });

    this.role = new IamRole(this, "role", {
      roleName: props.roleName,
      description: `Lets VPC flow logs write to ${props.logGroupName}`,
      trustStatements: [
        serviceTrust(env, {
          sid: "FlowLogsServiceOfThisAccount",
          services: "vpc-flow-logs.amazonaws.com",
          sourceArns: arn(env, "ec2", "vpc-flow-log/*"),
        }),
      ],
    });
    this.role.addToPolicy({
      Sid: "WriteToTheFlowLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: [groupArn, `${groupArn}:log-stream:*`],
    });
    this.role.addToPolicy({
      // The service checks that the destination group exists; describing is read-only. IAM
      // authorizes DescribeLogGroups on "*" only (it has no resource type): a group ARN there
      // would grant nothing.
      Sid: "FindTheFlowLogGroup",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: "*",
    });

    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.roleArn,
      maxAggregationInterval: 60,
    });
  }
}
