import { BUCKET_KINDS, BUCKETS, type BucketSpec } from "../buckets";
import { viaService } from "../../modules/core/aws-environment";
import { IamRole, type Grantee, type PolicySlot } from "../../modules/iam/iam-role";
import type { PolicyStatement } from "../../modules/iam/iam-policy";
import { KMS_ENCRYPT_DECRYPT_ACTIONS } from "../../modules/kms/kms-key";
import { ModelRegistry } from "../../modules/sagemaker/model-registry";
import { personaTrust, type Persona } from "../../modules/iam/persona-trust";
import { perPersona, PERSONA_IDS, PERSONAS, type PersonaSpec } from "../../modules/iam/personas";
import {
  denyLeavingTheBuildDuty,
  denyModelApproval,
  sageMakerGuardrails,
} from "../../modules/sagemaker/guardrails";
import {
  administerDomain,
  approveModelVersions,
  manageUserProfiles,
  openStudio,
  passSageMakerRoles,
  readTheRegistry,
  sageMakerRuntimeStatements,
  sageMakerServiceTrust,
  sageMakerWorkStatements,
  studioAppStatements,
} from "../../modules/sagemaker/permissions";
import { SageMakerProjects } from "../../modules/sagemaker/projects";
import { tagModelArtifacts } from "../../modules/sagemaker/promotion";
import { StudioDomain } from "../../modules/sagemaker/studio-domain";
import { StudioLifecycleConfigs } from "../../modules/sagemaker/studio-app-setup";
import type { PackageRepository } from "../../modules/packages/package-repository";
import { mlflowClientSettings } from "./mlflow-clients";
import type { DataScienceData } from "./data";
import type { AccountNetwork } from "./network";
import { deploymentTargetsOf, targetRoles } from "./cross-account";
import type { DataScienceStack } from "../stacks/platform-stack";

export interface DataScienceStudio {
  readonly studioExecutionRole: IamRole;
  readonly teamAdminExecutionRole: IamRole;
  readonly pipelineExecutionRole: IamRole;
  readonly userExecutionRoles: Record<string, IamRole>;
  readonly personaRoles: Record<Persona, IamRole>;
  readonly domain?: StudioDomain;
  readonly registry: ModelRegistry;
  readonly projects?: SageMakerProjects;
}

const GUARDRAILS_POLICY = "guardrails";

/**
 * SageMaker in the data science account: execution roles (Studio for data scientists, Studio
 * for team administrators, pipelines, and dedicated per-user ones), persona roles, preventive
 * guardrails on all of them, the VpcOnly Studio domain and its profiles, the model registry and
 * SageMaker projects.
 */
export function addStudio(
  stack: DataScienceStack,
  network: AccountNetwork,
  data: DataScienceData,
  packages?: PackageRepository,
): DataScienceStudio {
  const names = stack.names;
  const env = names.environment;
  const config = stack.account.sagemaker;
  const domainConfig = config.domains[0];
  const subnetIds = network.vpc.privateSubnetIds;
  const securityGroupIds = [network.vpc.workloadSecurityGroup.id];
  const guardrails = sageMakerGuardrails({ subnetIds, securityGroupIds });

  const {
    studioExecutionRole,
    teamAdminExecutionRole,
    pipelineExecutionRole,
    userExecutionRoles,
    studioUsers,
    sageMakerRoleArns,
    executionRoles,
  } = addExecutionRoles(stack, domainConfig);
  // What no build-duty role may do, whatever else it is given.
  const buildDutyLimits = [...denyModelApproval(), ...denyLeavingTheBuildDuty(sageMakerRoleArns)];

  const domain =
    domainConfig === undefined
      ? undefined
      : addStudioDomain(stack, network, data, packages, {
          studioExecutionRole,
          teamAdminExecutionRole,
          userExecutionRoles,
        });

  // The buckets: each shared role by its ARN, the per-user roles together by their pattern (each
  // user role gets the identity statements; the key policies name the pattern once).
  const grantees: { grantee: Grantee; roles: IamRole[] }[] = [
    ...[studioExecutionRole, teamAdminExecutionRole, pipelineExecutionRole].map((role) => ({
      grantee: role,
      roles: [role],
    })),
    ...(studioUsers ? [{ grantee: studioUsers, roles: Object.values(userExecutionRoles) }] : []),
  ];
  for (const { grantee, roles } of grantees) {
    for (const kind of BUCKET_KINDS) {
      const spec: BucketSpec = BUCKETS[kind];
      if (!spec.sageMakerReadWrite) continue;
      data.buckets[kind].grantReadWrite(
        spec.grantPolicy === undefined ? grantee : grantingInto(grantee, roles, spec.grantPolicy),
      );
    }
  }
  addExecutionRolePolicies(stack, data, executionRoles, {
    guardrails: [...guardrails, ...buildDutyLimits],
    domain,
    network: { subnetIds, securityGroupIds },
  });
  grantKeysToSageMaker(
    stack,
    data,
    grantees.map((g) => g.grantee.principalArn),
  );

  const personaRoles = addPersonaRoles(stack, data, {
    guardrails,
    buildDutyLimits,
    domain,
    sageMakerRoleArns,
  });

  const registry = new ModelRegistry(stack, "model-registry", {
    environment: env,
    groupNames: config.modelPackageGroups,
    // The targets' roles create models from approved versions: both may read the registry.
    readers: registryReaders(stack),
  });

  const projects = config.projects
    ? new SageMakerProjects(stack, "sagemaker-projects", {
        environment: env,
        sageMakerRoleArns,
        network: { subnetIds, securityGroupIds },
      })
    : undefined;

  addStudioOutputs(stack, {
    studioExecutionRole,
    teamAdminExecutionRole,
    pipelineExecutionRole,
    personaRoles,
    domain,
  });

  return {
    studioExecutionRole,
    teamAdminExecutionRole,
    pipelineExecutionRole,
    userExecutionRoles,
    personaRoles,
    domain,
    registry,
    projects,
  };
}

