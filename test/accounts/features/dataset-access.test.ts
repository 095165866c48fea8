import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  bucketByName,
  exampleInput,
  expectedGrant,
  FIXTURES,
  keyByAlias,
  parse,
  policyOf,
  problemsOf,
  resourcesOf,
  statement,
  synthPlatform,
} from "../../helpers";
import { decide } from "../../iam-simulate";

const example = synthPlatform();
const full = (() => {
  const raw = parseYaml(readFileSync(join(FIXTURES, "configs/good/full.yaml"), "utf8"));
  return synthPlatform(parse(raw)).json;
})();

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
