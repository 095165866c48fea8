import { plainReferences, resolver, simulate } from "../../iam-simulate";
import { AccountNames, namingInput } from "../../../accounts/naming";
import {
  exampleInput,
  problemsOf,
  parse,
  resourcesOf,
  synthPlatform,
  synthWith,
} from "../../helpers";
import type { PolicyDocument } from "../../../modules/iam/iam-policy";

const example = synthPlatform().json;

describe("the approval cannot be forged by a copy, a tag or a grant", () => {
  const dev = example.dev;
  const names = new AccountNames(namingInput(parse(exampleInput()), "dev"));
  const resolve = resolver(dev, names);
  const bucketPolicy = (bucket: string): PolicyDocument => {
    const policy = Object.values(resourcesOf(dev, "aws_s3_bucket_policy")).find(
      (p) => resolve(p.bucket) === bucket,
    );
    return JSON.parse(resolve(policy.policy));
  };
  const bucket = (purpose: string) => `mlops-dev-${purpose}-111111111111-eu-west-1`;
  const allS3 = [{ Sid: "AnyS3", Effect: "Allow" as const, Action: "s3:*", Resource: "*" }];
  // From inside the VPC, through the platform's S3 endpoint (the buckets' network rule holds).
  const endpoint = Object.keys(resourcesOf(dev, "aws_vpc_endpoint")).find((k) =>
    resourcesOf(dev, "aws_vpc_endpoint")[k].service_name.endsWith(".s3"),
  )!;
  const inVpc = {
    "aws:SourceVpce": `aws_vpc_endpoint.${endpoint}.id`,
    "aws:SecureTransport": "true",
  };
  const request = (
    role: string,
    action: string,
    key: string,
    purpose: string,
    context: Record<string, string | string[]> = {},
  ) =>
    simulate(
      {
        principal: names.roleArn(role),
        action,
        resource: `arn:aws:s3:::${bucket(purpose)}/${key}`,
        context: { ...inVpc, ...context },
      },
      { identity: allS3, resource: plainReferences(bucketPolicy(bucket(purpose))) },
    );
  const copy = { "s3:x-amz-copy-source": `${bucket("data")}/staging/model.tar.gz` };
  const approvalTag = {
    "s3:RequestObjectTagKeys": ["model-approval"],
    "s3:RequestObjectTag/model-approval": "Approved",
  };
  const buildRoles = [
    "mlops-dev-studio-execution",
    "mlops-dev-team-admin-execution",
    "mlops-dev-pipeline-execution",
    "AmazonSageMakerServiceCatalogProductsUseRole",
    "mlops-dev-data-scientist",
    "mlops-dev-model-deployer",
  ];

  test.each(buildRoles)("%s cannot copy into the model artifacts prefix", async (role) => {
    expect(await request(role, "s3:PutObject", "models/churn/model.tar.gz", "models", copy)).toBe(
      "ExplicitlyDenied",
    );
  });
  test.each(buildRoles)(
    "%s cannot put the approval tag on an object of any platform bucket",
    async (role) => {
      for (const purpose of ["models", "data", "mlflow"]) {
        expect(await request(role, "s3:PutObjectTagging", "x/y", purpose, approvalTag)).toBe(
          "ExplicitlyDenied",
        );
        expect(await request(role, "s3:PutObject", "x/y", purpose, approvalTag)).toBe(
          "ExplicitlyDenied",
        );
      }
    },
  );
  test("training still writes artifacts (PutObject without a copy source or the tag)", async () => {
    expect(
      await request(
        "mlops-dev-pipeline-execution",
        "s3:PutObject",
        "models/churn/model.tar.gz",
        "models",
      ),
    ).toBe("Allowed");
  });
  test("the approver still promotes: tags Approved and may copy into the artifacts", async () => {
    expect(
      await request(
        "mlops-dev-model-approver",
        "s3:PutObjectTagging",
        "models/churn/model.tar.gz",
        "models",
        approvalTag,
      ),
    ).toBe("Allowed");
    expect(
      await request(
        "mlops-dev-model-approver",
        "s3:PutObject",
        "models/churn/model.tar.gz",
        "models",
        copy,
      ),
    ).toBe("Allowed");
  });
  test("a read-write consumer of another account: writes its own prefix, never a copy into the artifacts or the approval tag", async () => {
    const consumer = "arn:aws:iam::444455556666:role/argo-workers";
    const from = { vpcEndpointIds: ["vpce-0a1b2c3d4e5f60718"] };
    const json = synthWith((c) => {
      c.accounts.dev.datasetAccess = [
        { principal: consumer, bucket: "models", access: "read-write", prefixes: ["argo/"], from },
        { principal: consumer, bucket: "data", access: "read-write", prefixes: ["argo/"], from },
      ];
    });
    const consumerResolve = resolver(json.dev, names);
    const policyOfBucket = (b: string): PolicyDocument => {
      const policy = Object.values(resourcesOf(json.dev, "aws_s3_bucket_policy")).find(
        (p) => consumerResolve(p.bucket) === b,
      );
      return plainReferences(JSON.parse(consumerResolve(policy.policy)));
    };
    // The consumer's own account attaches whatever it likes: only the bucket policy stands between.
    const write = (action: string, purpose: string, key: string, context = {}) =>
      simulate(
        {
          principal: consumer,
          action,
          resource: `arn:aws:s3:::${bucket(purpose)}/${key}`,
          resourceAccount: "111111111111",
          context: {
            "aws:SecureTransport": "true",
            "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718",
            ...context,
          },
        },
        { identity: allS3, resource: policyOfBucket(bucket(purpose)) },
      );
    expect(await write("s3:PutObject", "models", "argo/run-1/model.tar.gz")).toBe("Allowed");
    // Tag an object approved in its own prefix of the data bucket, then copy it over an artifact.
    expect(await write("s3:PutObjectTagging", "data", "argo/model.tar.gz", approvalTag)).toBe(
      "ExplicitlyDenied",
    );
    expect(await write("s3:PutObject", "models", "argo/model.tar.gz", approvalTag)).toBe(
      "ExplicitlyDenied",
    );
    expect(await write("s3:PutObject", "models", "models/churn/model.tar.gz", copy)).toBe(
      "ExplicitlyDenied",
    );
    // Outside its grant the bucket policy allows it nothing (another account: no implicit allow).
    expect(await write("s3:PutObject", "models", "models/churn/model.tar.gz")).not.toBe("Allowed");
  });

  test("a read-write dataset grant overlapping the artifacts prefix is refused; elsewhere it is taken", () => {
    const grant = (prefixes?: string[]) =>
      problemsOf((c) => {
        c.accounts.dev.sagemaker.modelArtifactsPrefix = "artifacts/models/";
        c.accounts.dev.datasetAccess = [
          {
            principal: "argo",
            bucket: "models",
            access: "read-write",
            ...(prefixes ? { prefixes } : {}),
          },
        ];
      });
    expect(grant(["scratch/"])).toEqual([]);
    expect(grant(["artifacts/"])).toEqual([
      'accounts.dev.datasetAccess[0].prefixes[0]: "artifacts/" overlaps the model artifacts prefix "artifacts/models/" (sagemaker.modelArtifactsPrefix): only training and the approver write there; grant read-write elsewhere in the bucket, or read-only',
    ]);
    expect(grant(["artifacts/models/churn/"])).toHaveLength(1);
    expect(grant()).toEqual([
      'accounts.dev.datasetAccess[0].prefixes: are required for read-write access to the models bucket: the whole bucket includes the model artifacts prefix "artifacts/models/" (sagemaker.modelArtifactsPrefix), where only training and the approver write',
    ]);
  });
});