/** The same grantee, its grants written into the named managed policy of each of its roles. */
function grantingInto(grantee: Grantee, roles: IamRole[], policyName: PolicySlot): Grantee {
  return {
    principalArn: grantee.principalArn,
    grantLabel: grantee.grantLabel,
    namedByCondition: grantee.namedByCondition,
    addToPrincipalPolicy: (statement) => roles.forEach((r) => r.addToPolicy(statement, policyName)),
  };
}

/** The execution roles, what SageMaker may be handed, and what each role may hand it. */
interface ExecutionRoles {
  readonly studioExecutionRole: IamRole;
  readonly teamAdminExecutionRole: IamRole;
  readonly pipelineExecutionRole: IamRole;
  readonly userExecutionRoles: Record<string, IamRole>;
  /** The dedicated per-user roles together, by the pattern of their names; none without any. */
  readonly studioUsers?: Grantee;
  /** Every role SageMaker may be handed. */
  readonly sageMakerRoleArns: string[];
  /** Each role, whether Studio apps run as it, and the roles it may pass to SageMaker. */
  readonly executionRoles: [IamRole, { studio: boolean; passes: string[] }][];
}

/**
 * The SageMaker execution roles: Studio for data scientists, Studio for team administrators,
 * pipelines, and a dedicated one per user profile that asks for it.
 */
