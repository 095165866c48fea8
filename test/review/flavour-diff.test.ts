import { flavourDifferences } from "../../review/flavour-diff";

const stack = (framework: string, provider: { source: string; version: string }, bucket = "b") =>
  ({
    "//": { metadata: { version: framework, stackName: "dev" } },
    terraform: { required_providers: { aws: provider }, backend: { s3: { bucket: "state" } } },
    resource: { aws_s3_bucket: { data: { bucket } } },
  }) as never;

const cdktf = { source: "aws", version: "6.25.0" };
const cdktn = { source: "hashicorp/aws", version: "6.66.0" };

describe("flavour comparison", () => {
  test("the framework version and the provider pin may differ", () => {
    expect(
      flavourDifferences({ dev: stack("0.21.0", cdktf) }, { dev: stack("0.24.0", cdktn) }),
    ).toEqual([]);
  });

  test("any other difference is named with its path", () => {
    expect(
      flavourDifferences({ dev: stack("0.21.0", cdktf) }, { dev: stack("0.24.0", cdktn, "c") }),
    ).toEqual(['dev.resource.aws_s3_bucket.data.bucket: "b" vs "c"']);
    const renamed = stack("0.24.0", cdktn) as any;
    renamed.resource.aws_s3_bucket = { dataset: { bucket: "b" } };
    expect(flavourDifferences({ dev: stack("0.21.0", cdktf) }, { dev: renamed })).toEqual([
      "dev.resource.aws_s3_bucket.data: only in the first",
      "dev.resource.aws_s3_bucket.dataset: only in the second",
    ]);
  });

  test("a stack on one side only", () => {
    expect(flavourDifferences({ dev: stack("0.21.0", cdktf) }, {})).toEqual([
      "dev: stack only in the first output",
    ]);
  });
});
