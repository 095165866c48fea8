/**
 * UnguardedJobResponse on its own: EventBridge starts one Automation document, as one role that
 * may stop SageMaker jobs and nothing else; neither role can be turned to anything else (checked
 * with the IAM simulator, not by reading statement ids).
 */
import {
  stopJobDocument,
  UnguardedJobResponse,
} from "../../../modules/monitoring/unguarded-job-response";
import { unguardedJobPattern } from "../../../modules/monitoring/security-events";
import {
  allPoliciesOf,
  moduleTestStack,
  onlyResource,
  resourcesOf,
  synthStack,
  TEST_ENV,
  trustOf,
} from "../../helpers";
import { simulate } from "../../iam-simulate";

const ACCOUNT = "111111111111";
const AUTOMATION = `arn:aws:iam::${ACCOUNT}:role/p-dev-stop-jobs`;
const TRIGGER = `arn:aws:iam::${ACCOUNT}:role/p-dev-stop-jobs-trigger`;
const DEFINITION = `arn:aws:ssm:eu-west-1:${ACCOUNT}:automation-definition/StopUnguardedJob-p-dev`;

function synthResponse(documentName = "StopUnguardedJob-p-dev") {
  const stack = moduleTestStack();
  new UnguardedJobResponse(stack, "response", {
    namePrefix: "p-dev",
    environment: TEST_ENV,
    documentName,
    automationRoleName: "p-dev-stop-jobs",
    triggerRoleName: "p-dev-stop-jobs-trigger",
  });
  return synthStack(stack);
}

const json = synthResponse();

describe("UnguardedJobResponse", () => {
  test("the document runs as the fixed role and stops a training or a processing job by name", () => {
    const document = onlyResource(json, "aws_ssm_document");
    expect(document).toMatchObject({
      name: "StopUnguardedJob-p-dev",
      document_type: "Automation",
      document_format: "JSON",
    });
    expect(JSON.parse(document.content)).toEqual(stopJobDocument(AUTOMATION));
    const content = stopJobDocument(AUTOMATION) as any;
    expect(content.assumeRole).toBe(AUTOMATION);
    expect(Object.keys(content.parameters)).toEqual(["JobKind", "JobName"]);
    expect(content.mainSteps.map((s: any) => [s.name, s.inputs.Api])).toEqual([
      ["ChooseKind", undefined],
      ["StopTrainingJob", "StopTrainingJob"],
      ["StopProcessingJob", "StopProcessingJob"],
    ]);
  });

  test("one rule per job kind, its pattern the alert's for that kind, the job's name passed on", () => {
    const rules = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule"));
    expect(rules.map((r) => [r.name, JSON.parse(r.event_pattern)])).toEqual([
      ["p-dev-stop-training", unguardedJobPattern(["Training"])],
      ["p-dev-stop-processing", unguardedJobPattern(["Processing"])],
    ]);
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target"));
    expect(targets.map((t) => [t.arn, t.input_transformer])).toEqual([
      [
        `${DEFINITION}:$DEFAULT`,
        {
          input_paths: { name: "$.detail.requestParameters.trainingJobName" },
          input_template: '{"JobKind":["Training"],"JobName":[<name>]}',
        },
      ],
      [
        `${DEFINITION}:$DEFAULT`,
        {
          input_paths: { name: "$.detail.requestParameters.processingJobName" },
          input_template: '{"JobKind":["Processing"],"JobName":[<name>]}',
        },
      ],
    ]);
  });

  test("trusts: SSM Automation of this account; EventBridge rules of this response", () => {
    expect(trustOf(json, "p-dev-stop-jobs")).toEqual([
      {
        Sid: "AutomationOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ssm.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:ssm:eu-west-1:${ACCOUNT}:automation-execution/*` },
        },
      },
    ]);
    expect(trustOf(json, "p-dev-stop-jobs-trigger")[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnLike: {
        "aws:SourceArn": [
          `arn:aws:events:eu-west-1:${ACCOUNT}:rule/p-dev-stop-training`,
          `arn:aws:events:eu-west-1:${ACCOUNT}:rule/p-dev-stop-processing`,
        ],
      },
    });
  });

  test("the automation role stops jobs and nothing else; the trigger starts this document as it only", async () => {
    const automation = allPoliciesOf(json, "p-dev-stop-jobs");
    const trigger = allPoliciesOf(json, "p-dev-stop-jobs-trigger");
    const decide = (
      principal: string,
      identity: any[],
      action: string,
      resource: string,
      context = {},
    ) => simulate({ principal, action, resource, context }, { identity });
    const job = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:training-job/churn`;
    expect(await decide(AUTOMATION, automation, "sagemaker:StopTrainingJob", job)).toBe("Allowed");
    expect(
      await decide(
        AUTOMATION,
        automation,
        "sagemaker:StopProcessingJob",
        `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:processing-job/x`,
      ),
    ).toBe("Allowed");
    for (const [action, resource] of [
      ["sagemaker:DeleteEndpoint", `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/churn`],
      ["sagemaker:CreateTrainingJob", job],
      ["sagemaker:StopTrainingJob", `arn:aws:sagemaker:eu-west-1:999999999999:training-job/other`],
    ]) {
      expect([action, await decide(AUTOMATION, automation, action, resource)]).toEqual([
        action,
        "ImplicitlyDenied",
      ]);
    }
    expect(
      await decide(TRIGGER, trigger, "ssm:StartAutomationExecution", `${DEFINITION}:$DEFAULT`),
    ).toBe("Allowed");
    expect(
      await decide(
        TRIGGER,
        trigger,
        "ssm:StartAutomationExecution",
        `arn:aws:ssm:eu-west-1:${ACCOUNT}:automation-definition/AWS-DeleteStack:$DEFAULT`,
      ),
    ).toBe("ImplicitlyDenied");
    const toSsm = { "iam:PassedToService": "ssm.amazonaws.com" };
    expect(await decide(TRIGGER, trigger, "iam:PassRole", AUTOMATION, toSsm)).toBe("Allowed");
    expect(
      await decide(TRIGGER, trigger, "iam:PassRole", AUTOMATION, {
        "iam:PassedToService": "ec2.amazonaws.com",
      }),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide(
        TRIGGER,
        trigger,
        "iam:PassRole",
        `arn:aws:iam::${ACCOUNT}:role/terraform-deploy`,
        toSsm,
      ),
    ).toBe("ImplicitlyDenied");
  });

  test("its rule names are held to EventBridge's 64 characters, the longest kind named", () => {
    const make = (namePrefix: string) =>
      new UnguardedJobResponse(moduleTestStack(), "response", {
        namePrefix,
        environment: TEST_ENV,
        documentName: "StopUnguardedJob-p-dev",
        automationRoleName: "p-dev-stop-jobs",
        triggerRoleName: "p-dev-stop-jobs-trigger",
      });
    // "-stop-processing" is 16 characters: a 48-character prefix makes 64.
    expect(() => make("p".repeat(48))).not.toThrow();
    expect(() => make("p".repeat(49))).toThrow(/rule name "p{49}-stop-processing" must be 1 to 64/);
  });

  test("SSM's reserved name prefixes are refused", () => {
    for (const name of ["aws-stop", "AmazonStop", "amzn-x"]) {
      expect(() => synthResponse(name)).toThrow(/must not start with aws, amazon or amzn/);
    }
    expect(() => synthResponse("StopUnguardedJob-aws")).not.toThrow();
  });
});