function addExecutionRoles(
  stack: DataScienceStack,
  domainConfig: DataScienceStack["account"]["sagemaker"]["domains"][number] | undefined,
): ExecutionRoles {
  const names = stack.names;
  const env = names.environment;
  const executionRole = (id: string, roleName: string, description: string): IamRole =>
    new IamRole(stack, id, {
      roleName,
      description,
      trustStatements: [sageMakerServiceTrust(env)],
      grantPolicyName: "data",
    });

  const studioExecutionRole = executionRole(
    "studio-execution-role",
    names.studioExecutionRoleName,
    "Studio apps of data scientists and the jobs they start",
  );
  const teamAdminExecutionRole = executionRole(
    "team-admin-execution-role",
    names.teamAdminExecutionRoleName,
    "Studio apps of team administrators: build, never approve",
  );
  const pipelineExecutionRole = executionRole(
    "pipeline-execution-role",
    names.pipelineExecutionRoleName,
    "SageMaker pipelines: train and register model versions, never approve or deploy",
  );
  const userExecutionRoles: Record<string, IamRole> = {};
  for (const profile of domainConfig?.userProfiles ?? []) {
    if (!profile.dedicatedExecutionRole) continue;
    userExecutionRoles[profile.name] = executionRole(
      `user-${profile.name}-execution-role`,
      names.userExecutionRoleName(profile.name),
      `Studio apps of ${profile.name} (${profile.persona})`,
    );
  }

  // Dedicated per-user roles are named in every policy by one pattern of their names, never one
  // ARN each, so no policy grows with the number of Studio users. The pattern matches exactly
  // them: only the platform names roles `<prefix>-<account>-user-*` (a config check keeps other
  // accounts' names clear of it).
  const userRoles = Object.values(userExecutionRoles);
  const studioUsers: Grantee | undefined =
    userRoles.length === 0
      ? undefined
      : {
          principalArn: names.userExecutionRoleArnPattern,
          grantLabel: "StudioUsers",
          addToPrincipalPolicy: (s) => userRoles.forEach((r) => r.addToPrincipalPolicy(s)),
        };

  // The roles SageMaker may be handed: never any other role, never to another service.
  const sageMakerRoleArns = [
    names.roleArn(names.studioExecutionRoleName),
    names.roleArn(names.teamAdminExecutionRoleName),
    names.roleArn(names.pipelineExecutionRoleName),
    ...(studioUsers ? [studioUsers.principalArn] : []),
  ];

  // What each execution role may hand SageMaker: a Studio user's dedicated role only itself and
  // the shared roles (never another user's, which would act in that user's name); the shared
  // Studio roles only the shared roles; pipelines any of them, since a pipeline's steps run as
  // the role of whoever defined them.
  const sharedRoleArns = sageMakerRoleArns.filter((a) => a !== studioUsers?.principalArn);
  const executionRoles: [IamRole, { studio: boolean; passes: string[] }][] = [
    [studioExecutionRole, { studio: true, passes: sharedRoleArns }],
    [teamAdminExecutionRole, { studio: true, passes: sharedRoleArns }],
    [pipelineExecutionRole, { studio: false, passes: sageMakerRoleArns }],
    ...Object.keys(userExecutionRoles).map(
      (profile) =>
        [
          userExecutionRoles[profile],
          {
            studio: true,
            passes: [...sharedRoleArns, names.roleArn(names.userExecutionRoleName(profile))],
          },
        ] as [IamRole, { studio: boolean; passes: string[] }],
    ),
  ];
  return {
    studioExecutionRole,
    teamAdminExecutionRole,
    pipelineExecutionRole,
    userExecutionRoles,
    studioUsers,
    sageMakerRoleArns,
    executionRoles,
  };
}

/**
 * The VpcOnly Studio domain and its user profiles, each with its execution role (dedicated, or its
 * persona's) and the apps' set-up (package index, MLflow) and idle shutdown.
 */
function addStudioDomain(
  stack: DataScienceStack,
  network: AccountNetwork,
  data: DataScienceData,
  packages: PackageRepository | undefined,
  roles: Pick<
    DataScienceStudio,
    "studioExecutionRole" | "teamAdminExecutionRole" | "userExecutionRoles"
  >,
): StudioDomain {
  const names = stack.names;
  const domainConfig = stack.account.sagemaker.domains[0];
  const subnetIds = network.vpc.privateSubnetIds;
  const securityGroupIds = [network.vpc.workloadSecurityGroup.id];
  const { studioExecutionRole, teamAdminExecutionRole, userExecutionRoles } = roles;
  // What every JupyterLab and Code Editor app starts with: the package index and MLflow.
  const mlflowClient = mlflowClientSettings(stack);
  const appSetup =
    packages === undefined && mlflowClient === undefined
      ? undefined
      : new StudioLifecycleConfigs(stack, "studio-app-setup", {
          namePrefix: names.stem,
          packageIndex: packages && {
            tokenCommand: packages.tokenCommand,
            url: packages.pipIndexUrl,
          },
          mlflow: mlflowClient && { ...mlflowClient, region: names.region },
        });
  return new StudioDomain(stack, "studio", {
    apps: {
      lifecycleConfigArns: appSetup && {
        jupyterLab: appSetup.jupyterLabArn,
        codeEditor: appSetup.codeEditorArn,
      },
      idleShutdownMinutes: domainConfig.idleShutdownMinutes,
    },
    domainName: names.studioDomainName,
    authMode: domainConfig.authMode,
    vpcId: network.vpc.vpcId,
    subnetIds,
    securityGroupIds,
    kmsKeyArn: data.studioKey.keyArn,
    defaultExecutionRoleArn: studioExecutionRole.roleArn,
    userProfiles: domainConfig.userProfiles.map((p) => ({
      name: p.name,
      ssoUserName: p.ssoUserName,
      executionRoleArn: (
        userExecutionRoles[p.name] ??
        (p.persona === "team-admin" ? teamAdminExecutionRole : studioExecutionRole)
      ).roleArn,
    })),
  });
}

