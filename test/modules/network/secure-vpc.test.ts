import { SecureVpc, type SecureVpcProps } from "../../../modules/network/secure-vpc";
import { KmsKey } from "../../../modules/kms/kms-key";
import { TerraformVariable, Testing } from "../../../modules/core/cdktf";
import { moduleTestStack, resourcesOf } from "../../helpers";

describe("SecureVpc module", () => {
  function vpcIn(
    stack: ReturnType<typeof moduleTestStack>,
    network: SecureVpcProps["network"],
  ): void {
    const key = new KmsKey(stack, "key", {
      alias: "alias/t-logs",
      description: "t",
      administratorArns: ["arn:aws:iam::111111111111:role/x"],
    });
    new SecureVpc(stack, "vpc", {
      name: "t",
      network,
      environment: {
        accountId: "111111111111",
        region: "eu-west-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
      },
      interfaceEndpoints: [],
      s3Access: { ownBuckets: ["b"] },
      flowLogs: { logGroupName: "/t", roleName: "t-flow", key },
    });
  }

  test("carves subnets with cidrsubnet when the VPC block is a Terraform value", () => {
    const stack = moduleTestStack();
    vpcIn(stack, {
      cidr: new TerraformVariable(stack, "cidr", { type: "string" }).stringValue,
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      subnetNewBits: 4,
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values(resourcesOf(json, "aws_subnet")).map((s) => s.cidr_block)).toEqual([
      "${cidrsubnet(var.cidr, 4, 0)}",
      "${cidrsubnet(var.cidr, 4, 1)}",
    ]);
  });

  test("fails on a public VPC block", () => {
    expect(() =>
      vpcIn(moduleTestStack(), { cidr: "8.8.0.0/16", availabilityZones: 2, subnetNewBits: 3 }),
    ).toThrow('test/vpc: cidr "8.8.0.0/16" must be a private block inside 10.0.0.0/8');
  });
});
