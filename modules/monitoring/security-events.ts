import { OUTPUT_ACTIONS, VOLUME_ACTIONS, VPC_PLACED_ACTIONS } from "../sagemaker/guardrails";

/**
 * The security events the platform alerts on, as EventBridge event patterns over CloudTrail's
 * "AWS API Call via CloudTrail" events. Patterns use only EventBridge's documented operators:
 * exact values, `prefix`, `anything-but`, `exists` and `$or`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 *
 * EventBridge receives these events only while a trail logs management events in the account
 * (the platform's trail, or an organization trail), and IAM's only in us-east-1
 * (`globalEventsRegion`).
 */

/** A value test of an event pattern: a literal, or one operator. */
export type PatternMatcher =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly "anything-but": readonly (string | number)[] }
  | { readonly exists: boolean };

/** An EventBridge event pattern: fields to tests, nested objects, and `$or` of sub-patterns. */
export interface EventPattern {
  readonly [field: string]: readonly PatternMatcher[] | EventPattern | readonly EventPattern[];
}

export const API_CALL_VIA_CLOUDTRAIL = "AWS API Call via CloudTrail";

/**
 * Where a rule must run: the platform's region, or the partition's region for global services'
 * events (IAM's land in us-east-1; `globalEventsRegion`).
 */
export type EventRegion = "home" | "global";

/** The region whose EventBridge receives IAM's CloudTrail events, by partition. */
export function globalEventsRegion(partition: string): string {
  const regions: Record<string, string> = {
    aws: "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
  };
  const region = regions[partition];
  if (region === undefined)
    throw new Error(`no global events region known for partition ${partition}`);
  return region;
}

/** What an alert is about; each has one EventBridge rule per account. */
export type SecurityEventId =
  | "guardrail-denied"
  | "unguarded-job"
  | "protection-changed"
  | "platform-role-changed"
  | "model-approved"
  | "endpoint-changed";

export interface SecurityEvent {
  readonly id: SecurityEventId;
  /** The rule's description and the first line of the alert: what happened. */
  readonly description: string;
  readonly region: EventRegion;
  readonly pattern: EventPattern;
}

export interface SecurityEventInputs {
  /** The role Terraform applies with: changes it makes are the platform's own, not alerts. */
  readonly deployRoleArn: string;
  /** Every IAM role the platform creates in the account starts with it (`<prefix>-<account>-`). */
  readonly roleNamePrefix: string;
  readonly accountKind: "data-science" | "deployment-target";
}

const actionNames = (actions: readonly string[]) =>
  [...new Set(actions.map((a) => a.replace(/^sagemaker:/, "")))].sort();

/** The SageMaker calls the guardrails deny without VPC, volume key or output key. */
export const GUARDED_SAGEMAKER_CALLS = actionNames([
  ...VPC_PLACED_ACTIONS,
  ...VOLUME_ACTIONS,
  ...OUTPUT_ACTIONS,
]);

/** Jobs that run the caller's code on the caller's data: stopped when started without guardrails. */
export type JobKind = "Training" | "Processing";

/**
 * Calls that weaken a protection: bucket policies and encryption, key policies and rotation, the
 * Studio domain's network, VPC endpoints and their policies, security groups, the trail and the
 * alert rules themselves. By service (`eventSource`).
 */
export const PROTECTION_CALLS: Readonly<Record<string, readonly string[]>> = {
  "s3.amazonaws.com": [
    "DeleteBucketEncryption",
    "DeleteBucketPolicy",
    "DeleteBucketPublicAccessBlock",
    "PutBucketEncryption",
    "PutBucketPolicy",
    "PutBucketPublicAccessBlock",
    "PutBucketVersioning",
  ],
  "kms.amazonaws.com": ["DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ScheduleKeyDeletion"],
  "sagemaker.amazonaws.com": ["DeleteDomain", "UpdateDomain"],
  "ec2.amazonaws.com": [
    "AuthorizeSecurityGroupEgress",
    "AuthorizeSecurityGroupIngress",
    "CreateRoute",
    "DeleteFlowLogs",
    "DeleteVpcEndpoints",
    "ModifyVpcEndpoint",
  ],
  "cloudtrail.amazonaws.com": ["DeleteTrail", "PutEventSelectors", "StopLogging", "UpdateTrail"],
  "events.amazonaws.com": ["DeleteRule", "DisableRule", "PutRule", "RemoveTargets"],
  "config.amazonaws.com": [
    "DeleteConfigRule",
    "DeleteConfigurationRecorder",
    "StopConfigurationRecorder",
  ],
};

/** IAM calls that change what a role may do or who may assume it. */
export const ROLE_CHANGE_CALLS = [
  "AttachRolePolicy",
  "CreatePolicyVersion",
  "DeleteRole",
  "DeleteRolePermissionsBoundary",
  "DeleteRolePolicy",
  "DetachRolePolicy",
  "PutRolePermissionsBoundary",
  "PutRolePolicy",
  "SetDefaultPolicyVersion",
  "UpdateAssumeRolePolicy",
] as const;