/**
 * What every execution role does: SageMaker work, its container's runtime (logs, metrics, images,
 * network interfaces), the roles it may pass, Studio apps of its own profile, the guardrails and
 * build-duty limits, and the volume and output keys through SageMaker and EC2.
 */
function addExecutionRolePolicies(
  stack: DataScienceStack,
  data: DataScienceData,
  executionRoles: [IamRole, { studio: boolean; passes: string[] }][],
  shared: {
    guardrails: PolicyStatement[];
    domain?: StudioDomain;
    network: { subnetIds: string[]; securityGroupIds: string[] };
  },
): void {
  const env = stack.names.environment;
  for (const [role, { studio, passes }] of executionRoles) {
    for (const s of sageMakerWorkStatements(env)) role.addToPolicy(s, "sagemaker");
    for (const s of sageMakerRuntimeStatements(env, shared.network, {
      images: "any-of-the-region",
    }))
      role.addToPolicy(s, "runtime");
    role.addToPolicy(passSageMakerRoles(passes), "runtime");
    if (studio && shared.domain)
      for (const s of studioAppStatements(env, shared.domain.domainId))
        role.addToPolicy(s, "runtime");
    for (const s of shared.guardrails) role.addToPolicy(s, GUARDRAILS_POLICY);
    // Volumes (studio key, through SageMaker and EBS) and job output (data key, through SageMaker).
    role.addToPrincipalPolicy({
      Sid: "UseTheVolumeAndOutputKeys",
      Effect: "Allow",
      Action: [...KMS_ENCRYPT_DECRYPT_ACTIONS, "kms:CreateGrant"],
      Resource: [data.studioKey.keyArn, data.dataKey.keyArn],
      Condition: {
        StringEquals: {
          "kms:ViaService": [viaService(env, "sagemaker"), viaService(env, "ec2")],
        },
      },
    });
  }
}

/**
 * Key use for SageMaker: the execution roles' volumes (studio key, through SageMaker and EC2) and
 * job output (data key, through SageMaker), and the grants the deploy role needs to create the
 * domain (SageMaker and EFS).
 */
function grantKeysToSageMaker(
  stack: DataScienceStack,
  data: DataScienceData,
  executionArns: string[],
): void {
  const names = stack.names;
  const env = names.environment;
  data.studioKey.grantThroughService({
    sid: "SageMakerVolumes",
    principals: executionArns,
    actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
    via: ["sagemaker", "ec2"],
    env,
  });
  data.studioKey.grantCreateGrantForAwsResources({
    sid: "SageMakerVolumeGrants",
    principals: executionArns,
    via: ["sagemaker", "ec2"],
    env,
  });
  data.dataKey.grantThroughService({
    sid: "SageMakerJobOutput",
    principals: executionArns,
    actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
    via: "sagemaker",
    env,
  });
  // The deploy role creates the domain: SageMaker and EFS make grants on the studio key for it.
  data.studioKey.grantThroughService({
    sid: "DomainCreation",
    principals: [names.deployRoleArn],
    actions: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*"],
    via: ["sagemaker", "elasticfilesystem"],
    env,
  });
  data.studioKey.grantCreateGrantForAwsResources({
    sid: "DomainCreationGrants",
    principals: [names.deployRoleArn],
    via: ["sagemaker", "elasticfilesystem"],
    env,
  });
}

/**
 * The persona roles (data scientist, team admin, admin, model approver): each trusted by the
 * configured identity, each with the guardrails; the build personas open Studio and are kept in
 * their duty; the approver sets approvals and tags artifacts, and nothing else.
 */
