import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  bucketByName,
  FIXTURES,
  keyByAlias,
  parse,
  resourcesOf,
  statement,
  synthPlatform,
  synthWith,
} from "../../helpers";
import type { PolicyDocument } from "../../../modules/iam/iam-policy";
import { decide } from "../../iam-simulate";

const example = synthPlatform();
const full = (() => {
  const raw = parseYaml(readFileSync(join(FIXTURES, "configs/good/full.yaml"), "utf8"));
  return synthPlatform(parse(raw)).json;
})();

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
