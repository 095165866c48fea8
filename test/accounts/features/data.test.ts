import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ExistingRole } from "../../../modules/iam/iam-role";
import { KMS_ADMIN_ACTIONS, KmsKey } from "../../../modules/kms/kms-key";
import { SecureBucket } from "../../../modules/storage/secure-bucket";
import { Testing } from "../../../modules/core/cdktf";
import {
  bucketByName,
  exampleInput,
  expectedGrant,
  FIXTURES,
  keyByAlias,
  moduleTestStack,
  parse,
  policyOf,
  problemsOf,
  resourcesOf,
  statement,
  synthPlatform,
  type StackJson,
  synthWith,
} from "../../helpers";
import type { PolicyDocument } from "../../../modules/iam/iam-policy";
import { decide } from "../../iam-simulate";

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
        "mlops-dev-data-111111111111-eu-west-1",
        "mlops-dev-mlflow-111111111111-eu-west-1",
        "mlops-dev-models-111111111111-eu-west-1",
        "mlops-dev-tfstate-111111111111-eu-west-1",
        "mlops-prod-access-logs-333333333333-eu-west-1",
        "mlops-prod-tfstate-333333333333-eu-west-1",
        "mlops-staging-access-logs-222222222222-eu-west-1",
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
      "alias/mlops-dev-data",
      "alias/mlops-dev-logs",
      "alias/mlops-dev-studio",
    ]);
    expect(aliases("staging")).toEqual([
      "alias/mlops-staging-endpoint",
      "alias/mlops-staging-logs",
    ]);
    expect(aliases("prod")).toEqual(["alias/mlops-prod-endpoint", "alias/mlops-prod-logs"]);
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

