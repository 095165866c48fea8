import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { KMS_ADMIN_ACTIONS } from "../../../modules/kms/kms-key";
import {
  bucketByName,
  FIXTURES,
  keyByAlias,
  parse,
  policyOf,
  resourcesOf,
  statement,
  synthPlatform,
  type StackJson,
  synthWith,
} from "../../helpers";

const example = synthPlatform();
const ACCOUNT_IDS: Record<string, string> = {
  dev: "111111111111",
  staging: "222222222222",
  prod: "333333333333",
};
const full = (() => {
  const raw = parseYaml(readFileSync(join(FIXTURES, "configs/good/full.yaml"), "utf8"));
  return synthPlatform(parse(raw)).json;
})();

function bucketNames(stack: StackJson): string[] {
  return Object.values(resourcesOf(stack, "aws_s3_bucket")).map((b) => b.bucket);
}

describe("every bucket of the default platform", () => {
  const all = Object.entries(example.json).flatMap(([stackId, stack]) =>
    bucketNames(stack).map((name) => [stackId, name] as [string, string]),
  );

  test("the platform has the buckets each account needs", () => {
    expect(all.map(([, name]) => name).sort()).toEqual(
      [
        "mlops-dev-access-logs-111111111111-eu-west-1",
        "mlops-dev-audit-logs-111111111111-eu-west-1",
        "mlops-dev-data-111111111111-eu-west-1",
        "mlops-dev-mlflow-111111111111-eu-west-1",
        "mlops-dev-models-111111111111-eu-west-1",
        "mlops-dev-tfstate-111111111111-eu-west-1",
        "mlops-prod-access-logs-333333333333-eu-west-1",
        "mlops-prod-audit-logs-333333333333-eu-west-1",
        "mlops-prod-tfstate-333333333333-eu-west-1",
        "mlops-staging-access-logs-222222222222-eu-west-1",
        "mlops-staging-audit-logs-222222222222-eu-west-1",
        "mlops-staging-tfstate-222222222222-eu-west-1",
      ].sort(),
    );
  });

  test.each(all)(
    "%s: %s keeps every current object readable; old versions are archived, then expire",
    (stackId, name) => {
      const rules = bucketByName(example.json[stackId], name).config(
        "aws_s3_bucket_lifecycle_configuration",
      ).rule;
      const state = name.includes("-tfstate-");
      expect(rules).toEqual([
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{}],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{}],
          // State versions are the way back from a bad apply: never archived, 10 always kept.
          ...(state
            ? {}
            : {
                noncurrent_version_transition: [{ noncurrent_days: 30, storage_class: "GLACIER" }],
              }),
          noncurrent_version_expiration: [
            state
              ? { noncurrent_days: 90, newer_noncurrent_versions: 10 }
              : { noncurrent_days: 90 },
          ],
          expiration: [{ expired_object_delete_marker: true }],
        },
        // Intelligent-Tiering without its opt-in archive tiers: GetObject always works.
        ...(state
          ? []
          : [
              {
                id: "tier-current-versions",
                status: "Enabled",
                filter: [{}],
                transition: [{ days: 0, storage_class: "INTELLIGENT_TIERING" }],
              },
            ]),
      ]);
      expect(
        resourcesOf(example.json[stackId], "aws_s3_bucket_intelligent_tiering_configuration"),
      ).toEqual({});
    },
  );

  test.each(all)("%s: %s carries every protection", (stackId, name) => {
    const stack = example.json[stackId];
    const b = bucketByName(stack, name);
    const accessLogBucket = name.includes("-access-logs-");
    expect(resourcesOf(stack, "aws_s3_bucket")[b.name]).toMatchObject({
      bucket: name,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(b.config("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(b.config("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(b.config("aws_s3_bucket_ownership_controls").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
    expect(resourcesOf(stack, "aws_s3_bucket_acl")).toEqual({});

    const sse = b.config("aws_s3_bucket_server_side_encryption_configuration").rule[0];
    if (accessLogBucket) {
      expect(sse).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
    } else {
      expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(
        /^\$\{aws_kms_key\..+\.arn\}$/,
      );
      expect(sse.bucket_key_enabled).toBe(true);
    }

    // The baseline denies, whole: a flipped condition or operator fails here.
    const policy = policyOf(b.config("aws_s3_bucket_policy"));
    const arn = `\${aws_s3_bucket.${b.name}.arn}`;
    const deny = (Sid: string, Action: string, Resource: string | string[], Condition: object) =>
      expect(statement(policy, Sid)).toEqual({
        Sid,
        Effect: "Deny",
        Principal: "*",
        Action,
        Resource,
        Condition,
      });
    deny("DenyInsecureTransport", "s3:*", [arn, `${arn}/*`], {
      Bool: { "aws:SecureTransport": "false" },
    });
    deny("DenyOutdatedTls", "s3:*", [arn, `${arn}/*`], {
      NumericLessThan: { "s3:TlsVersion": "1.2" },
    });
    deny("DenyOtherEncryption", "s3:PutObject", `${arn}/*`, {
      StringNotEquals: {
        "s3:x-amz-server-side-encryption": accessLogBucket ? "AES256" : "aws:kms",
      },
      Null: { "s3:x-amz-server-side-encryption": "false" },
    });
    deny("DenyCustomerProvidedKeys", "s3:PutObject", `${arn}/*`, {
      Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" },
    });
    const otherKey = policy.Statement.find((s) => s.Sid === "DenyOtherKmsKey");
    if (accessLogBucket) {
      expect(otherKey).toBeUndefined();
    } else {
      expect(otherKey).toEqual({
        Sid: "DenyOtherKmsKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${arn}/*`,
        Condition: {
          StringNotEquals: {
            "s3:x-amz-server-side-encryption-aws-kms-key-id": [
              sse.apply_server_side_encryption_by_default.kms_master_key_id,
              expect.stringMatching(/^\$\{aws_kms_alias\.[\w-]+\.arn\}$/),
            ],
          },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
      });
    }

    const rules = b.config("aws_s3_bucket_lifecycle_configuration").rule;
    const byId = Object.fromEntries(rules.map((r: any) => [r.id, r]));
    expect(byId["abort-incomplete-multipart-uploads"].abort_incomplete_multipart_upload).toEqual([
      { days_after_initiation: 7 },
    ]);
    expect(
      byId["expire-noncurrent-versions"].noncurrent_version_expiration[0].noncurrent_days,
    ).toBeGreaterThan(0);
    expect(byId["expire-noncurrent-versions"].expiration).toEqual([
      { expired_object_delete_marker: true },
    ]);

    const logging = Object.values(resourcesOf(stack, "aws_s3_bucket_logging")).filter(
      (l) => l.bucket === `\${aws_s3_bucket.${b.name}.id}`,
    );
    if (accessLogBucket) {
      expect(logging).toEqual([]);
    } else {
      const account = stackId.replace("-bootstrap", "");
      const target = `mlops-${account}-access-logs-${ACCOUNT_IDS[account]}-eu-west-1`;
      expect(logging).toHaveLength(1);
      expect(logging[0]).toMatchObject({ target_prefix: `${name}/` });
      expect([
        target,
        expect.stringMatching(/^\$\{aws_s3_bucket\.access-logs_bucket_.+\.bucket\}$/),
      ]).toContainEqual(logging[0].target_bucket);
    }
  });
});

describe("every key of the default platform", () => {
  const keys = Object.entries(example.json).flatMap(([stackId, stack]) =>
    Object.entries(resourcesOf(stack, "aws_kms_key")).map(
      ([name, key]) => [stackId, name, key] as [string, string, any],
    ),
  );

  test("one key per data class", () => {
    const aliases = (stackId: string) =>
      Object.values(resourcesOf(example.json[stackId], "aws_kms_alias"))
        .map((a) => a.name)
        .sort();
    expect(aliases("dev")).toEqual([
      "alias/mlops-dev-audit",
      "alias/mlops-dev-data",
      "alias/mlops-dev-logs",
      "alias/mlops-dev-studio",
    ]);
    expect(aliases("staging")).toEqual([
      "alias/mlops-staging-audit",
      "alias/mlops-staging-endpoint",
      "alias/mlops-staging-logs",
    ]);
    expect(aliases("prod")).toEqual([
      "alias/mlops-prod-audit",
      "alias/mlops-prod-endpoint",
      "alias/mlops-prod-logs",
    ]);
    expect(aliases("dev-bootstrap")).toEqual(["alias/mlops-dev-tfstate"]);
  });

  test.each(keys)(
    "%s: %s rotates, waits 30 days, is protected and has an explicit policy",
    (stackId, _name, key) => {
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      });
      const policy = policyOf(key);
      const account = ACCOUNT_IDS[stackId.replace("-bootstrap", "")];
      expect(statement(policy, "KeyAdministration")).toEqual({
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${account}:role/terraform-deploy`] },
        Action: KMS_ADMIN_ACTIONS,
        Resource: "*",
      });
      for (const s of policy.Statement) {
        const principal = JSON.stringify(s.Principal);
        if (principal.includes('"*"')) expect(Object.keys(s.Condition ?? {})).not.toHaveLength(0);
        // An account principal only narrowed to exact roles (cross-account grants); never the
        // key's own account root (the policy does not delegate to IAM).
        expect(principal).not.toContain(`${account}:root`);
        if (principal.includes(":root")) {
          expect(s.Condition?.ArnEquals?.["aws:PrincipalArn"]).toEqual(expect.any(Array));
        }
      }
    },
  );
});

describe("data science buckets", () => {
  const dev = example.json.dev;
  const vpce = `\${aws_vpc_endpoint.${
    Object.entries(resourcesOf(dev, "aws_vpc_endpoint")).find(
      ([, e]) => e.vpc_endpoint_type === "Gateway",
    )![0]
  }.id}`;

  test("data and models are encrypted with the data key", () => {
    const [dataKey] = keyByAlias(dev, "alias/mlops-dev-data");
    for (const name of [
      "mlops-dev-data-111111111111-eu-west-1",
      "mlops-dev-models-111111111111-eu-west-1",
    ]) {
      const sse = bucketByName(dev, name).config(
        "aws_s3_bucket_server_side_encryption_configuration",
      );
      expect(sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(
        `\${aws_kms_key.${dataKey}.arn}`,
      );
    }
  });

  /** The bucket's policy and what its VPC-endpoint deny must be, with these exempt roles. */
  function vpceDenyOf(bucketName: string, exempt: string[]) {
    const bucket = bucketByName(dev, bucketName);
    const arn = `\${aws_s3_bucket.${bucket.name}.arn}`;
    return {
      actual: statement(
        policyOf(bucket.config("aws_s3_bucket_policy")),
        "DenyOutsideTheVpcEndpoint",
      ),
      expected: {
        Sid: "DenyOutsideTheVpcEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: {
          StringNotEquals: { "aws:SourceVpce": vpce },
          ArnNotEquals: { "aws:PrincipalArn": exempt },
          BoolIfExists: { "aws:ViaAWSService": "false" },
        },
      },
    };
  }

  test("the data bucket refuses access from outside the VPC endpoint, except the deploy role and AWS services", () => {
    const { actual, expected } = vpceDenyOf("mlops-dev-data-111111111111-eu-west-1", [
      "arn:aws:iam::111111111111:role/terraform-deploy",
      "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
    ]);
    expect(actual).toEqual(expected);
  });

  test("the model bucket also exempts the deployment targets' model execution roles, by exact ARN", () => {
    const { actual, expected } = vpceDenyOf("mlops-dev-models-111111111111-eu-west-1", [
      "arn:aws:iam::111111111111:role/terraform-deploy",
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
      // The approver tags artifacts from outside the VPC; its policy allows only that.
      "arn:aws:iam::111111111111:role/mlops-dev-model-approver",
      "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
    ]);
    expect(actual).toEqual(expected);
  });

  test("the MLflow bucket is reachable only through the VPC endpoint, like the data bucket: no way around its network rule", () => {
    const denyOf = (stack: StackJson, bucket: string) =>
      statement(
        policyOf(bucketByName(stack, bucket).config("aws_s3_bucket_policy")),
        "DenyOutsideTheVpcEndpoint",
      );
    const mlflow = denyOf(dev, "mlops-dev-mlflow-111111111111-eu-west-1");
    const data = denyOf(dev, "mlops-dev-data-111111111111-eu-west-1");
    expect(mlflow.Condition).toEqual(data.Condition);
    // The managed tracking server works from SageMaker's network as its role: exempt by exact
    // ARN in that mode only.
    const managed = synthWith((c) => (c.accounts.dev.mlflow = { mode: "managed" })).dev;
    expect(
      denyOf(managed, "mlops-dev-mlflow-111111111111-eu-west-1").Condition!.ArnNotEquals,
    ).toEqual({
      "aws:PrincipalArn": [
        "arn:aws:iam::111111111111:role/terraform-deploy",
        "arn:aws:iam::111111111111:role/mlops-dev-mlflow-tracking",
        "arn:aws:iam::111111111111:role/mlops-dev-ci-plan",
      ],
    });
  });

  test("lifecycle is configurable per bucket", () => {
    const data = bucketByName(full.dev, "acme-ml-dev-data-111111111111-eu-central-1").config(
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(data.slice(1)).toEqual([
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrent_version_transition: [{ noncurrent_days: 7, storage_class: "GLACIER" }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
      {
        // The DVC reference's schedule, chosen explicitly: it archives current objects.
        id: "scheduled-transitions",
        status: "Enabled",
        filter: [{}],
        transition: [
          { days: 60, storage_class: "STANDARD_IA" },
          { days: 90, storage_class: "GLACIER_IR" },
          { days: 180, storage_class: "GLACIER" },
          { days: 730, storage_class: "DEEP_ARCHIVE" },
        ],
      },
    ]);
    const models = bucketByName(full.dev, "acme-ml-dev-models-111111111111-eu-central-1").config(
      "aws_s3_bucket_lifecycle_configuration",
    ).rule;
    expect(models.map((r: any) => r.id)).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-noncurrent-versions",
    ]);
  });

  test("Object Lock in governance mode on the model bucket when configured", () => {
    const models = bucketByName(full.dev, "acme-ml-dev-models-111111111111-eu-central-1");
    expect(resourcesOf(full.dev, "aws_s3_bucket")[models.name].object_lock_enabled).toBe(true);
    expect(models.config("aws_s3_bucket_object_lock_configuration").rule).toEqual({
      default_retention: { mode: "GOVERNANCE", days: 30 },
    });
    expect(resourcesOf(example.json.dev, "aws_s3_bucket_object_lock_configuration")).toEqual({});
  });

  test("the DVC remote points at the dvc/ prefix of the data bucket", () => {
    expect(example.json.dev.output!.dvc_remote_url.value).toBe(
      "s3://mlops-dev-data-111111111111-eu-west-1/dvc",
    );
    expect(example.json.dev.output!.dvc_remote_commands.value).toBe(
      "dvc remote add -d platform s3://mlops-dev-data-111111111111-eu-west-1/dvc\n" +
        "dvc remote modify platform region eu-west-1",
    );
    expect(example.json.staging.output!.dvc_remote_commands).toBeUndefined();
  });

  test("outputs name the buckets and keys", () => {
    const out = example.json.dev.output!;
    expect(out.bucket_names.value).toEqual({
      data:
        "${aws_s3_bucket." +
        bucketByName(example.json.dev, "mlops-dev-data-111111111111-eu-west-1").name +
        ".bucket}",
      models: expect.stringContaining("models-bucket"),
      mlflow: expect.stringContaining("mlflow-bucket"),
    });
    expect(Object.keys(out.bucket_arns.value).sort()).toEqual(["data", "mlflow", "models"]);
    expect(out.key_aliases.value).toEqual({
      data: "alias/mlops-dev-data",
      studio: "alias/mlops-dev-studio",
    });
    expect(example.json.prod.output!.key_aliases.value).toEqual({
      endpoint: "alias/mlops-prod-endpoint",
    });
  });
});

describe("access log bucket", () => {
  const bootstrap = example.json["prod-bootstrap"];
  const logs = bucketByName(bootstrap, "mlops-prod-access-logs-333333333333-eu-west-1");

  test("only the S3 logging service of this account writes to it, for the platform's buckets", () => {
    const policy = policyOf(logs.config("aws_s3_bucket_policy"));
    expect(statement(policy, "S3ServerAccessLogDelivery")).toEqual({
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `\${aws_s3_bucket.${logs.name}.arn}/*`,
      Condition: {
        StringEquals: { "aws:SourceAccount": "333333333333" },
        ArnLike: { "aws:SourceArn": ["arn:aws:s3:::mlops-prod-*"] },
      },
    });
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toHaveLength(1);
  });

  test("refuses uploads asking for anything but SSE-S3", () => {
    const policy = policyOf(logs.config("aws_s3_bucket_policy"));
    expect(statement(policy, "DenyOtherEncryption").Condition!.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption": "AES256",
    });
  });
});
