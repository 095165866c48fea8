/**
 * ConfigRules on its own: AWS managed rules named after their identifiers; with a recorder, its
 * role (AWS's recorder policy, delivery under its prefix only), the delivery channel to the
 * audit bucket encrypted with the audit key, and the rules waiting for the recorder to run.
 */
import {
  ConfigRules,
  configRuleName,
  MANAGED_CONFIG_RULES,
} from "../../../modules/monitoring/config-rules";
import { AUDIT_BUCKET, auditStore } from "./audit-store";
import {
  allPoliciesOf,
  bucketByName,
  moduleTestStack,
  onlyResource,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  TEST_ENV,
  trustOf,
} from "../../helpers";

const BUCKET = AUDIT_BUCKET;
const RULES = MANAGED_CONFIG_RULES.slice(0, 3);

function synthRules(recorder: boolean) {
  const stack = moduleTestStack();
  const { key, bucket } = auditStore(stack);
  new ConfigRules(stack, "config", {
    namePrefix: "p-dev",
    rules: RULES,
    environment: TEST_ENV,
    recorder: recorder ? { roleName: "p-dev-config-recorder", bucket, key } : undefined,
  });
  return synthStack(stack);
}

describe("ConfigRules", () => {
  test("each rule is AWS's managed rule, named after it, and says the promise it checks", () => {
    const rules = Object.values(resourcesOf(synthRules(false), "aws_config_config_rule"));
    expect(rules.map((r) => [r.name, r.source])).toEqual(
      RULES.map((r) => [
        configRuleName("p-dev", r.identifier),
        { owner: "AWS", source_identifier: r.identifier },
      ]),
    );
    expect(configRuleName("p-dev", "S3_BUCKET_SSL_REQUESTS_ONLY")).toBe(
      "p-dev-s3-bucket-ssl-requests-only",
    );
    expect(rules[0].description).toBe(`The platform promises: ${RULES[0].promise}`);
    expect(rules.every((r) => r.depends_on === undefined || r.depends_on.length === 0)).toBe(true);
  });

  test("with an existing recorder nothing else is made", () => {
    const json = synthRules(false);
    for (const type of [
      "aws_config_configuration_recorder",
      "aws_config_delivery_channel",
      "aws_iam_role",
    ]) {
      expect([type, resourcesOf(json, type)]).toEqual([type, {}]);
    }
  });

  test("a recorder of its own: AWS's recorder policy, delivery under config/ only, rules after it runs", () => {
    const json = synthRules(true);
    expect(trustOf(json, "p-dev-config-recorder")).toEqual([
      {
        Sid: "ConfigOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
    const attachments = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")).map(
      (a) => a.policy_arn,
    );
    expect(attachments).toContain("arn:aws:iam::aws:policy/service-role/AWS_ConfigRole");
    const delivery = `arn:aws:s3:::${BUCKET}/config/AWSLogs/111111111111/Config/*`;
    expect(allPoliciesOf(json, "p-dev-config-recorder")).toEqual([
      {
        Sid: "DeliverToTheAuditBucket",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: delivery,
      },
      {
        Sid: "CheckTheAuditBucket",
        Effect: "Allow",
        Action: "s3:GetBucketAcl",
        Resource: `arn:aws:s3:::${BUCKET}`,
      },
      {
        Sid: "EncryptDeliveries",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.audit-key_[A-F0-9]+\.arn\}$/),
      },
    ]);
    expect(
      statement(
        policyOf(bucketByName(json, BUCKET).config("aws_s3_bucket_policy")),
        "ConfigDelivers",
      ),
    ).toEqual({
      Sid: "ConfigDelivers",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: delivery,
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
    expect(onlyResource(json, "aws_config_configuration_recorder").recording_group).toEqual({
      all_supported: true,
      include_global_resource_types: true,
    });
    // Config checks the role's permissions as the recorder is made: its policies come first.
    expect(onlyResource(json, "aws_config_configuration_recorder").depends_on.sort()).toEqual([
      expect.stringMatching(/^aws_iam_role_policy_attachment\.config_recorder-reads_/),
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.config_recorder-role_attach-permissions_/,
      ),
    ]);
    const channel = onlyResource(json, "aws_config_delivery_channel");
    expect(channel).toMatchObject({
      s3_key_prefix: "config",
      s3_bucket_name: expect.stringContaining("aws_s3_bucket.audit-bucket"),
    });
    expect(channel.s3_kms_key_arn).toMatch(/aws_kms_key\.audit-key_/);
    const status = onlyResource(json, "aws_config_configuration_recorder_status");
    expect(status.is_enabled).toBe(true);
    expect(status.depends_on).toEqual([expect.stringMatching(/^aws_config_delivery_channel\./)]);
    for (const rule of Object.values(resourcesOf(json, "aws_config_config_rule"))) {
      expect(rule.depends_on).toEqual([
        expect.stringMatching(/^aws_config_configuration_recorder_status\./),
      ]);
    }
  });
});