function addPersonaRoles(
  stack: DataScienceStack,
  data: DataScienceData,
  shared: {
    guardrails: PolicyStatement[];
    buildDutyLimits: PolicyStatement[];
    domain?: StudioDomain;
    sageMakerRoleArns: string[];
  },
): Record<Persona, IamRole> {
  const names = stack.names;
  const env = names.environment;
  const config = stack.account.sagemaker;
  const { guardrails, buildDutyLimits, domain, sageMakerRoleArns } = shared;
  const personaRoles = perPersona((persona): IamRole => {
    const spec: PersonaSpec = PERSONAS[persona];
    const role = new IamRole(stack, spec.constructId, {
      roleName: names.personaRoleName(persona),
      description: spec.description,
      trustStatements: personaTrust(env, config.identity, persona),
      maxSessionDuration: 3600 * 8,
    });
    for (const s of guardrails) role.addToPolicy(s, GUARDRAILS_POLICY);
    if (spec.duty === "build") {
      // Build personas open Studio and are kept in their duty.
      for (const s of buildDutyLimits) role.addToPolicy(s, GUARDRAILS_POLICY);
      if (domain) for (const s of openStudio(env, domain.domainId)) role.addToPolicy(s);
    }
    if (spec.managesProfiles) {
      if (domain) role.addToPolicy(manageUserProfiles(env, domain.domainId));
      role.addToPolicy(passSageMakerRoles(sageMakerRoleArns));
    }
    if (spec.administersDomain && domain) role.addToPolicy(administerDomain(env, domain.domainId));
    return role;
  });

  // The approve duty: set the approval of versions and of their artifacts; nothing else.
  const approver = personaRoles.modelApprover;
  approver.addToPolicy(approveModelVersions(env));
  for (const s of readTheRegistry(env)) approver.addToPolicy(s);
  const modelPrefix = stack.account.sagemaker.modelArtifactsPrefix;
  for (const s of tagModelArtifacts(data.modelBucket.bucketArn, modelPrefix))
    approver.addToPolicy(s);
  approver.addToPolicy(
    {
      Sid: "DenyPassingOrAssumingRoles",
      Effect: "Deny",
      Action: [
        "iam:PassRole",
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
      ],
      Resource: "*",
    },
    GUARDRAILS_POLICY,
  );
  // Approvers tag artifacts from their desks, not from the VPC; their policy allows only that.
  data.modelBucket.addVpcEndpointExemption(names.modelApproverRoleArn);
  return personaRoles;
}

/** The roles, registry groups and Studio domain people and pipelines need to know. */
function addStudioOutputs(
  stack: DataScienceStack,
  studio: Pick<
    DataScienceStudio,
    | "studioExecutionRole"
    | "teamAdminExecutionRole"
    | "pipelineExecutionRole"
    | "personaRoles"
    | "domain"
  >,
): void {
  const config = stack.account.sagemaker;
  const {
    studioExecutionRole,
    teamAdminExecutionRole,
    pipelineExecutionRole,
    personaRoles,
    domain,
  } = studio;
  const outputs: Record<string, { value: unknown; description: string }> = {
    sagemaker_role_arns: {
      value: {
        studio_execution: studioExecutionRole.roleArn,
        team_admin_execution: teamAdminExecutionRole.roleArn,
        pipeline_execution: pipelineExecutionRole.roleArn,
        ...Object.fromEntries(
          PERSONA_IDS.map((persona) => [PERSONAS[persona].output, personaRoles[persona].roleArn]),
        ),
      },
      description: "SageMaker execution and persona roles",
    },
    model_package_groups: {
      value: config.modelPackageGroups,
      description: "Model registry groups the deployment targets read",
    },
  };
  if (domain) {
    outputs.studio_domain_id = { value: domain.domainId, description: "The VpcOnly Studio domain" };
    outputs.studio_user_profiles = {
      value: Object.keys(domain.userProfiles),
      description: "Studio user profiles",
    };
  }
  stack.addOutputs(outputs);
}

/**
 * The roles that do the build duty's work: every Studio execution role (shared and per user), the
 * pipeline role, and the data scientist and team admin personas.
 */
export function studioWorkRoles(studio: DataScienceStudio): IamRole[] {
  return [
    studio.studioExecutionRole,
    studio.teamAdminExecutionRole,
    studio.pipelineExecutionRole,
    ...Object.values(studio.userExecutionRoles),
    studio.personaRoles.dataScientist,
    studio.personaRoles.teamAdmin,
  ];
}

/** The targets' model execution and deployment roles, which read the registry. */
function registryReaders(
  stack: DataScienceStack,
): { accountIds: string[]; principalArns: string[] } | undefined {
  if (deploymentTargetsOf(stack.config, stack.accountName).length === 0) return undefined;
  const execution = targetRoles(stack.config, stack.accountName, "model-execution");
  const deployment = targetRoles(stack.config, stack.accountName, "model-deployment");
  return {
    accountIds: execution.accountIds,
    principalArns: [...execution.arns, ...deployment.arns],
  };
}
