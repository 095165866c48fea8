/**
 * The detective and responsive controls as each account gets them from config: the trail's data
 * events cover both buckets' object reads and writes, the alert rules synthesized for each
 * account match their sample events, an organization trail replaces the platform's management
 * events, AWS Config and the response only when asked, and no platform principal can silence
 * any of it (IAM simulator over the synthesized policies).
 */
import { MANAGED_CONFIG_RULES } from "../../../modules/monitoring/config-rules";
import {
  allPoliciesOf,
  findResource,
  goodFixture,
  onlyResource,
  resourcesOf,
  synthPlatform,
  type StackJson,
} from "../../helpers";
import { resolver, simulate } from "../../iam-simulate";
import { AccountNames, namingInput } from "../../../accounts/naming";
import { matchesPattern } from "../../modules/monitoring/event-matcher";

const example = synthPlatform().json;
const full = synthPlatform(goodFixture("full.yaml")).json;
const organization = synthPlatform(goodFixture("organization-trail.yaml")).json;

const bucketRef = (stack: StackJson, purpose: string) => {
  const [name] = findResource(
    stack,
    "aws_s3_bucket",
    (b) => b.bucket.includes(`-${purpose}-`),
    purpose,
  );
  return name;
};

describe("the audit trail", () => {
  test("dev: management events and every object read and write of the data and model buckets", () => {
    const trail = onlyResource(example.dev, "aws_cloudtrail");
    expect(trail.is_multi_region_trail).toBe(true);
    const selectors = trail.advanced_event_selector;
    expect(selectors[0].field_selector).toEqual([
      { field: "eventCategory", equals: ["Management"] },
    ]);
    const data = selectors[1].field_selector;
    expect(data).toEqual([
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
      {
        field: "resources.ARN",
        starts_with: [
          "arn:aws:s3:::mlops-dev-data-111111111111-eu-west-1/",
          "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1/",
        ],
      },
    ]);
    // Reads and writes: no selector on readOnly or eventName narrows them.
    expect(data.map((f: any) => f.field)).not.toContain("readOnly");
    expect(data.map((f: any) => f.field)).not.toContain("eventName");
    expect(onlyResource(example.dev, "aws_cloudtrail").s3_bucket_name).toBe(
      `\${aws_s3_bucket.${bucketRef(example.dev, "audit-logs")}.bucket}`,
    );
  });

  test("targets log management events only (they have no data buckets)", () => {
    for (const id of ["staging", "prod"]) {
      const selectors = onlyResource(example[id], "aws_cloudtrail").advanced_event_selector;
      expect([id, selectors.map((s: any) => s.name)]).toEqual([id, ["Management events"]]);
    }
  });

  test("with an organization trail: dev logs data events only, targets need no trail of their own", () => {
    const trail = onlyResource(organization.dev, "aws_cloudtrail");
    expect(trail.include_global_service_events).toBe(false);
    expect(trail.advanced_event_selector.map((s: any) => s.name)).toEqual([
      "Object reads and writes of the platform's data buckets",
    ]);
    expect(resourcesOf(organization.prod, "aws_cloudtrail")).toEqual({});
    // The alerts stay: EventBridge gets the management events from the organization trail.
    expect(
      Object.keys(resourcesOf(organization.prod, "aws_cloudwatch_event_rule")).length,
    ).toBeGreaterThan(0);
  });

  test("outputs: where the logs are, the trail, the topic and the Athena table", () => {
    const outputs = example.dev.output!;
    expect(outputs.audit_bucket_name.value).toMatch(/aws_s3_bucket\.audit-bucket/);
    expect(outputs.audit_athena_table.value).toContain(
      "LOCATION 's3://mlops-dev-audit-logs-111111111111-eu-west-1/AWSLogs/111111111111/CloudTrail/'",
    );
    // Terraform must read the template's ${region} literally.
    expect(outputs.audit_athena_table.value).toContain("CloudTrail/$${region}/$${day}'");
    expect(outputs.security_alert_topic_arn.value).toMatch(/aws_sns_topic\.security-alerts_topic/);
  });
});

describe("the security alerts as synthesized", () => {
  const rulePattern = (stack: StackJson, name: string) =>
    JSON.parse(
      findResource(
        stack,
        "aws_cloudwatch_event_rule",
        (r) => r.name === name && r.provider === undefined,
        name,
      )[1].event_pattern,
    );

  test("each account's rules, and the us-east-1 copy of the IAM rule", () => {
    const names = (stack: StackJson, provider?: string) =>
      Object.values(resourcesOf(stack, "aws_cloudwatch_event_rule"))
        .filter((r) => r.provider === provider)
        .map((r) => r.name)
        .sort();
    expect(names(example.dev)).toEqual([
      "mlops-dev-guardrail-denied",
      "mlops-dev-model-approved",
      "mlops-dev-platform-role-changed",
      "mlops-dev-protection-changed",
      "mlops-dev-unguarded-job",
    ]);
    expect(names(example.prod)).toEqual([
      "mlops-prod-endpoint-changed",
      "mlops-prod-guardrail-denied",
      "mlops-prod-platform-role-changed",
      "mlops-prod-protection-changed",
      "mlops-prod-unguarded-job",
    ]);
    expect(names(example.dev, "aws.us-east-1")).toEqual(["mlops-dev-platform-role-changed"]);
  });

  test("the deploy role's own changes are quiet; a person's are not (dev's synthesized rule)", () => {
    const pattern = rulePattern(example.dev, "mlops-dev-protection-changed");
    const call = (issuer: string) => ({
      source: "aws.s3",
      "detail-type": "AWS API Call via CloudTrail",
      detail: {
        eventSource: "s3.amazonaws.com",
        eventName: "PutBucketPolicy",
        userIdentity: { type: "AssumedRole", sessionContext: { sessionIssuer: { arn: issuer } } },
      },
    });
    expect(matchesPattern(pattern, call("arn:aws:iam::111111111111:role/terraform-deploy"))).toBe(
      false,
    );
    expect(
      matchesPattern(pattern, call("arn:aws:iam::111111111111:role/mlops-dev-data-scientist")),
    ).toBe(true);
    const roles = rulePattern(example.prod, "mlops-prod-platform-role-changed");
    expect(roles.detail.requestParameters.roleName).toEqual([{ prefix: "mlops-prod-" }]);
  });

  test("subscriptions from config, on the topic of each account", () => {
    for (const id of ["dev", "staging", "prod"]) {
      const subscriptions = Object.values(resourcesOf(full[id], "aws_sns_topic_subscription"));
      expect([id, subscriptions.map((s) => [s.protocol, s.endpoint])]).toEqual([
        id,
        [
          ["email", "secops@acme.example"],
          ["https", "https://hooks.acme.example/services/T000/B000/alerts"],
        ],
      ]);
    }
    expect(resourcesOf(example.dev, "aws_sns_topic_subscription")).toEqual({});
  });
});

