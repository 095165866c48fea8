/**
 * Each security event's pattern against sample CloudTrail events: the event it is about matches,
 * the benign neighbours do not (the same call by the deploy role, a failed call, another role,
 * a read). The samples follow CloudTrail's record format as EventBridge delivers it.
 */
import {
  globalEventsRegion,
  securityEvents,
  unguardedJobPattern,
  type SecurityEventId,
} from "../../../modules/monitoring/security-events";
import { matchesPattern } from "./event-matcher";

const ACCOUNT = "111111111111";
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/terraform-deploy`;
const HUMAN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b`;

type Sample = Record<string, any>;

/** A CloudTrail management event as EventBridge delivers it. */
function apiCall(
  service: string,
  eventName: string,
  detail: Sample = {},
  issuer: string | undefined = HUMAN,
): Sample {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${service}`,
    account: ACCOUNT,
    time: "2026-12-06T10:00:00Z",
    region: service === "iam" ? "us-east-1" : "eu-west-1",
    resources: [],
    detail: {
      eventVersion: "1.09",
      userIdentity:
        issuer === undefined
          ? { type: "Root", arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT }
          : {
              type: "AssumedRole",
              arn: `${issuer.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/")}/session`,
              sessionContext: { sessionIssuer: { type: "Role", arn: issuer, accountId: ACCOUNT } },
            },
      eventTime: "2026-12-06T10:00:00Z",
      eventSource: `${service}.amazonaws.com`,
      eventName,
      awsRegion: "eu-west-1",
      sourceIPAddress: "10.10.1.20",
      requestParameters: {},
      ...detail,
    },
  };
}

