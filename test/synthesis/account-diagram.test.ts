import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { accountDiagram } from "../../synthesis/account-diagram";
import { FIXTURES, goodFixture, parse, REPO_ROOT, synthPlatform } from "../helpers";

const example = synthPlatform().json;

/** The flowchart's lines, without the Markdown around it. */
function chart(id: string, json = example): string[] {
  const page = accountDiagram(id, json[id]);
  const lines = page.split("\n");
  return lines.slice(lines.indexOf("```mermaid") + 1, lines.lastIndexOf("```"));
}

/** The label of the node with this id. */
function labelOf(lines: string[], id: string): string | undefined {
  for (const line of lines) {
    const match = new RegExp(`^\\s*${id}[\\[({>]+"([^"]*)"`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** Edges as `from label -> relation -> to label`. */
function edges(lines: string[]): string[] {
  return lines
    .map((l) => /^\s*(n\d+) -->\|([^|]+)\| (n\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${labelOf(lines, m[1])} -${m[2]}-> ${labelOf(lines, m[3])}`);
}

describe("the picture of an account", () => {
  test("the VPC with its subnets per zone and its endpoints", () => {
    const lines = chart("prod");
    expect(lines[0]).toBe("flowchart LR");
    expect(lines.slice(1, 12)).toEqual([
      '  subgraph n1["VPC 10.30.0.0/16"]',
      '    subgraph n2["AZ 1"]',
      '      n3["private 10.30.0.0/19"]',
      "    end",
      '    subgraph n4["AZ 2"]',
      '      n5["private 10.30.32.0/19"]',
      "    end",
      '    subgraph n6["AZ 3"]',
      '      n7["private 10.30.64.0/19"]',
      "    end",
      '    n8["endpoints: hosting: ecr.api, ecr.dkr, kms, logs, monitoring, sagemaker.api, sagemaker.runtime, sts; s3 (gateway)"]',
    ]);
  });

  test("an existing VPC is drawn by its id, with the endpoints the platform adds", () => {
    const existing = synthPlatform(
      parse(parseYaml(readFileSync(join(FIXTURES, "configs/good/existing-vpc.yaml"), "utf8"))),
      ["staging"],
    ).json;
    expect(chart("staging", existing).slice(1, 4)).toEqual([
      '  subgraph n1["existing VPC vpc-0abc12345def67890"]',
      '    n2["endpoints: hosting: logs, sagemaker.api, sagemaker.runtime, sts; s3 (gateway)"]',
      "  end",
    ]);
  });

  test("buckets with the key that encrypts each, Studio and the role it runs as", () => {
    const e = edges(chart("dev"));
    expect(e).toEqual(
      expect.arrayContaining([
        "mlops-dev-data-111111111111-eu-west-1 -encrypted by-> key alias/mlops-dev-data",
        "mlops-dev-models-111111111111-eu-west-1 -encrypted by-> key alias/mlops-dev-data",
        "mlops-dev-mlflow-111111111111-eu-west-1 -encrypted by-> key alias/mlops-dev-data",
        "Studio mlops-dev (IAM, VpcOnly, 2 user profiles) -runs as-> mlops-dev-studio-execution",
      ]),
    );
  });

  test("who may assume each role, other accounts named", () => {
    expect(edges(chart("prod"))).toEqual([
      "mlops-prod-audit-logs-333333333333-eu-west-1 -encrypted by-> key alias/mlops-prod-audit",
      "2 log groups -encrypted by-> key alias/mlops-prod-logs",
      "service cloudtrail.amazonaws.com -assumes-> mlops-prod-audit-trail-logs",
      "role mlops-dev-model-deployer (account 111111111111) -assumes-> mlops-prod-model-deployment",
      "service sagemaker.amazonaws.com -assumes-> mlops-prod-model-execution",
      "service vpc-flow-logs.amazonaws.com -assumes-> mlops-prod-vpc-flow-logs",
      "service events.amazonaws.com -assumes-> mlops-prod-alert-forwarder",
    ]);
    expect(edges(chart("dev-bootstrap"))).toEqual([
      "mlops-dev-tfstate-111111111111-eu-west-1 -encrypted by-> key alias/mlops-dev-tfstate",
      "token.actions.githubusercontent.com (repo:example-org/mlops-platform:environment:dev:ref:refs/heads/main) -assumes-> mlops-dev-ci-apply",
      "token.actions.githubusercontent.com (repo:example-org/mlops-platform:pull_request, repo:example-org/mlops-platform:pull_request:ref:refs/pull/*/merge) -assumes-> mlops-dev-ci-plan",
      "mlops-dev-ci-plan -assumes-> mlops-dev-ci-plan",
    ]);
  });

  test("what runs as which role, where MLflow keeps its data, and other accounts' reads", () => {
    const full = synthPlatform(
      parse(parseYaml(readFileSync(join(FIXTURES, "configs/good/full.yaml"), "utf8"))),
    ).json;
    const dev = edges(chart("dev", full));
    expect(dev).toEqual(
      expect.arrayContaining([
        "MLflow server (EC2, TLS) -runs as-> acme-ml-dev-mlflow-server",
        "MLflow server (EC2, TLS) -backend store-> PostgreSQL acme-ml-dev-mlflow",
        "PostgreSQL acme-ml-dev-mlflow -encrypted by-> key alias/acme-ml-dev-mlflow",
        "Studio acme-ml-dev (SSO, VpcOnly, 2 user profiles) -encrypted by-> key alias/acme-ml-dev-studio",
        "role flyte-production-workers (account 444455556666) -reads-> acme-ml-dev-data-111111111111-eu-central-1",
        "role acme-ml-staging-model-execution (account 222222222222) -reads-> acme-ml-dev-models-111111111111-eu-central-1",
      ]),
    );
    // Principals of its own account that a bucket policy names are not drawn as readers.
    expect(
      dev.filter(
        (e) => / -(reads|writes|reads and writes)-> /.test(e) && !/account \d{12}/.test(e),
      ),
    ).toEqual([]);
    const managed = edges(chart("dev", synthPlatform(goodFixture("managed-mlflow.yaml")).json));
    expect(managed).toEqual(
      expect.arrayContaining([
        "MLflow lab-dev (managed) -runs as-> lab-dev-mlflow-tracking",
        "MLflow lab-dev (managed) -artifacts in-> lab-dev-mlflow-123456789012-eu-west-1",
      ]),
    );
  });

  test("an account trusted only with MFA says so; without the condition it does not", () => {
    const trusting = (condition?: object) => {
      const json = structuredClone(example);
      const role = Object.values(json.prod.resource!.aws_iam_role).find((r: any) =>
        String(r.name).endsWith("-model-deployment"),
      ) as any;
      role.assume_role_policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:root" },
            Action: "sts:AssumeRole",
            ...(condition ? { Condition: condition } : {}),
          },
        ],
      });
      return edges(chart("prod", json)).filter((e) => e.includes("444455556666"));
    };
    expect(trusting({ Bool: { "aws:MultiFactorAuthPresent": "true" } })).toEqual([
      "account 444455556666 with MFA -assumes-> mlops-prod-model-deployment",
    ]);
    expect(trusting()).toEqual(["account 444455556666 -assumes-> mlops-prod-model-deployment"]);
  });

  test("every node is declared once and every edge joins declared nodes", () => {
    const full = synthPlatform(
      parse(parseYaml(readFileSync(join(FIXTURES, "configs/good/full.yaml"), "utf8"))),
    ).json;
    for (const id of Object.keys(full)) {
      const lines = chart(id, full);
      const declared = lines
        .map((l) => /^\s*(?:subgraph )?(n\d+)[[({>]/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined);
      expect(new Set(declared).size).toBe(declared.length);
      for (const line of lines.filter((l) => l.includes("-->"))) {
        const [, from, to] = /^\s*(n\d+) -->\|[^|]+\| (n\d+)$/.exec(line)!;
        expect(declared).toEqual(expect.arrayContaining([from, to]));
      }
      // No raw Terraform references or unescaped quotes in labels.
      expect(lines.join("\n")).not.toMatch(/\$\{/);
    }
  });

  test("the README shows the example's data science account as the synthesis draws it", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).toContain(["```mermaid", ...chart("dev"), "```"].join("\n"));
  });
});
