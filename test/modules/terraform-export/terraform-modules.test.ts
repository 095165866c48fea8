import { exportAll, NAMES, type Exported, type Hcl } from "./exported";
import { parse as parseHcl } from "@cdktf/hcl2json";

import { layoutExpression, renderString, renderValue } from "../../../modules/terraform-export/hcl";

import {
  awsProviderConstraint,
  awsProviderVersion,
} from "../../../modules/terraform-export/render-module";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { TerraformVariable, Testing } from "../../../modules/core/cdktf";
import { renderPolicy } from "../../../modules/iam/iam-policy";
import { ModelHostingRoles } from "../../../modules/sagemaker/model-hosting-roles";
import { INTERFACE_ENDPOINT_IDS } from "../../../modules/network/vpc-endpoint-catalogue";
import { moduleTestStack } from "../../helpers";

const exported: Record<string, Exported> = {};

beforeAll(() => exportAll(exported), 60_000);

/** `var.x` names referenced in a text. */
function variableReferences(text: string): Set<string> {
  return new Set([...text.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((m) => m[1]));
}

/** Resource (`aws_x.name`) and data source (`data.aws_x.name`) addresses referenced in a text. */
function addressReferences(text: string): Set<string> {
  const data = [...text.matchAll(/\bdata\.(aws_[a-z0-9_]+)\.([a-z0-9_]+)/g)].map(
    (m) => `data.${m[1]}.${m[2]}`,
  );
  const withoutData = text.replace(/\bdata\.aws_[a-z0-9_]+\.[a-z0-9_]+/g, "");
  const resources = [...withoutData.matchAll(/(?<![\w."/-])(aws_[a-z0-9_]+)\.([a-z0-9_]+)/g)].map(
    (m) => `${m[1]}.${m[2]}`,
  );
  return new Set([...data, ...resources]);
}

/** Addresses a parsed main.tf declares. */
function declaredAddresses(main: Hcl): Set<string> {
  const out = new Set<string>();
  for (const [type, byName] of Object.entries((main.resource ?? {}) as Hcl)) {
    for (const name of Object.keys(byName)) out.add(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries((main.data ?? {}) as Hcl)) {
    for (const name of Object.keys(byName)) out.add(`data.${type}.${name}`);
  }
  return out;
}

describe("HCL rendering", () => {
  test("literal text is escaped; interpolations are copied as they are", () => {
    expect(renderString('say "hi"\\n')).toBe('"say \\"hi\\"\\\\n"');
    expect(renderString("line\nnext")).toBe('"line\\nnext"');
    expect(renderString('a-${jsonencode({"k" = "v"})}-b')).toBe('"a-${jsonencode({"k" = "v"})}-b"');
    // A literal "${" stays escaped as "$${" in both syntaxes.
    expect(renderString("cost $${x}")).toBe('"cost $${x}"');
  });

  test("a string that is one interpolation becomes the bare expression", () => {
    expect(renderString("${aws_s3_bucket.data.id}")).toBe("aws_s3_bucket.data.id");
    expect(renderString("${var.a}-${var.b}")).toBe('"${var.a}-${var.b}"');
  });

  test("long lists break one element per line; for expressions and short lists do not", () => {
    const long = `concat([${Array.from({ length: 12 }, (_, i) => `"item-${i}"`).join(", ")}], [])`;
    expect(layoutExpression(long)).toContain('"item-0",\n"item-1",');
    const forExpression = `alltrue([for v in var.a_very_long_variable_name_for_testing : can(regex("^[a-z]+$", v))])`;
    // The call may break; the for expression inside it stays whole (a trailing comma would end it).
    expect(layoutExpression(forExpression)).toContain(forExpression.slice(8, -1));
    expect(layoutExpression('["a", "b"]')).toBe('["a", "b"]');
  });

  test("a JSON policy string is written as jsonencode() of the same document", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "${var.arn}/*" }],
    });
    const hcl = renderValue(policy);
    expect(hcl.startsWith("jsonencode({")).toBe(true);
    const parsed = await parseHcl("t.tf", `x = ${hcl}\n`);
    expect(parsed.x).toContain('Resource = "${var.arn}/*"');
  });
});

