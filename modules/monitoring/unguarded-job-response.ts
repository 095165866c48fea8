import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { Construct } from "constructs";
import { arn, roleArn, type AwsEnvironment } from "../core/aws-environment";
import { IamRole } from "../iam/iam-role";
import { serviceTrust } from "../iam/service-trust";
import { eventPatternJson, eventRuleName } from "./security-alerts";
import { unguardedJobPattern, type JobKind } from "./security-events";

export interface UnguardedJobResponseProps {
  /** Starts the rule names: `<namePrefix>-stop-training`, `<namePrefix>-stop-processing`. */
  readonly namePrefix: string;
  readonly environment: AwsEnvironment;
  /** The Automation document; must not start with `aws`, `amazon` or `amzn` (SSM reserves them). */
  readonly documentName: string;
  /** The role the Automation runs as: may stop SageMaker training and processing jobs, nothing else. */
  readonly automationRoleName: string;
  /** The role EventBridge starts the Automation with. */
  readonly triggerRoleName: string;
}

const JOB_KINDS: readonly JobKind[] = ["Training", "Processing"];
const JOB_NAME = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$";
const RESERVED_DOCUMENT_PREFIX = /^(aws|amazon|amzn)/i;

/** The SSM Automation document: stop one training or processing job, by kind and name. */
export function stopJobDocument(automationRoleArn: string): Record<string, unknown> {
  return {
    schemaVersion: "0.3",
    description:
      "Stops a SageMaker job that started without the platform's guardrails (no VPC or no output key).",
    // Fixed here, not a parameter: whoever starts the Automation cannot choose another role.
    assumeRole: automationRoleArn,
    parameters: {
      JobKind: { type: "String", allowedValues: [...JOB_KINDS] },
      JobName: { type: "String", allowedPattern: JOB_NAME },
    },
    mainSteps: [
      {
        name: "ChooseKind",
        action: "aws:branch",
        inputs: {
          Choices: JOB_KINDS.map((kind) => ({
            NextStep: `Stop${kind}Job`,
            Variable: "{{ JobKind }}",
            StringEquals: kind,
          })),
        },
        isEnd: true,
      },
      ...JOB_KINDS.map((kind) => ({
        name: `Stop${kind}Job`,
        action: "aws:executeAwsApi",
        inputs: {
          Service: "sagemaker",
          Api: `Stop${kind}Job`,
          [`${kind}JobName`]: "{{ JobName }}",
        },
        isEnd: true,
      })),
    ],
  };
}

/**
 * The responsive control: a SageMaker training or processing job that starts without VPC
 * subnets or without an output key (which the guardrails refuse every platform role) is stopped
 * by an SSM Automation, started by EventBridge. The Automation's role may stop jobs and nothing
 * else; EventBridge's may start this one document as that role and nothing else.
 */
export class UnguardedJobResponse extends Construct {
  readonly automationRole: IamRole;
  readonly triggerRole: IamRole;
  readonly document: SsmDocument;

  constructor(scope: Construct, id: string, props: UnguardedJobResponseProps) {
    super(scope, id);
    const env = props.environment;
    if (RESERVED_DOCUMENT_PREFIX.test(props.documentName)) {
      throw new Error(
        `${this.node.path}: documentName "${props.documentName}" must not start with aws, amazon or amzn (SSM reserves them)`,
      );
    }
    const automationRoleArn = roleArn(env.partition, env.accountId, props.automationRoleName);
    this.automationRole = new IamRole(this, "automation-role", {
      roleName: props.automationRoleName,
      description: "Stops SageMaker jobs started without the platform's guardrails",
      trustStatements: [
        serviceTrust(env, {
          sid: "AutomationOfThisAccount",
          services: "ssm.amazonaws.com",
          sourceArns: arn(env, "ssm", "automation-execution/*"),
        }),
      ],
    });
    this.automationRole.addToPolicy({
      Sid: "StopJobs",
      Effect: "Allow",
      Action: ["sagemaker:StopProcessingJob", "sagemaker:StopTrainingJob"],
      Resource: [
        arn(env, "sagemaker", "processing-job/*"),
        arn(env, "sagemaker", "training-job/*"),
      ],
    });

    this.document = new SsmDocument(this, "document", {
      name: props.documentName,
      documentType: "Automation",
      documentFormat: "JSON",
      content: JSON.stringify(stopJobDocument(automationRoleArn)),
    });
    const definition = arn(env, "ssm", `automation-definition/${props.documentName}`);

    const ruleName = (kind: JobKind) =>
      eventRuleName(this.node.path, props.namePrefix, `stop-${kind.toLowerCase()}`);
    this.triggerRole = new IamRole(this, "trigger-role", {
      roleName: props.triggerRoleName,
      description: "Lets EventBridge start the Automation that stops unguarded SageMaker jobs",
      trustStatements: [
        serviceTrust(env, {
          sid: "EventBridgeRulesOfThisAccount",
          services: "events.amazonaws.com",
          sourceArns: JOB_KINDS.map((kind) => arn(env, "events", `rule/${ruleName(kind)}`)),
        }),
      ],
    });
    this.triggerRole.addToPolicy({
      Sid: "StartTheStopJobAutomation",
      Effect: "Allow",
      Action: "ssm:StartAutomationExecution",
      Resource: `${definition}:*`,
    });
    this.triggerRole.addToPolicy({
      Sid: "PassTheAutomationRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: automationRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    });

    for (const kind of JOB_KINDS) {
      const rule = new CloudwatchEventRule(this, `rule-${kind.toLowerCase()}`, {
        name: ruleName(kind),
        description: `Stops a ${kind.toLowerCase()} job started without the VPC or without an output key`,
        eventPattern: eventPatternJson(`${this.node.path}/${kind}`, unguardedJobPattern([kind])),
        state: "ENABLED",
      });
      new CloudwatchEventTarget(this, `target-${kind.toLowerCase()}`, {
        rule: rule.name,
        targetId: "stop-job",
        arn: `${definition}:$DEFAULT`,
        roleArn: this.triggerRole.roleArn,
        inputTransformer: {
          inputPaths: { name: `$.detail.requestParameters.${kind.toLowerCase()}JobName` },
          inputTemplate: `{"JobKind":["${kind}"],"JobName":[<name>]}`,
        },
      });
    }
  }
}
