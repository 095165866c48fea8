import { SagemakerDomain } from "@cdktf/provider-aws/lib/sagemaker-domain";
import { SagemakerUserProfile } from "@cdktf/provider-aws/lib/sagemaker-user-profile";
import { Construct } from "constructs";
import { STUDIO_USER_TAG } from "../iam/persona-trust";
import { AWS_LIMITS } from "../core/limits";

export interface StudioUserProfile {
  readonly name: string;
  readonly executionRoleArn: string;
  /** IAM Identity Center user name (SSO domains). */
  readonly ssoUserName?: string;
}

export interface StudioDomainProps {
  readonly domainName: string;
  /** @default "IAM" */
  readonly authMode?: "IAM" | "SSO";
  readonly vpcId: string;
  /** Private subnets only: the domain is VpcOnly. */
  readonly subnetIds: string[];
  /** The workload security group(s): the domain's and every app's. */
  readonly securityGroupIds: string[];
  /** Customer managed key of the home file system and app volumes. */
  readonly kmsKeyArn: string;
  /** Execution role of users without one of their own. */
  readonly defaultExecutionRoleArn: string;
  /** @default none */
  readonly userProfiles?: StudioUserProfile[];
  /**
   * JupyterLab and Code Editor apps of every profile: the lifecycle configuration they start
   * with, and Studio's built-in idle shutdown.
   * @default no set-up script; idle shutdown after 120 minutes
   */
  readonly apps?: StudioAppSettings;
}

/** What JupyterLab and Code Editor apps of the profiles run with. */
export interface StudioAppSettings {
  /** Lifecycle configurations each app type starts with (the default; users may pick none other). */
  readonly lifecycleConfigArns?: { readonly jupyterLab: string; readonly codeEditor: string };
  /**
   * Idle apps stop after this many minutes; users may choose from 60 up to it, never longer.
   * @default 120
   */
  readonly idleShutdownMinutes?: number;
}

/** The app settings of one app type: its start-up script and idle shutdown. */
function appSettings(lifecycleConfigArn: string | undefined, idleMinutes: number) {
  return {
    ...(lifecycleConfigArn === undefined
      ? {}
      : {
          lifecycleConfigArns: [lifecycleConfigArn],
          defaultResourceSpec: { lifecycleConfigArn },
        }),
    appLifecycleManagement: {
      idleSettings: {
        lifecycleManagement: "ENABLED",
        idleTimeoutInMinutes: idleMinutes,
        minIdleTimeoutInMinutes: AWS_LIMITS.sagemaker.idleTimeoutMinutes.min,
        maxIdleTimeoutInMinutes: idleMinutes,
      },
    },
  };
}

/**
 * A SageMaker Studio domain that reaches nothing but the VPC (`VpcOnly`), encrypts its home file
 * system and volumes with a customer managed key, keeps the home file system when the domain is
 * deleted, disables notebook output sharing, and is protected from destroy; plus its user
 * profiles with the same network settings, each tagged `studio-user = <profile name>` so a
 * person's session opens only its own profile.
 *
 * Day two on the pinned provider (hashicorp/aws 6.25): any UpdateDomain of a VpcOnly domain fails
 * there (terraform-provider-aws#45528: the update sends no VpcId/SubnetIds), so the domain holds
 * only what never changes after creation (network, key, the default persona role, sharing off);
 * everything that changes with config lives in the user profiles (their own resources, updated
 * with UpdateUserProfile), and a test checks that config changes leave the domain untouched.
 */
export class StudioDomain extends Construct {
  readonly domain: SagemakerDomain;
  readonly domainId: string;
  readonly userProfiles: Record<string, SagemakerUserProfile> = {};

  constructor(scope: Construct, id: string, props: StudioDomainProps) {
    super(scope, id);
    const sharingSettings = { notebookOutputOption: "Disabled" };
    this.domain = new SagemakerDomain(this, "domain", {
      domainName: props.domainName,
      authMode: props.authMode ?? "IAM",
      appNetworkAccessType: "VpcOnly",
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      kmsKeyId: props.kmsKeyArn,
      domainSettings: { securityGroupIds: props.securityGroupIds },
      defaultUserSettings: {
        executionRole: props.defaultExecutionRoleArn,
        securityGroups: props.securityGroupIds,
        sharingSettings,
      },
      retentionPolicy: { homeEfsFileSystem: "Retain" },
      lifecycle: {
        preventDestroy: true,
        // Studio's subnets are fixed when the domain is created: the provider replaces the domain
        // for any change (hashicorp/terraform-provider-aws#48778), which prevent_destroy turns
        // into a failed plan, and updating a VpcOnly domain without them fails on the pinned
        // provider (#45528). A zone added to the VPC later serves the other workloads; Studio
        // stays in its zones (docs/architecture.md says how to move it).
        ignoreChanges: ["subnet_ids"],
      },
    });
    this.domainId = this.domain.id;

    const idle = props.apps?.idleShutdownMinutes ?? 120;
    const range = AWS_LIMITS.sagemaker.idleTimeoutMinutes;
    if (!Number.isInteger(idle) || idle < range.min || idle > range.max) {
      throw new Error(
        `${this.node.path}: idleShutdownMinutes is ${idle}; SageMaker takes whole minutes from ${range.min} to ${range.max}`,
      );
    }
    const lifecycle = props.apps?.lifecycleConfigArns;
    for (const profile of props.userProfiles ?? []) {
      this.userProfiles[profile.name] = new SagemakerUserProfile(this, `user-${profile.name}`, {
        domainId: this.domain.id,
        userProfileName: profile.name,
        // The persona policies open a profile only for the session whose tag matches.
        tags: { [STUDIO_USER_TAG]: profile.name },
        singleSignOnUserIdentifier: profile.ssoUserName === undefined ? undefined : "UserName",
        singleSignOnUserValue: profile.ssoUserName,
        userSettings: {
          executionRole: profile.executionRoleArn,
          securityGroups: props.securityGroupIds,
          sharingSettings,
          jupyterLabAppSettings: appSettings(lifecycle?.jupyterLab, idle),
          codeEditorAppSettings: appSettings(lifecycle?.codeEditor, idle),
        },
      });
    }
  }
}