describe("policies with inputs known only at plan time", () => {
  function policyOf(build: (stack: ReturnType<typeof moduleTestStack>) => string): string {
    const stack = moduleTestStack();
    new IamPolicy(stack, "p", { name: "p", policy: build(stack) });
    return JSON.parse(Testing.synth(stack)).resource.aws_iam_policy.p.policy;
  }
  const statement = (resource: string | string[]) => ({
    Sid: "Read",
    Effect: "Allow" as const,
    Action: "s3:GetObject",
    Resource: resource,
  });

  test("stay plain JSON when every list is known (the platform's stacks)", () => {
    const policy = policyOf((stack) => {
      const bucket = new TerraformVariable(stack, "bucket", { type: "string" });
      return renderPolicy([statement([`arn:aws:s3:::${bucket.stringValue}/*`])]);
    });
    expect(JSON.parse(policy).Statement[0].Resource).toEqual(["arn:aws:s3:::${var.bucket}/*"]);
  });

  test("render through jsonencode() when a list is a variable", () => {
    const policy = policyOf((stack) => {
      const arns = new TerraformVariable(stack, "arns", { type: "list(string)" });
      return renderPolicy([statement(arns.listValue)]);
    });
    expect(policy).toBe(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "Read", "Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = var.arns}]})}',
    );
  });

  test("keep a conditional statement in its place, as cond ? [statement] : []", () => {
    const policy = policyOf((stack) => {
      const on = new TerraformVariable(stack, "on", { type: "bool" });
      return renderPolicy([
        statement("a"),
        { statement: { ...statement("b"), Sid: "Maybe" }, when: on.booleanValue },
        { ...statement("c"), Sid: "After" },
      ]);
    });
    expect(policy).toMatch(
      /concat\(\[\{"Sid" = "Read".*\}\], var\.on \? \[\{"Sid" = "Maybe".*\}\] : \[\], \[\{"Sid" = "After"/,
    );
  });

  test("model roles need the data key by ARN or by alias", () => {
    const stack = moduleTestStack();
    const env = {
      accountId: "333333333333",
      region: "eu-west-1",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
    };
    expect(
      () =>
        new ModelHostingRoles(stack, "model", {
          environment: env,
          executionRoleName: "exec",
          deploymentRoleName: "deploy",
          externalId: "external",
          source: {
            accountId: "111111111111",
            deployerRoleArn: "arn:aws:iam::111111111111:role/deployer",
            modelBucketName: "models",
            modelArtifactsPrefix: "models/",
          },
          endpointKey: { keyArn: "arn:aws:kms:eu-west-1:333333333333:key/abc" },
          network: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
          resourceNamePrefix: "p",
        }),
    ).toThrow("test/model: source needs dataKeyArn or dataKeyAlias");
  });

  test("refuse two statements with one Sid, conditional or not", () => {
    expect(() => renderPolicy([statement("a"), { statement: statement("b"), when: true }])).toThrow(
      'policy has two statements with Sid "Read"',
    );
  });
});

describe.each(NAMES)("exported module %s", (name) => {
  const get = () => exported[name];

  test("has the standard files, each parsed back by HashiCorp's HCL parser", () => {
    expect(Object.keys(get().rendered.files).sort()).toEqual([
      "README.md",
      "examples/basic/main.tf",
      "main.tf",
      "moved.tf",
      "outputs.tf",
      "tests/module.tftest.hcl",
      "variables.tf",
      "versions.tf",
    ]);
    for (const [path, text] of Object.entries(get().rendered.files)) {
      expect([path, /TfToken|undefined|\[object Object\]/.test(text)]).toEqual([path, false]);
    }
    const parsed = get().parsed;
    expect(Object.keys(parsed).sort()).toEqual([
      "examples/basic/main.tf",
      "main.tf",
      "moved.tf",
      "outputs.tf",
      "tests/module.tftest.hcl",
      "variables.tf",
      "versions.tf",
    ]);
    expect(Object.keys(parsed["main.tf"].resource).length).toBeGreaterThan(0);
    expect(Object.keys(parsed["variables.tf"].variable).length).toBeGreaterThan(0);
  });

  test("declares no provider and no backend; versions.tf pins Terraform and the AWS provider", () => {
    const { parsed } = get();
    for (const path of ["main.tf", "variables.tf", "outputs.tf"]) {
      expect(parsed[path].provider).toBeUndefined();
      expect(parsed[path].terraform).toBeUndefined();
    }
    const terraform = parsed["versions.tf"].terraform[0];
    expect(terraform.backend).toBeUndefined();
    expect(terraform.required_version).toBe(">= 1.9.0");
    // A range: the oldest version the project is tested with, up to the next major version,
    // which holds the provider of the installed bindings (either flavour's).
    expect(terraform.required_providers[0].aws).toEqual({
      source: "hashicorp/aws",
      version: ">= 6.25.0, < 7.0.0",
    });
    expect(awsProviderConstraint()).toBe(">= 6.25.0, < 7.0.0");
    const [major, minor] = awsProviderVersion().split(".").map(Number);
    expect([major, minor >= 25]).toEqual([6, true]);
  });

  test("ships a terraform test suite: plans of the secure defaults and of refused inputs", () => {
    const suite = get().parsed["tests/module.tftest.hcl"];
    const runs = suite.run as Hcl;
    expect(Object.keys(runs).length).toBeGreaterThanOrEqual(2);
    for (const [, [run]] of Object.entries(runs) as [string, Hcl[]][]) {
      expect(run.command).toBe("${plan}");
      // Every run asserts something or expects a validation rule to refuse its input.
      expect((run.assert ?? []).length + (run.expect_failures ?? []).length).toBeGreaterThan(0);
    }
    // Each variable the failures name is one the module declares.
    const declared = Object.keys(get().parsed["variables.tf"].variable as Hcl);
    for (const [, [run]] of Object.entries(runs) as [string, Hcl[]][]) {
      for (const failure of [run.expect_failures ?? []].flat() as string[]) {
        expect(declared).toContain(String(failure).replace(/^\$\{var\.|\}$/g, ""));
      }
    }
  });

  test("takes tags and gives them to every resource that has tags, under its own", () => {
    const { parsed } = get();
    expect((parsed["variables.tf"].variable as Hcl).tags[0]).toMatchObject({
      type: "${map(string)}",
      default: {},
    });
    const resources = parsed["main.tf"].resource as Hcl;
    const tagged: string[] = [];
    for (const [type, byName] of Object.entries(resources)) {
      for (const [id, [body]] of Object.entries(byName as Record<string, Hcl[]>)) {
        if (body.tags === undefined) continue;
        tagged.push(`${type}.${id}`);
        expect([type, id, String(body.tags)]).toEqual([
          type,
          id,
          expect.stringMatching(/^\$\{(var\.tags|merge\(var\.tags, .+\))\}$/),
        ]);
      }
    }
    // The main resources all take them (and types without tags, such as aliases, do not).
    for (const type of [
      "aws_s3_bucket",
      "aws_kms_key",
      "aws_iam_role",
      "aws_vpc",
      "aws_sagemaker_domain",
    ]) {
      for (const id of Object.keys(resources[type] ?? {}))
        expect(tagged).toContain(`${type}.${id}`);
    }
    for (const id of Object.keys(resources.aws_kms_alias ?? {})) {
      expect(tagged).not.toContain(`aws_kms_alias.${id}`);
    }
  });

  test("every variable has a type and a description, is used, and every var. reference is declared", () => {
    const { parsed, rendered } = get();
    const declared = parsed["variables.tf"].variable as Hcl;
    for (const [variable, [body]] of Object.entries(declared) as [string, Hcl[]][]) {
      expect([variable, typeof body.type, (body.description ?? "").length > 10]).toEqual([
        variable,
        "string",
        true,
      ]);
      for (const rule of body.validation ?? []) {
        expect(rule.condition).toContain(`var.${variable}`);
        expect(rule.error_message).toMatch(/\.$/);
      }
    }
    const used = variableReferences(rendered.files["main.tf"] + rendered.files["outputs.tf"]);
    expect([...used].sort()).toEqual(Object.keys(declared).sort());
  });

  test("every resource and data source reference resolves to a block of the module", () => {
    const { parsed, rendered } = get();
    const declared = declaredAddresses(parsed["main.tf"]);
    const referenced = addressReferences(rendered.files["main.tf"] + rendered.files["outputs.tf"]);
    expect(referenced.size).toBeGreaterThan(0);
    for (const address of referenced)
      expect([address, declared.has(address)]).toEqual([address, true]);
  });

  test("every output has a description and a value", () => {
    const outputs = get().parsed["outputs.tf"].output as Hcl;
    expect(Object.keys(outputs).length).toBeGreaterThan(0);
    for (const [output, [body]] of Object.entries(outputs) as [string, Hcl[]][]) {
      expect([output, (body.description ?? "").length > 5, body.value !== undefined]).toEqual([
        output,
        true,
        true,
      ]);
    }
  });

  test("the README tables list every input and output; the example sets every required input", () => {
    const { parsed, rendered, definition } = get();
    const readme = rendered.files["README.md"];
    for (const variable of definition.variables) {
      expect(readme).toContain(`| ${variable.name} | `);
    }
    for (const output of Object.keys(parsed["outputs.tf"].output)) {
      expect(readme).toContain(`| ${output} | `);
    }
    expect(readme).toContain("?ref=<tag>");
    const call = Object.values(parsed["examples/basic/main.tf"].module as Hcl)[0][0] as Hcl;
    expect(call.source).toBe("../..");
    const declared = new Set(definition.variables.map((v) => v.name));
    for (const argument of Object.keys(call).filter((k) => k !== "source")) {
      expect([argument, declared.has(argument)]).toEqual([argument, true]);
    }
    for (const required of definition.variables.filter((v) => !("default" in v))) {
      expect([required.name, required.name in call]).toEqual([required.name, true]);
    }
  });

  test("resources that hold data are protected from destroy", () => {
    const resources = (get().parsed["main.tf"].resource ?? {}) as Hcl;
    for (const type of [
      "aws_kms_key",
      "aws_s3_bucket",
      "aws_sagemaker_domain",
      "aws_cloudwatch_log_group",
    ]) {
      for (const [resource, [body]] of Object.entries((resources[type] ?? {}) as Hcl) as [
        string,
        Hcl[],
      ][]) {
        expect([resource, body.lifecycle?.[0]?.prevent_destroy]).toEqual([resource, true]);
      }
    }
  });

  test("the example's literal inputs pass the module's own validation patterns", () => {
    const { definition } = get();
    for (const variable of definition.variables) {
      const example = definition.example[variable.name];
      if (example === undefined) continue;
      const values: unknown = JSON.parse(example);
      for (const rule of variable.validation ?? []) {
        const pattern = /^can\(regex\(("(?:[^"\\]|\\.)*"), var\.[a-z0-9_]+\)\)$/.exec(
          rule.condition,
        );
        const each =
          /^alltrue\(\[for v in var\.[a-z0-9_]+ : can\(regex\(("(?:[^"\\]|\\.)*"), v\)\)\]\)$/.exec(
            rule.condition,
          );
        const regex = pattern ?? each;
        if (regex === null) continue;
        const re = new RegExp(JSON.parse(regex[1]) as string);
        for (const value of Array.isArray(values) ? values : [values]) {
          expect([variable.name, value, re.test(String(value))]).toEqual([
            variable.name,
            value,
            true,
          ]);
        }
      }
    }
  });
});

describe("what the modules do", () => {
  const main = (name: string) => exported[name].rendered.files["main.tf"];
  const resource = (name: string, type: string, id: string): Hcl =>
    exported[name].parsed["main.tf"].resource[type][id][0];

  test("the VPC's third and fourth zones, NAT and internet egress exist only when the variables ask", () => {
    expect(resource("secure-vpc", "aws_subnet", "vpc_private_subnet_1").count).toBeUndefined();
    expect(resource("secure-vpc", "aws_subnet", "vpc_private_subnet_2").count).toBe(
      "${(var.availability_zone_count > 2) ? 1 : 0}",
    );
    expect(resource("secure-vpc", "aws_subnet", "vpc_private_subnet_3").count).toBe(
      "${(var.availability_zone_count > 3) ? 1 : 0}",
    );
    expect(resource("secure-vpc", "aws_internet_gateway", "this").count).toBe(
      '${(var.nat_gateways != "none") ? 1 : 0}',
    );
    expect(resource("secure-vpc", "aws_nat_gateway", "vpc_nat_gateway_1").count).toBe(
      '${(var.nat_gateways == "one-per-az") ? 1 : 0}',
    );
    expect(
      resource(
        "secure-vpc",
        "aws_vpc_security_group_egress_rule",
        "vpc_workload_egress_internet_https",
      ).count,
    ).toBe('${(var.nat_gateways != "none") ? 1 : 0}');
    // Public subnets follow the private ones, whatever the zone count.
    expect(resource("secure-vpc", "aws_subnet", "vpc_public_subnet_1").cidr_block).toBe(
      "${cidrsubnet(var.cidr, var.subnet_new_bits, (var.availability_zone_count + 1))}",
    );
    expect(main("secure-vpc")).toContain("map_public_ip_on_launch = false");
  });

  test("the VPC has one interface endpoint per catalogue entry, present when listed", () => {
    const endpoints = exported["secure-vpc"].parsed["main.tf"].resource.aws_vpc_endpoint as Hcl;
    for (const id of INTERFACE_ENDPOINT_IDS) {
      const [body] = endpoints[`vpc_endpoint_${id.replace(/\./g, "_")}`];
      expect(body.count).toBe(`\${contains(var.interface_endpoints, "${id}") ? 1 : 0}`);
      expect(body.private_dns_enabled).toBe(true);
    }
  });

  test("the key policy names the variables' principals and delegates nothing to the account root", () => {
    const policy = resource("kms-key", "aws_kms_key", "this").policy as string;
    expect(policy).toContain('"Principal" = { "AWS" = var.administrator_arns }');
    expect(policy).toContain('"Principal" = { "AWS" = var.user_arns }');
    expect(policy).toContain("var.allow_cloudwatch_logs ? [");
    expect(policy).not.toMatch(/:root/);
  });

  test("the bucket denies requests outside the VPC endpoint only when one is given", () => {
    const policy = resource("secure-bucket", "aws_s3_bucket_policy", "this").policy as string;
    expect(policy).toMatch(
      /\(var\.vpc_endpoint_id != null\) \? \[\s*\{\s*"Sid"\s*= "DenyOutsideTheVpcEndpoint"/,
    );
    expect(policy).toContain('"aws:PrincipalArn" = var.vpc_endpoint_exempt_role_arns');
    expect(policy).toMatch(/"Sid"\s*= "DenyInsecureTransport"/);
  });

  test("the MLflow role reads the database secret only when one is given", () => {
    expect(main("mlflow-server-role")).toMatch(
      /\(var\.database_secret_arn != null\) \? \[\s*\{\s*"Sid"\s*= "ReadTheDatabaseSecret"/,
    );
  });

  test("the deployment role trusts only the named deployer role, with the external id", () => {
    const trust = resource("model-hosting-roles", "aws_iam_role", "model_deployment_role")
      .assume_role_policy as string;
    expect(trust).toContain('"aws:PrincipalArn" = var.deployer_role_arn');
    expect(trust).toContain('"sts:ExternalId" = var.external_id');
    expect(trust).toContain(
      'AWS = "arn:${data.aws_partition.current_partition.partition}:iam::${var.source_account_id}:root"',
    );
    // The execution role is SageMaker's alone.
    const execution = resource("model-hosting-roles", "aws_iam_role", "model_execution_role")
      .assume_role_policy as string;
    expect(execution).not.toContain("aws:PrincipalArn");
    expect(execution).toContain('Service = "sagemaker.amazonaws.com"');
  });
});
