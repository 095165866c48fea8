import {
  amazonLinuxAmiParameter,
  instanceArchitecture,
} from "../../../modules/mlflow/mlflow-server";
import { exampleInput, parse, synthPlatform } from "../../helpers";

describe("the MLflow server's AMI follows the instance type's architecture", () => {
  test.each([
    "t4g.medium",
    "m7g.large",
    "c7gn.xlarge",
    "r8gd.large",
    "im4gn.large",
    "is4gen.large",
    "x2gd.large",
    "g5g.xlarge",
    "a1.large",
    "m6gd.large",
  ])("%s is Graviton: arm64", (type) => expect(instanceArchitecture(type)).toBe("arm64"));
  test.each([
    "t3.medium",
    "m7i.large",
    "m7i-flex.large",
    "c6a.large",
    "g4dn.xlarge",
    "p5en.48xlarge",
    "inf2.xlarge",
    "trn1.2xlarge",
    "r7iz.large",
  ])("%s is x86_64", (type) => expect(instanceArchitecture(type)).toBe("x86_64"));

  test("the synthesized AMI parameter: arm64 for t4g, x86_64 for the default", () => {
    const ami = (instanceType?: string) => {
      const input = exampleInput() as any;
      input.accounts.dev.vpc.natGateways = "single";
      input.accounts.dev.mlflow = { mode: "ec2", server: instanceType ? { instanceType } : {} };
      const dev = synthPlatform(parse(input), ["dev"]).json.dev;
      return Object.values(dev.data!.aws_ssm_parameter).map((p: any) => p.name);
    };
    expect(ami("t4g.large")).toEqual([
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    ]);
    expect(ami()).toEqual([amazonLinuxAmiParameter("t3.medium")]);
    expect(amazonLinuxAmiParameter("t3.medium")).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
  });
});

describe("the MLflow database's backups", () => {
  test("the construct refuses fewer than 7 days even when a caller skips the config's check", () => {
    const build = (days: number) => {
      const input = exampleInput() as any;
      input.accounts.dev.vpc.natGateways = "single";
      input.accounts.dev.mlflow = { mode: "ec2" };
      const config = parse(input) as any;
      config.accounts.dev.mlflow.server.database.backupRetentionDays = days;
      return () => synthPlatform(config, ["dev"]);
    };
    expect(build(3)).toThrow("backupRetentionDays is 3; must be at least 7");
    expect(build(7)).not.toThrow();
  });
});