const denied = {
  errorCode: "AccessDenied",
  errorMessage: "explicit deny in an identity-based policy",
};
const guardedTraining = {
  requestParameters: {
    trainingJobName: "churn-2026-12-06",
    vpcConfig: { subnets: ["subnet-0a"], securityGroupIds: ["sg-0a"] },
    outputDataConfig: {
      s3OutputPath: "s3://models/churn",
      kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/k",
    },
  },
};
const guardedProcessing = {
  requestParameters: {
    processingJobName: "features-2026-12-06",
    networkConfig: { vpcConfig: { subnets: ["subnet-0a"], securityGroupIds: ["sg-0a"] } },
    processingOutputConfig: { outputs: [], kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/k" },
  },
};

function patternOf(
  id: SecurityEventId,
  kind: "data-science" | "deployment-target" = "data-science",
) {
  const event = securityEvents({
    deployRoleArn: DEPLOY,
    roleNamePrefix: "mlops-dev-",
    accountKind: kind,
  }).find((e) => e.id === id);
  if (event === undefined) throw new Error(`no event ${id} for ${kind}`);
  return event.pattern;
}

describe("security event patterns", () => {
  test("guardrail-denied: a refused CreateTrainingJob, not a successful one nor a refused read", () => {
    const pattern = patternOf("guardrail-denied");
    expect(matchesPattern(pattern, apiCall("sagemaker", "CreateTrainingJob", denied))).toBe(true);
    expect(
      matchesPattern(
        pattern,
        apiCall("sagemaker", "CreateEndpointConfig", { errorCode: "AccessDeniedException" }),
      ),
    ).toBe(true);
    expect(
      matchesPattern(pattern, apiCall("sagemaker", "CreateTrainingJob", guardedTraining)),
    ).toBe(false);
    expect(matchesPattern(pattern, apiCall("sagemaker", "DescribeTrainingJob", denied))).toBe(
      false,
    );
    expect(
      matchesPattern(
        pattern,
        apiCall("sagemaker", "CreateTrainingJob", { errorCode: "ValidationException" }),
      ),
    ).toBe(false);
  });

  test("unguarded-job: a job without VPC or without an output key, never a guarded or a failed one", () => {
    const pattern = patternOf("unguarded-job");
    const without = (base: Sample, drop: (r: Sample) => void) => {
      const copy = structuredClone(base);
      drop(copy.requestParameters);
      return copy;
    };
    const noVpc = without(guardedTraining, (r) => delete r.vpcConfig);
    const noKey = without(guardedTraining, (r) => delete r.outputDataConfig.kmsKeyId);
    const processingNoVpc = without(guardedProcessing, (r) => delete r.networkConfig);
    const processingNoKey = without(
      guardedProcessing,
      (r) => delete r.processingOutputConfig.kmsKeyId,
    );
    for (const unguarded of [noVpc, noKey]) {
      expect(matchesPattern(pattern, apiCall("sagemaker", "CreateTrainingJob", unguarded))).toBe(
        true,
      );
    }
    for (const unguarded of [processingNoVpc, processingNoKey]) {
      expect(matchesPattern(pattern, apiCall("sagemaker", "CreateProcessingJob", unguarded))).toBe(
        true,
      );
    }
    expect(
      matchesPattern(pattern, apiCall("sagemaker", "CreateTrainingJob", guardedTraining)),
    ).toBe(false);
    expect(
      matchesPattern(pattern, apiCall("sagemaker", "CreateProcessingJob", guardedProcessing)),
    ).toBe(false);
    expect(
      matchesPattern(pattern, apiCall("sagemaker", "CreateTrainingJob", { ...noVpc, ...denied })),
    ).toBe(false);
    // A training job's request has no networkConfig: that alone is no reason to alert.
    expect(
      matchesPattern(
        unguardedJobPattern(["Training"]),
        apiCall("sagemaker", "CreateProcessingJob", processingNoVpc),
      ),
    ).toBe(false);
    expect(
      matchesPattern(
        unguardedJobPattern(["Processing"]),
        apiCall("sagemaker", "CreateProcessingJob", processingNoVpc),
      ),
    ).toBe(true);
  });

  test("protection-changed: a bucket policy or key rotation changed by a person or root, not by the deploy role", () => {
    const pattern = patternOf("protection-changed");
    expect(matchesPattern(pattern, apiCall("s3", "PutBucketPolicy"))).toBe(true);
    expect(matchesPattern(pattern, apiCall("kms", "DisableKeyRotation", {}, undefined))).toBe(true);
    expect(matchesPattern(pattern, apiCall("cloudtrail", "StopLogging"))).toBe(true);
    expect(matchesPattern(pattern, apiCall("ec2", "ModifyVpcEndpoint"))).toBe(true);
    expect(matchesPattern(pattern, apiCall("s3", "PutBucketPolicy", {}, DEPLOY))).toBe(false);
    expect(matchesPattern(pattern, apiCall("s3", "PutBucketPolicy", denied))).toBe(false);
    expect(matchesPattern(pattern, apiCall("s3", "GetBucketPolicy"))).toBe(false);
    expect(matchesPattern(pattern, apiCall("kms", "Decrypt"))).toBe(false);
  });

  test("platform-role-changed: a platform role's policy changed outside Terraform; other roles and the deploy role are quiet", () => {
    const pattern = patternOf("platform-role-changed");
    const onRole = (name: string) => ({ requestParameters: { roleName: name, policyName: "x" } });
    expect(
      matchesPattern(pattern, apiCall("iam", "PutRolePolicy", onRole("mlops-dev-ci-apply"))),
    ).toBe(true);
    expect(
      matchesPattern(
        pattern,
        apiCall("iam", "UpdateAssumeRolePolicy", onRole("mlops-dev-ci-plan"), undefined),
      ),
    ).toBe(true);
    expect(
      matchesPattern(
        pattern,
        apiCall("iam", "PutRolePolicy", onRole("mlops-dev-ci-apply"), DEPLOY),
      ),
    ).toBe(false);
    expect(matchesPattern(pattern, apiCall("iam", "PutRolePolicy", onRole("analytics-etl")))).toBe(
      false,
    );
    expect(
      matchesPattern(pattern, apiCall("iam", "GetRolePolicy", onRole("mlops-dev-ci-apply"))),
    ).toBe(false);
  });

  test("model-approved in the data science account; endpoint-changed in a target", () => {
    const approved = patternOf("model-approved");
    const status = (s: string) => ({
      requestParameters: { modelPackageArn: "arn:x", modelApprovalStatus: s },
    });
    expect(
      matchesPattern(approved, apiCall("sagemaker", "UpdateModelPackage", status("Approved"))),
    ).toBe(true);
    expect(
      matchesPattern(approved, apiCall("sagemaker", "UpdateModelPackage", status("Rejected"))),
    ).toBe(false);
    const endpoints = patternOf("endpoint-changed", "deployment-target");
    expect(matchesPattern(endpoints, apiCall("sagemaker", "CreateEndpoint"))).toBe(true);
    expect(matchesPattern(endpoints, apiCall("sagemaker", "DescribeEndpoint"))).toBe(false);
    expect(() => patternOf("model-approved", "deployment-target")).toThrow(/no event/);
    expect(() => patternOf("endpoint-changed")).toThrow(/no event/);
  });

  test("IAM's events are global: their region per partition", () => {
    const regions = securityEvents({
      deployRoleArn: DEPLOY,
      roleNamePrefix: "p-",
      accountKind: "data-science",
    });
    expect(regions.filter((e) => e.region === "global").map((e) => e.id)).toEqual([
      "platform-role-changed",
    ]);
    expect(globalEventsRegion("aws")).toBe("us-east-1");
    expect(globalEventsRegion("aws-cn")).toBe("cn-north-1");
    expect(globalEventsRegion("aws-us-gov")).toBe("us-gov-west-1");
    expect(() => globalEventsRegion("aws-iso")).toThrow(/aws-iso/);
  });
});

describe("the offline matcher", () => {
  test("each operator on both sides of its boundary", () => {
    expect(matchesPattern({ a: ["x"] }, { a: "x" })).toBe(true);
    expect(matchesPattern({ a: ["x"] }, { a: "X" })).toBe(false);
    expect(matchesPattern({ a: ["x"] }, { a: ["y", "x"] })).toBe(true);
    expect(matchesPattern({ a: [{ prefix: "ab" }] }, { a: "abc" })).toBe(true);
    expect(matchesPattern({ a: [{ prefix: "ab" }] }, { a: "cab" })).toBe(false);
    expect(matchesPattern({ a: [{ "anything-but": ["x"] }] }, { a: "y" })).toBe(true);
    expect(matchesPattern({ a: [{ "anything-but": ["x"] }] }, { a: "x" })).toBe(false);
    expect(matchesPattern({ a: [{ "anything-but": ["x"] }] }, {})).toBe(false);
    expect(matchesPattern({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ a: [{ exists: false }] }, { a: "x" })).toBe(false);
    expect(matchesPattern({ a: { b: [{ exists: false }] } }, {})).toBe(true);
    expect(matchesPattern({ a: [{ exists: true }] }, { a: "x" })).toBe(true);
    expect(matchesPattern({ a: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ $or: [{ a: ["x"] }, { b: ["y"] }] }, { b: "y" })).toBe(true);
    expect(matchesPattern({ $or: [{ a: ["x"] }, { b: ["y"] }] }, { b: "x" })).toBe(false);
  });

  test("an operator it does not know throws instead of guessing", () => {
    expect(() => matchesPattern({ a: [{ suffix: "x" }] }, { a: "ax" })).toThrow(/unsupported/);
    expect(() => matchesPattern({ a: [{ numeric: [">", 1] }] }, { a: 2 })).toThrow(/unsupported/);
  });
});
