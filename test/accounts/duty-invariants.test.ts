/**
 * Separation of duties, as an invariant over every good fixture: no build-duty principal (Studio
 * execution roles, per-user roles, the pipeline role, the projects' use role, the data scientist
 * and team admin personas, the MLflow roles) can approve a model version, forge an artifact's
 * approval, pass or become the deployer, or reach a target account's deployment role. Every
 * decision is simulated with @cloud-copilot/iam-simulate over the synthesized policies (the role's
 * own, and the resource's: trust, bucket policy).
 */
import { AccountNames, namingInput } from "../../accounts/naming";
import type { PolicyDocument, PolicyStatement } from "../../modules/iam/iam-policy";
import { allPoliciesOf, goodConfigs, synthPlatform, type StackJson } from "../helpers";
import { plainReferences, resolver, simulate } from "../iam-simulate";

const configs = goodConfigs();

function rolesOf(stack: StackJson): Set<string> {
  return new Set(Object.values(stack.resource?.aws_iam_role ?? {}).map((r: any) => r.name));
}

describe.each(configs)("%s: no build duty reaches approval or a target", (_, load) => {
  test("every build role, every escalation", async () => {
    const config = load();
    const { json } = synthPlatform(config);
    const found: string[] = [];
    let checked = 0;
    for (const [accountName, account] of Object.entries(config.accounts)) {
      if (account.type !== "data-science") continue;
      const names = new AccountNames(namingInput(config, accountName));
      const dev = json[accountName];
      const resolve = resolver(dev, names);
      const prepare = <T>(value: T): T =>
        plainReferences(JSON.parse(resolve(JSON.stringify(value))));
      const present = rolesOf(dev);
      const profiles = account.sagemaker.domains.flatMap((d) => d.userProfiles);
      const buildRoles = [
        names.studioExecutionRoleName,
        names.teamAdminExecutionRoleName,
        names.pipelineExecutionRoleName,
        ...profiles
          .filter((p) => p.dedicatedExecutionRole)
          .map((p) => names.userExecutionRoleName(p.name)),
        names.personaRoleName("dataScientist"),
        names.personaRoleName("teamAdmin"),
        "AmazonSageMakerServiceCatalogProductsUseRole",
        names.mlflowServerRoleName,
        names.mlflowTrackingRoleName,
      ].filter((r) => present.has(r));
      const deployer = names.modelDeployerRoleName;
      const trustOf = (stack: StackJson, role: string): PolicyDocument | undefined => {
        const r = Object.values(stack.resource?.aws_iam_role ?? {}).find(
          (x: any) => x.name === role,
        ) as any;
        return r === undefined ? undefined : prepare(JSON.parse(r.assume_role_policy));
      };
      const targets = Object.entries(config.accounts).filter(
        ([, a]) => a.type === "deployment-target" && a.dataScienceAccount === accountName,
      );
      const modelBucket = names.modelBucketName;
      const bucketPolicy = Object.values(dev.resource?.aws_s3_bucket_policy ?? {}).find(
        (p: any) => resolve(p.bucket) === modelBucket,
      ) as any;
      for (const role of buildRoles) {
        const identity = prepare(allPoliciesOf(dev, role)) as PolicyStatement[];
        const principal = names.roleArn(role);
        const attempt = async (
          what: string,
          action: string,
          resource: string,
          policies: {
            resource?: PolicyDocument;
            account?: string;
            context?: Record<string, string | string[]>;
          } = {},
        ) => {
          checked++;
          const decision = await simulate(
            {
              principal,
              action,
              resource,
              resourceAccount: policies.account,
              context: policies.context,
            },
            { identity, resource: policies.resource },
          );
          if (decision === "Allowed") found.push(`${role} can ${what}`);
        };
        const packageArn = `arn:${names.partition}:sagemaker:${names.region}:${names.accountId}:model-package/churn/1`;
        await attempt("approve a model version", "sagemaker:UpdateModelPackage", packageArn, {
          context: { "sagemaker:ModelApprovalStatus": "Approved" },
        });
        await attempt(
          "register a version as approved",
          "sagemaker:CreateModelPackage",
          packageArn,
          {
            context: { "sagemaker:ModelApprovalStatus": "Approved" },
          },
        );
        if (present.has(deployer)) {
          await attempt("assume the model deployer", "sts:AssumeRole", names.roleArn(deployer), {
            resource: trustOf(dev, deployer),
          });
          await attempt("pass the model deployer", "iam:PassRole", names.roleArn(deployer), {
            context: { "iam:PassedToService": "sagemaker.amazonaws.com" },
          });
        }
        if (bucketPolicy !== undefined)
          await attempt(
            "tag a model artifact approved",
            "s3:PutObjectTagging",
            `arn:${names.partition}:s3:::${modelBucket}/${account.sagemaker.modelArtifactsPrefix}churn/model.tar.gz`,
            {
              resource: prepare(JSON.parse(bucketPolicy.policy)),
              context: {
                "s3:RequestObjectTagKeys": ["model-approval"],
                "s3:RequestObjectTag/model-approval": "Approved",
                "aws:SecureTransport": "true",
              },
            },
          );
        for (const [targetName, target] of targets) {
          const targetNames = new AccountNames(namingInput(config, targetName));
          const deployment = targetNames.modelDeploymentRoleName;
          await attempt(
            `assume ${targetName}'s deployment role`,
            "sts:AssumeRole",
            targetNames.roleArn(deployment),
            { resource: trustOf(json[targetName], deployment), account: target.accountId },
          );
        }
      }
    }
    expect(found).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
