/**
 * SageMakerProjects on its own: the portfolio enabled, the launch role passing only the use role,
 * and the use role kept to the project resources and to the build duty.
 */
import {
  LAUNCH_ROLE_NAME,
  SageMakerProjects,
  USE_ROLE_NAME,
} from "../../../modules/sagemaker/projects";
import {
  moduleTestStack,
  policyOf,
  resourcesOf,
  statement,
  synthStack,
  TEST_ENV,
} from "../../helpers";

const ENV = TEST_ENV;
const STUDIO = "arn:aws:iam::111111111111:role/p-dev-studio-execution";
const USE_ROLE = `arn:aws:iam::111111111111:role/service-role/${USE_ROLE_NAME}`;

const stack = moduleTestStack();
new SageMakerProjects(stack, "projects", {
  environment: ENV,
  sageMakerRoleArns: [STUDIO],
  network: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
});
const json = synthStack(stack);
const policies = Object.values(resourcesOf(json, "aws_iam_policy"));
const policyNamed = (name: string) => policyOf(policies.find((p) => p.name === name)!);

describe("SageMakerProjects", () => {
  test("the Service Catalog portfolio is enabled; both roles under /service-role/ by SageMaker's names", () => {
    expect(
      Object.values(resourcesOf(json, "aws_sagemaker_servicecatalog_portfolio_status")),
    ).toEqual([{ status: "Enabled" }]);
    const roles = Object.values(resourcesOf(json, "aws_iam_role"));
    expect(roles.map((r) => [r.name, r.path]).sort()).toEqual(
      [
        [LAUNCH_ROLE_NAME, "/service-role/"],
        [USE_ROLE_NAME, "/service-role/"],
      ].sort(),
    );
  });

  test("the launch role passes the use role only, to the project services only", () => {
    expect(statement(policyNamed(`${LAUNCH_ROLE_NAME}-permissions`), "PassTheUseRole")).toEqual({
      Sid: "PassTheUseRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: USE_ROLE,
      Condition: {
        StringEquals: {
          "iam:PassedToService": [
            "codebuild.amazonaws.com",
            "codepipeline.amazonaws.com",
            "events.amazonaws.com",
            "sagemaker.amazonaws.com",
          ],
        },
      },
    });
  });

  test("the use role passes itself and the SageMaker roles to SageMaker only", () => {
    expect(statement(policyNamed(`${USE_ROLE_NAME}-permissions`), "PassSageMakerRoles")).toEqual({
      Sid: "PassSageMakerRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [USE_ROLE, STUDIO],
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    });
  });

  test("the use role carries the build duty's guardrails: VPC required, no approval, no other duty", () => {
    const sids = policyNamed(`${USE_ROLE_NAME}-guardrails`).Statement.map((s) => s.Sid);
    expect(sids).toEqual(
      expect.arrayContaining([
        "DenyWithoutVpcSubnets",
        "DenyOtherSubnets",
        "DenyVolumesWithoutKmsKey",
        "DenyRegisteringOtherThanPending",
        "DenyChangingModelApproval",
        "DenyPassingRolesOfOtherDuties",
        "DenyAssumingRoles",
      ]),
    );
  });

  test("project resources are SageMaker's by name: sagemaker-* and the SC-* stacks", () => {
    const launch = policyNamed(`${LAUNCH_ROLE_NAME}-permissions`);
    expect(statement(launch, "ProvisionTemplateStacks").Resource).toBe(
      "arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-*",
    );
    expect(statement(launch, "CreateProjectBuckets").Resource).toEqual([
      "arn:aws:s3:::sagemaker-project-*",
    ]);
  });
});
