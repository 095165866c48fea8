/**
 * StudioDomain on its own: VpcOnly, the key, the home file system kept, sharing off, protected;
 * its profiles with the network settings, the studio-user tag, idle shutdown and the apps' set-up;
 * the idle range refused on both sides.
 */
import { STUDIO_USER_TAG } from "../../../modules/iam/persona-trust";
import { StudioDomain, type StudioDomainProps } from "../../../modules/sagemaker/studio-domain";
import {
  moduleTestStack,
  onlyResource,
  resourcesOf,
  synthStack,
  type StackJson,
} from "../../helpers";

const ROLE = "arn:aws:iam::111111111111:role/p-dev-studio-execution";

function synthDomain(props: Partial<StudioDomainProps> = {}): StackJson {
  const stack = moduleTestStack();
  new StudioDomain(stack, "studio", {
    domainName: "p-dev",
    vpcId: "vpc-1",
    subnetIds: ["subnet-1", "subnet-2"],
    securityGroupIds: ["sg-1"],
    kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
    defaultExecutionRoleArn: ROLE,
    userProfiles: [{ name: "alice", executionRoleArn: ROLE }],
    ...props,
  });
  return synthStack(stack);
}

describe("StudioDomain", () => {
  const json = synthDomain({
    apps: {
      lifecycleConfigArns: { jupyterLab: "arn:lcc:jl", codeEditor: "arn:lcc:ce" },
      idleShutdownMinutes: 90,
    },
  });

  test("the domain: VpcOnly, the key, the home file system retained, sharing off, protected", () => {
    expect(onlyResource(json, "aws_sagemaker_domain")).toMatchObject({
      domain_name: "p-dev",
      auth_mode: "IAM",
      app_network_access_type: "VpcOnly",
      vpc_id: "vpc-1",
      subnet_ids: ["subnet-1", "subnet-2"],
      kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/k",
      domain_settings: { security_group_ids: ["sg-1"] },
      default_user_settings: {
        execution_role: ROLE,
        security_groups: ["sg-1"],
        sharing_settings: { notebook_output_option: "Disabled" },
      },
      retention_policy: { home_efs_file_system: "Retain" },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("a profile: tagged with its own name, the network and sharing settings, idle shutdown, the set-up", () => {
    const profile = onlyResource(json, "aws_sagemaker_user_profile");
    expect(profile.tags).toEqual({ [STUDIO_USER_TAG]: "alice" });
    expect(profile.user_profile_name).toBe("alice");
    expect(profile.single_sign_on_user_value).toBeUndefined();
    const settings = profile.user_settings;
    expect(settings).toMatchObject({
      execution_role: ROLE,
      security_groups: ["sg-1"],
      sharing_settings: { notebook_output_option: "Disabled" },
    });
    expect(settings.jupyter_lab_app_settings).toEqual({
      lifecycle_config_arns: ["arn:lcc:jl"],
      default_resource_spec: { lifecycle_config_arn: "arn:lcc:jl" },
      app_lifecycle_management: {
        idle_settings: {
          lifecycle_management: "ENABLED",
          idle_timeout_in_minutes: 90,
          min_idle_timeout_in_minutes: 60,
          max_idle_timeout_in_minutes: 90,
        },
      },
    });
    expect(settings.code_editor_app_settings.lifecycle_config_arns).toEqual(["arn:lcc:ce"]);
  });

  test("an SSO profile names its Identity Center user", () => {
    const profile = onlyResource(
      synthDomain({
        authMode: "SSO",
        userProfiles: [{ name: "bob", executionRoleArn: ROLE, ssoUserName: "bob@example.com" }],
      }),
      "aws_sagemaker_user_profile",
    );
    expect(profile).toMatchObject({
      single_sign_on_user_identifier: "UserName",
      single_sign_on_user_value: "bob@example.com",
    });
  });

  test("idle shutdown: SageMaker's whole minutes from 60 to 525600, both sides", () => {
    const idle = (minutes: number) => () => synthDomain({ apps: { idleShutdownMinutes: minutes } });
    expect(idle(60)).not.toThrow();
    expect(idle(525600)).not.toThrow();
    expect(idle(59)).toThrow(
      "test/studio: idleShutdownMinutes is 59; SageMaker takes whole minutes from 60 to 525600",
    );
    expect(idle(525601)).toThrow("idleShutdownMinutes is 525601");
    expect(idle(90.5)).toThrow("idleShutdownMinutes is 90.5");
    expect(resourcesOf(synthDomain({ userProfiles: [] }), "aws_sagemaker_user_profile")).toEqual(
      {},
    );
  });
});