/** The identity of the call is not the deploy role (or has no role session at all: root, users). */
function notBy(deployRoleArn: string): readonly EventPattern[] {
  const issuer = (test: PatternMatcher) => ({
    userIdentity: { sessionContext: { sessionIssuer: { arn: [test] } } },
  });
  return [issuer({ "anything-but": [deployRoleArn] }), issuer({ exists: false })];
}

const EXISTS: readonly PatternMatcher[] = [{ exists: true }];
const ABSENT: readonly PatternMatcher[] = [{ exists: false }];

const apiCall = (sources: string[], detail: EventPattern): EventPattern => ({
  source: sources,
  "detail-type": [API_CALL_VIA_CLOUDTRAIL],
  detail,
});

/** Where a job's request names its VPC subnets and its output key. */
const JOB_REQUEST: Record<JobKind, { name: string; subnets: string[]; outputKey: string[] }> = {
  Training: {
    name: "trainingJobName",
    subnets: ["vpcConfig", "subnets"],
    outputKey: ["outputDataConfig", "kmsKeyId"],
  },
  Processing: {
    name: "processingJobName",
    subnets: ["networkConfig", "vpcConfig", "subnets"],
    outputKey: ["processingOutputConfig", "kmsKeyId"],
  },
};

/** `{a: {b: leaf}}` from the path `[a, b]`. */
function nested(path: string[], leaf: readonly PatternMatcher[]): EventPattern {
  return path.reduceRight<EventPattern>(
    (inner, field) => ({ [field]: inner }),
    leaf as unknown as EventPattern,
  );
}

/**
 * A job of one of `kinds` that started (no error) without VPC subnets or without an output key:
 * the guardrails refuse both to every platform role, so a role without them started it.
 */
export function unguardedJobPattern(kinds: readonly JobKind[]): EventPattern {
  return apiCall(["aws.sagemaker"], {
    eventSource: ["sagemaker.amazonaws.com"],
    eventName: kinds.map((kind) => `Create${kind}Job`),
    errorCode: ABSENT,
    $or: kinds.flatMap((kind) => {
      const request = JOB_REQUEST[kind];
      return [request.subnets, request.outputKey].map((path) => ({
        requestParameters: { [request.name]: EXISTS, ...nested(path, ABSENT) },
      }));
    }),
  });
}

/** The security events of one account, with their patterns. */
export function securityEvents(inputs: SecurityEventInputs): SecurityEvent[] {
  const events: SecurityEvent[] = [
    {
      id: "guardrail-denied",
      description:
        "A SageMaker job, model or notebook was refused: the guardrails deny it without the VPC or the platform's keys",
      region: "home",
      pattern: apiCall(["aws.sagemaker"], {
        eventSource: ["sagemaker.amazonaws.com"],
        eventName: GUARDED_SAGEMAKER_CALLS,
        errorCode: [{ prefix: "AccessDenied" }],
      }),
    },
    {
      id: "unguarded-job",
      description:
        "A SageMaker job started without the VPC or without an output key: a role without the guardrails started it",
      region: "home",
      pattern: unguardedJobPattern(["Training", "Processing"]),
    },
    {
      id: "protection-changed",
      description:
        "A bucket policy, key policy or rotation, Studio domain, VPC endpoint, security group, trail or alert rule was changed outside Terraform",
      region: "home",
      pattern: apiCall(
        [...new Set(Object.keys(PROTECTION_CALLS).map((s) => `aws.${s.split(".")[0]}`))],
        {
          eventSource: Object.keys(PROTECTION_CALLS),
          eventName: [...new Set(Object.values(PROTECTION_CALLS).flat())].sort(),
          errorCode: ABSENT,
          $or: notBy(inputs.deployRoleArn),
        },
      ),
    },
    {
      id: "platform-role-changed",
      description:
        "A platform role's policies or trust (CI, execution, deploy duties) were changed outside Terraform",
      region: "global",
      pattern: apiCall(["aws.iam"], {
        eventSource: ["iam.amazonaws.com"],
        eventName: [...ROLE_CHANGE_CALLS],
        errorCode: ABSENT,
        requestParameters: { roleName: [{ prefix: inputs.roleNamePrefix }] },
        $or: notBy(inputs.deployRoleArn),
      }),
    },
  ];
  if (inputs.accountKind === "data-science") {
    events.push({
      id: "model-approved",
      description: "A model version was approved for deployment",
      region: "home",
      pattern: apiCall(["aws.sagemaker"], {
        eventSource: ["sagemaker.amazonaws.com"],
        eventName: ["UpdateModelPackage"],
        errorCode: ABSENT,
        requestParameters: { modelApprovalStatus: ["Approved"] },
      }),
    });
  } else {
    events.push({
      id: "endpoint-changed",
      description: "A SageMaker endpoint was created, updated or deleted",
      region: "home",
      pattern: apiCall(["aws.sagemaker"], {
        eventSource: ["sagemaker.amazonaws.com"],
        eventName: ["CreateEndpoint", "DeleteEndpoint", "UpdateEndpoint"],
        errorCode: ABSENT,
      }),
    });
  }
  return events;
}