describe("dataset access grants", () => {
  const dev = full.dev;

  function roleGrant(roleName: string): { policy: any; role: string } {
    const [, policy] = Object.entries(resourcesOf(dev, "aws_iam_role_policy")).find(
      ([, p]) => p.role === roleName,
    )!;
    return { policy: policyOf(policy), role: roleName };
  }

  test("a read-only, prefix-scoped grant produces exactly these statements", () => {
    const data = bucketByName(dev, "acme-ml-dev-data-111111111111-eu-central-1");
    const [dataKey] = keyByAlias(dev, "alias/acme-ml-dev-data");
    const arn = `\${aws_s3_bucket.${data.name}.arn}`;
    const { policy } = roleGrant("flyte-workers");
    expect(policy.Statement).toEqual([
      {
        Sid: "DataBucketReadList",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: arn,
        Condition: { StringLike: { "s3:prefix": ["datasets/", "datasets/*", "dvc/", "dvc/*"] } },
      },
      {
        Sid: "DataBucketReadBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation"],
        Resource: arn,
      },
      {
        Sid: "DataBucketReadObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"],
        Resource: [`${arn}/datasets/*`, `${arn}/dvc/*`],
      },
      {
        Sid: "DataBucketReadKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: `\${aws_kms_key.${dataKey}.arn}`,
        Condition: {
          StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
          StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [arn, `${arn}/*`] },
        },
      },
    ]);
  });

  test("the policy is attached to the named role under one platform policy name", () => {
    const [, attached] = Object.entries(resourcesOf(dev, "aws_iam_role_policy")).find(
      ([, p]) => p.role === "flyte-workers",
    )!;
    expect(attached.name).toBe("acme-ml-dev-dataset-access");
    expect(resourcesOf(dev, "aws_iam_role")).not.toHaveProperty("flyte-workers");
  });

  test("the data key lets the granted role decrypt, through S3 only, naming it by condition", async () => {
    // The account principal narrowed to the exact role: a role that does not exist yet does not
    // fail the apply (MalformedPolicyDocumentException), and a recreated one still matches.
    const [, key] = keyByAlias(dev, "alias/acme-ml-dev-data");
    const DATA_ARN = "arn:aws:s3:::acme-ml-dev-data-111111111111-eu-central-1";
    expect(statement(policyOf(key), "DataBucketReadflyteworkers")).toEqual({
      Sid: "DataBucketReadflyteworkers",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "s3.eu-central-1.amazonaws.com",
          "kms:CallerAccount": "111111111111",
        },
        ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/flyte-workers"] },
        StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [DATA_ARN, `${DATA_ARN}/*`] },
      },
    });
    // The key policy names the account narrowed to the role: AWS then also needs the role's own
    // policy (the one the platform attaches) to allow the use, and the key policy must allow it.
    const keyPolicy = policyOf(key);
    const [keyId] = keyByAlias(dev, "alias/acme-ml-dev-data");
    const KEY = "arn:aws:kms:eu-central-1:111111111111:key/data";
    const identity = JSON.parse(
      JSON.stringify(roleGrant("flyte-workers").policy)
        .split(`\${aws_kms_key.${keyId}.arn}`)
        .join(KEY)
        .split(`\${aws_s3_bucket.${bucketByName(dev, DATA_ARN.split(":::")[1]).name}.arn}`)
        .join(DATA_ARN),
    );
    const decrypt = (
      principalArn: string,
      via = "s3.eu-central-1.amazonaws.com",
      object = `${DATA_ARN}/datasets/train.csv`,
    ) =>
      decide(
        {
          principalArn,
          action: "kms:Decrypt",
          resource: KEY,
          context: {
            "kms:ViaService": via,
            "kms:CallerAccount": "111111111111",
            "kms:EncryptionContext:aws:s3:arn": object,
          },
        },
        { resource: keyPolicy, identity: [identity], resourceAccount: "111111111111" },
      );
    expect(await decrypt("arn:aws:iam::111111111111:role/flyte-workers")).toBe("allowed");
    // With an S3 Bucket Key, S3 names the bucket instead of the object.
    expect(await decrypt("arn:aws:iam::111111111111:role/flyte-workers", undefined, DATA_ARN)).toBe(
      "allowed",
    );
    // The same key serves the model and MLflow buckets: not for this grant.
    expect(
      await decrypt(
        "arn:aws:iam::111111111111:role/flyte-workers",
        undefined,
        "arn:aws:s3:::acme-ml-dev-models-111111111111-eu-central-1/argo/model.tar.gz",
      ),
    ).toBe("implicit deny");
    expect(await decrypt("arn:aws:iam::111111111111:role/flyte-workers-2")).toBe("implicit deny");
    expect(
      await decrypt(
        "arn:aws:iam::111111111111:role/flyte-workers",
        "ec2.eu-central-1.amazonaws.com",
      ),
    ).toBe("implicit deny");
  });

  test("a read-write grant by ARN adds write actions and encrypt on its prefixes", () => {
    const { policy } = roleGrant("argo-training");
    const models = bucketByName(dev, "acme-ml-dev-models-111111111111-eu-central-1");
    const [dataKey] = keyByAlias(dev, "alias/acme-ml-dev-data");
    expect(policy.Statement).toEqual(
      expectedGrant(
        "ModelsBucketReadWrite",
        `\${aws_s3_bucket.${models.name}.arn}`,
        `\${aws_kms_key.${dataKey}.arn}`,
        "read-write",
        "eu-central-1",
        ["argo/"],
      ),
    );
    const [, key] = keyByAlias(dev, "alias/acme-ml-dev-data");
    const grant = statement(policyOf(key), "ModelsBucketReadWriteargotraining");
    expect([grant.Principal, grant.Condition!.ArnEquals]).toEqual([
      { AWS: "arn:aws:iam::111111111111:root" },
      { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/eks/argo-training"] },
    ]);
  });

  test("the example platform attaches nothing to roles outside the platform", () => {
    expect(resourcesOf(example.json.dev, "aws_iam_role_policy")).toEqual({});
    for (const a of Object.values(
      resourcesOf(example.json.dev, "aws_iam_role_policy_attachment"),
    )) {
      expect(a.role).toMatch(/^\$\{aws_iam_role\./);
    }
  });
});