describe("AWS Config and the response, only when asked", () => {
  test("none by default", () => {
    for (const type of [
      "aws_config_config_rule",
      "aws_config_configuration_recorder",
      "aws_ssm_document",
    ]) {
      expect([type, resourcesOf(example.dev, type)]).toEqual([type, {}]);
    }
  });

  test("full.yaml: a recorder, every rule for the account kind but the excluded one; the response", () => {
    const rules = (stack: StackJson) =>
      Object.values(resourcesOf(stack, "aws_config_config_rule"))
        .map((r) => r.source.source_identifier)
        .sort();
    const expected = (kind: string) =>
      MANAGED_CONFIG_RULES.filter(
        (r) =>
          (r.accounts === "all" || r.accounts === kind) &&
          r.identifier !== "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
      )
        .map((r) => r.identifier)
        .sort();
    expect(rules(full.dev)).toEqual(expected("data-science"));
    expect(rules(full.prod)).toEqual(expected("deployment-target"));
    expect(Object.keys(resourcesOf(full.dev, "aws_config_configuration_recorder"))).toHaveLength(1);
    expect(onlyResource(full.dev, "aws_ssm_document").name).toBe("StopUnguardedJob-acme-ml-dev");
  });

  test("an existing recorder: rules only, the excluded ones left out", () => {
    const identifiers = Object.values(resourcesOf(organization.dev, "aws_config_config_rule")).map(
      (r) => r.source.source_identifier,
    );
    expect(identifiers).not.toContain("SAGEMAKER_DOMAIN_IN_VPC");
    expect(identifiers).not.toContain("SAGEMAKER_MODEL_IN_VPC");
    expect(identifiers).toContain("S3_BUCKET_SSL_REQUESTS_ONLY");
    expect(resourcesOf(organization.dev, "aws_config_configuration_recorder")).toEqual({});
  });
});

describe("nobody of the platform can silence the controls", () => {
  const SILENCING: [string, string][] = [
    [
      "cloudtrail:StopLogging",
      "arn:aws:cloudtrail:eu-central-1:111111111111:trail/acme-ml-dev-audit",
    ],
    [
      "cloudtrail:PutEventSelectors",
      "arn:aws:cloudtrail:eu-central-1:111111111111:trail/acme-ml-dev-audit",
    ],
    [
      "events:DisableRule",
      "arn:aws:events:eu-central-1:111111111111:rule/acme-ml-dev-protection-changed",
    ],
    [
      "events:RemoveTargets",
      "arn:aws:events:eu-central-1:111111111111:rule/acme-ml-dev-guardrail-denied",
    ],
    ["sns:SetTopicAttributes", "arn:aws:sns:eu-central-1:111111111111:acme-ml-dev-security-alerts"],
    ["sns:Unsubscribe", "arn:aws:sns:eu-central-1:111111111111:acme-ml-dev-security-alerts"],
    ["config:StopConfigurationRecorder", "*"],
    [
      "s3:DeleteObject",
      "arn:aws:s3:::acme-ml-dev-audit-logs-111111111111-eu-central-1/AWSLogs/111111111111/x",
    ],
    [
      "ssm:StartAutomationExecution",
      "arn:aws:ssm:eu-central-1:111111111111:automation-definition/StopUnguardedJob-acme-ml-dev:$DEFAULT",
    ],
  ];

  test("no role of full.yaml's dev stack (people, Studio, pipelines, services) may do any of it", async () => {
    const roles = Object.values(resourcesOf(full.dev, "aws_iam_role")).map((r) => r.name as string);
    // Terraform references resolved to what AWS would name (a reference reads as a policy variable).
    const resolve = resolver(
      full.dev,
      new AccountNames(namingInput(goodFixture("full.yaml"), "dev")),
    );
    const allowed: string[] = [];
    for (const role of roles) {
      const identity = JSON.parse(resolve(JSON.stringify(allPoliciesOf(full.dev, role))));
      for (const [action, resource] of SILENCING) {
        const decision = await simulate(
          { principal: `arn:aws:iam::111111111111:role/${role}`, action, resource },
          { identity },
        );
        if (decision === "Allowed") allowed.push(`${role} ${action}`);
      }
    }
    // EventBridge's trigger role starts the stop-job Automation: that is its one purpose.
    expect(allowed).toEqual(["acme-ml-dev-stop-jobs-trigger ssm:StartAutomationExecution"]);
    expect(roles.length).toBeGreaterThan(15);
  });
});