describe("dataset consumers: who can reach what, from where", () => {
  const dev = full.dev;
  const DATA = "acme-ml-dev-data-111111111111-eu-central-1";
  const MODELS = "acme-ml-dev-models-111111111111-eu-central-1";
  const KEY_ARN = "arn:aws:kms:eu-central-1:111111111111:key/data";
  const FLYTE = "arn:aws:iam::444455556666:role/flyte-production-workers";
  const ARGO = "arn:aws:iam::111111111111:role/eks/argo-training";
  const LOCAL = "arn:aws:iam::111111111111:role/flyte-workers";
  const OUR_VPCE = "vpce-0000000000000000a";
  const OUR_VPC = "vpc-0000000000000000a";
  const S3 = "s3.eu-central-1.amazonaws.com";

  /** A policy with this stack's references replaced by the values AWS would see. */
  function resolved(policy: string): PolicyDocument {
    const [key] = keyByAlias(dev, "alias/acme-ml-dev-data");
    const refs: Record<string, string> = {
      [`\${aws_s3_bucket.${bucketByName(dev, DATA).name}.arn}`]: `arn:aws:s3:::${DATA}`,
      [`\${aws_s3_bucket.${bucketByName(dev, MODELS).name}.arn}`]: `arn:aws:s3:::${MODELS}`,
      [`\${aws_kms_key.${key}.arn}`]: KEY_ARN,
    };
    const gateway = Object.entries(resourcesOf(dev, "aws_vpc_endpoint")).find(
      ([, e]) => e.vpc_endpoint_type === "Gateway",
    )![0];
    refs[`\${aws_vpc_endpoint.${gateway}.id}`] = OUR_VPCE;
    let text = policy;
    for (const [ref, value] of Object.entries(refs)) text = text.split(ref).join(value);
    const roles = resourcesOf(dev, "aws_iam_role");
    text = text.replace(
      /\$\{aws_iam_role\.([^}.]+)\.arn\}/g,
      (_, id: string) => `arn:aws:iam::111111111111:role/${roles[id].name}`,
    );
    text = text.replace(
      /\$\{aws_kms_alias\.[^}]+\.arn\}/g,
      "arn:aws:kms:eu-central-1:111111111111:alias/acme-ml-dev-data",
    );
    expect(text).not.toContain("${");
    return JSON.parse(text) as PolicyDocument;
  }
  const bucketPolicy = (name: string) =>
    resolved(bucketByName(dev, name).config("aws_s3_bucket_policy").policy);
  const keyPolicy = () => resolved(keyByAlias(dev, "alias/acme-ml-dev-data")[1].policy);
  const flyteIdentity = () =>
    resolved(dev.output!.dataset_consumer_policies.value[FLYTE].policy_json as string);
  const inlinePolicyOf = (roleName: string) =>
    resolved(
      Object.values(resourcesOf(dev, "aws_iam_role_policy")).find((p) => p.role === roleName)!
        .policy,
    );

  /** An S3 request of a role to a bucket, with the network it comes from. */
  function s3(
    principalArn: string,
    action: string,
    bucket: string,
    key: string | undefined,
    network: { vpce?: string; vpc?: string },
    identity: PolicyDocument[],
    extra: Record<string, string> = {},
  ) {
    const context: Record<string, string> = {
      "aws:SecureTransport": "true",
      "s3:TlsVersion": "1.3",
      "aws:ViaAWSService": "false",
      ...extra,
    };
    if (network.vpce) context["aws:SourceVpce"] = network.vpce;
    if (network.vpc) context["aws:SourceVpc"] = network.vpc;
    return decide(
      {
        principalArn,
        action,
        resource: key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`,
        context,
      },
      { resource: bucketPolicy(bucket), identity, resourceAccount: "111111111111" },
    );
  }
  const THEIR_VPCE = { vpce: "vpce-0a1b2c3d4e5f60718", vpc: "vpc-0123456789abcdef0" };
  const THEIR_VPC = { vpce: "vpce-0ffffffffffffffff", vpc: "vpc-0fedcba9876543210" };
  const OURS = { vpce: OUR_VPCE, vpc: OUR_VPC };

  test("a consumer of another account reads its prefixes from its own network, and only them", async () => {
    const id = [flyteIdentity()];
    expect(await s3(FLYTE, "s3:GetObject", DATA, "datasets/a.parquet", THEIR_VPCE, id)).toBe(
      "allowed",
    );
    expect(await s3(FLYTE, "s3:GetObject", DATA, "datasets/a.parquet", THEIR_VPC, id)).toBe(
      "allowed",
    );
    expect(
      await s3(FLYTE, "s3:ListBucket", DATA, undefined, THEIR_VPCE, id, {
        "s3:prefix": "datasets/",
      }),
    ).toBe("allowed");
    // Outside its prefixes, or writing: nothing allows it (both sides must).
    expect(await s3(FLYTE, "s3:GetObject", DATA, "dvc/files/md5/ab", THEIR_VPCE, id)).toBe(
      "implicit deny",
    );
    expect(
      await s3(FLYTE, "s3:ListBucket", DATA, undefined, THEIR_VPCE, id, { "s3:prefix": "dvc/" }),
    ).toBe("implicit deny");
    expect(await s3(FLYTE, "s3:PutObject", DATA, "datasets/a.parquet", THEIR_VPCE, id)).toBe(
      "implicit deny",
    );
    // Even if its own account grants it everything.
    const admin: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" }],
    };
    expect(await s3(FLYTE, "s3:PutObject", DATA, "datasets/a.parquet", THEIR_VPCE, [admin])).toBe(
      "implicit deny",
    );
    // The model bucket is not granted: its VPC-endpoint rule still holds for the consumer.
    expect(await s3(FLYTE, "s3:GetObject", MODELS, "model.tar.gz", THEIR_VPCE, [admin])).toBe(
      "explicit deny",
    );
  });

  test("an unlisted network origin is denied explicitly, this account's endpoint included", async () => {
    const id = [flyteIdentity()];
    expect(await s3(FLYTE, "s3:GetObject", DATA, "datasets/a", {}, id)).toBe("explicit deny");
    expect(await s3(FLYTE, "s3:GetObject", DATA, "datasets/a", OURS, id)).toBe("explicit deny");
    expect(
      await s3(
        FLYTE,
        "s3:GetObject",
        DATA,
        "datasets/a",
        { vpce: "vpce-0eeeeeeeeeeeeeeee", vpc: "vpc-0eeeeeeeeeeeeeeee" },
        id,
      ),
    ).toBe("explicit deny");
  });

  test("another role of the consumer's account gets nothing, whatever its own policy says", async () => {
    const admin: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" }],
    };
    const other = "arn:aws:iam::444455556666:role/someone-else";
    expect(await s3(other, "s3:GetObject", DATA, "datasets/a", THEIR_VPCE, [admin])).toBe(
      "explicit deny",
    );
  });

  test("the key lets the consumer decrypt through S3 only, and never encrypt", async () => {
    const key = (principalArn: string, action: string, context: Record<string, string>) =>
      decide(
        { principalArn, action, resource: KEY_ARN, context },
        { resource: keyPolicy(), identity: [flyteIdentity()], resourceAccount: "111111111111" },
      );
    const viaS3 = { "kms:ViaService": S3, "kms:CallerAccount": "444455556666" };
    expect(await key(FLYTE, "kms:Decrypt", viaS3)).toBe("allowed");
    expect(await key(FLYTE, "kms:GenerateDataKey", viaS3)).toBe("implicit deny");
    expect(await key(FLYTE, "kms:Decrypt", { "kms:CallerAccount": "444455556666" })).toBe(
      "implicit deny",
    );
    expect(await key("arn:aws:iam::444455556666:role/someone-else", "kms:Decrypt", viaS3)).toBe(
      "implicit deny",
    );
  });

  test("a consumer of this account in another VPC writes its prefixes from there only", async () => {
    const id = [inlinePolicyOf("argo-training")];
    const argoVpc = { vpce: "vpce-0ffffffffffffffff", vpc: "vpc-0a1b2c3d4e5f60718" };
    expect(await s3(ARGO, "s3:PutObject", MODELS, "argo/run-1/model.tar.gz", argoVpc, id)).toBe(
      "allowed",
    );
    expect(await s3(ARGO, "s3:PutObject", MODELS, "other/model.tar.gz", argoVpc, id)).toBe(
      "implicit deny",
    );
    expect(await s3(ARGO, "s3:PutObject", MODELS, "argo/run-1/model.tar.gz", OURS, id)).toBe(
      "explicit deny",
    );
    expect(await s3(ARGO, "s3:PutObject", MODELS, "argo/run-1/model.tar.gz", {}, id)).toBe(
      "explicit deny",
    );
  });

  test("a consumer without a network origin stays behind this account's VPC endpoint", async () => {
    const id = [inlinePolicyOf("flyte-workers")];
    expect(await s3(LOCAL, "s3:GetObject", DATA, "dvc/files/md5/ab", OURS, id)).toBe("allowed");
    expect(await s3(LOCAL, "s3:PutObject", DATA, "dvc/files/md5/ab", OURS, id)).toBe(
      "implicit deny",
    );
    expect(await s3(LOCAL, "s3:GetObject", DATA, "dvc/files/md5/ab", THEIR_VPCE, id)).toBe(
      "explicit deny",
    );
  });

  test("the consumer of another account: exact bucket, key and identity statements", () => {
    const data = `arn:aws:s3:::${DATA}`;
    const caller = { "aws:PrincipalArn": FLYTE };
    const policy = bucketPolicy(DATA);
    expect(
      policy.Statement.filter((s) => s.Sid.includes("flyteproductionworkers444455556666")),
    ).toEqual([
      {
        Sid: "DataBucketReadflyteproductionworkers444455556666List",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: "s3:ListBucket",
        Resource: data,
        Condition: { ArnEquals: caller, StringLike: { "s3:prefix": ["datasets/", "datasets/*"] } },
      },
      {
        Sid: "DataBucketReadflyteproductionworkers444455556666Bucket",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["s3:GetBucketLocation"],
        Resource: data,
        Condition: { ArnEquals: caller },
      },
      {
        Sid: "DataBucketReadflyteproductionworkers444455556666Objects",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"],
        Resource: [`${data}/datasets/*`],
        Condition: { ArnEquals: caller },
      },
      {
        Sid: "DataBucketflyteproductionworkers444455556666Network",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [data, `${data}/*`],
        Condition: {
          ArnEquals: caller,
          StringNotEquals: {
            "aws:SourceVpce": ["vpce-0a1b2c3d4e5f60718"],
            "aws:SourceVpc": ["vpc-0fedcba9876543210"],
          },
          BoolIfExists: { "aws:ViaAWSService": "false" },
        },
      },
    ]);
    expect(statement(policy, "DenyOutsideTheVpcEndpoint").Condition!.ArnNotEquals).toEqual({
      "aws:PrincipalArn": [
        "arn:aws:iam::111111111111:role/dev-terraform",
        "arn:aws:iam::111111111111:role/acme-ml-dev-data-replication",
        FLYTE,
        "arn:aws:iam::111111111111:role/acme-ml-dev-ci-plan",
      ],
    });
    expect(statement(keyPolicy(), "DataBucketReadflyteproductionworkers444455556666")).toEqual({
      Sid: "DataBucketReadflyteproductionworkers444455556666",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444455556666:root" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": S3, "kms:CallerAccount": "444455556666" },
        ArnEquals: caller,
        StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [data, `${data}/*`] },
      },
    });
    expect(flyteIdentity().Statement).toEqual([
      {
        Sid: "DataBucketReadList",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: data,
        Condition: { StringLike: { "s3:prefix": ["datasets/", "datasets/*"] } },
      },
      {
        Sid: "DataBucketReadBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation"],
        Resource: data,
      },
      {
        Sid: "DataBucketReadObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"],
        Resource: [`${data}/datasets/*`],
      },
      {
        Sid: "DataBucketReadKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: KEY_ARN,
        Condition: {
          StringEquals: { "kms:ViaService": S3 },
          StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [data, `${data}/*`] },
        },
      },
    ]);
  });

  test("the README's consumer example is what the example config with its datasetAccess writes", () => {
    const readme = readFileSync(join(__dirname, "../../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Sharing datasets with other accounts"));
    const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const hclBlock = /What account 444455556666 attaches[\s\S]*?```hcl\n([\s\S]*?)```/.exec(
      section,
    )![1];
    const stacks = synthWith((input) => {
      Object.assign(input.accounts.dev, parseYaml(yamlBlock));
    });
    const written = stacks.dev.output!.dataset_consumer_policies.value[FLYTE].terraform as string;
    // The stack names the bucket and key by reference; the README writes them out.
    const buckets = resourcesOf(stacks.dev, "aws_s3_bucket");
    const resolvedText = written
      .replace(/\$\{aws_s3_bucket\.([^}.]+)\.arn\}/g, (_, id: string) => {
        return `arn:aws:s3:::${buckets[id].bucket}`;
      })
      .replace(
        /\$\{aws_kms_key\.[^}.]+\.arn\}/g,
        "arn:aws:kms:eu-west-1:111111111111:key/<data key id>",
      );
    expect(resolvedText).not.toContain("${");
    // The README puts each statement on a line of its own.
    expect(hclBlock.replace(/\n\s+\{"Sid"/g, '{"Sid"')).toBe(resolvedText);
    expect(section).toContain(
      `--policy-name ${stacks.dev.output!.dataset_consumer_policies.value[FLYTE].policy_name} --policy-document`,
    );
  });

  test("the consumer's account gets its policy as Terraform too", () => {
    const out = dev.output!.dataset_consumer_policies.value[FLYTE];
    expect(out.account_id).toBe("444455556666");
    expect(out.role_name).toBe("flyte-production-workers");
    expect(out.terraform).toBe(
      [
        'resource "aws_iam_role_policy" "acme_ml_dev_dataset_access" {',
        '  name   = "acme-ml-dev-dataset-access"',
        '  role   = "flyte-production-workers"',
        `  policy = jsonencode(${out.policy_json})`,
        "}",
        "",
      ].join("\n"),
    );
    expect(example.json.dev.output).not.toHaveProperty("dataset_consumer_policies");
  });
});

describe("bad data options", () => {
  const problems = (change: (dev: any) => void) =>
    problemsOf((input) => change(input.accounts.dev));

  test("the same role granted the same bucket twice", () => {
    expect(
      problems((dev) => {
        dev.datasetAccess = [
          { principal: "flyte", bucket: "data", access: "read-only" },
          { principal: "flyte", bucket: "data", access: "read-write" },
        ];
      }),
    ).toEqual([
      "accounts.dev.datasetAccess[1]: grants flyte the data bucket again (see datasetAccess[0]); list all its prefixes in one entry",
    ]);
  });

  test("bucket options a deployment target does not have", () => {
    const input = exampleInput() as any;
    input.accounts.prod.buckets = { models: { transitions: false } };
    expect(() => parse(input)).toThrow(
      /accounts\.prod\.buckets: unknown key "models"; allowed keys: accessLogs/,
    );
  });

  test("a dataset grant on a bucket that does not exist", () => {
    expect(
      problems(
        (dev) => (dev.datasetAccess = [{ principal: "x", bucket: "mlflow", access: "read-only" }]),
      ),
    ).toEqual(['accounts.dev.datasetAccess[0].bucket: "mlflow" must be "data" or "models"']);
  });
});

describe("SecureBucket options", () => {
  const env = {
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
  };

  function newBucket(props: Record<string, unknown>): void {
    const stack = moduleTestStack();
    const key = new KmsKey(stack, "key", {
      alias: "alias/t",
      description: "t",
      administratorArns: ["arn:aws:iam::1:role/a"],
    });
    new SecureBucket(stack, "b", {
      bucketName: "t-b",
      encryption: { kmsKey: key },
      environment: env,
      accessLogs: { targetBucketName: "logs" },
      ...props,
    });
    Testing.synth(stack);
  }

  test("fails without a reason for S3-managed encryption", () => {
    expect(() => newBucket({ encryption: { s3ManagedReason: "because" } })).toThrow(
      "test/b: s3ManagedReason must say why (at least 10 characters)",
    );
  });

  test("fails without a reason for no access logs", () => {
    expect(() => newBucket({ accessLogs: { disabledReason: "no" } })).toThrow(
      "test/b: accessLogs.disabledReason must say why (at least 10 characters)",
    );
  });

  test("fails with an Object Lock retention out of range", () => {
    expect(() => newBucket({ objectLock: { retentionDays: 0 } })).toThrow(
      "test/b: objectLock.retentionDays is 0; must be a whole number from 1 to 36500",
    );
  });

  test("fails to grant a prefix that is not a folder", () => {
    const stack = moduleTestStack();
    const key = new KmsKey(stack, "key", {
      alias: "alias/t",
      description: "t",
      administratorArns: ["arn:aws:iam::1:role/a"],
    });
    const bucket = new SecureBucket(stack, "b", {
      bucketName: "t-b",
      encryption: { kmsKey: key },
      environment: env,
      accessLogs: { targetBucketName: "logs" },
    });
    const role = new ExistingRole(stack, "r", {
      roleName: "r",
      roleArn: "arn:aws:iam::111111111111:role/r",
      policyName: "p",
    });
    expect(() => bucket.grantRead(role, ["data"])).toThrow(
      'test/b: prefix "data" must be path segments each ending in "/", such as "datasets/"',
    );
  });
});
