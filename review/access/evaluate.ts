import {
  getGrantReasons,
  runSimulation,
  type RequestGrant,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import { bucketContexts, capabilities, type Capability, type RequestContext } from "./capabilities";
import {
  ENCRYPTION_CONTEXT_STAND_IN,
  type AccessModel,
  type Policy,
  type Principal,
} from "./model";

/**
 * Who can do what: every principal of the model against every capability, in every request
 * context, decided by @cloud-copilot/iam-simulate over the real policies (identity, permission
 * boundary, resource, trust, key and VPC endpoint policies, with AWS's same- and cross-account
 * rules); an S3 object request also needs the bucket key's use through S3. Then the hops: what a
 * principal may do after assuming a role it may assume (up to three roles deep).
 *
 * External principals (Identity Center roles, consumers, other accounts): their own identity
 * policies are outside the platform, so they are taken to allow everything (the platform's
 * resource policies decide: the worst case), except that a principal named only by trust
 * policies (a permission set, the deploy role) does nothing in its own account but enter the
 * platform's roles (`sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`): what else an
 * administrator may do in an account is not the platform's to say.
 */

export const ACCESS_FORMAT = 1;

export interface AccessCell {
  readonly principal: string;
  readonly capability: string;
  /** The contexts it is allowed in (`outside any VPC endpoint`, `via dev's s3 endpoint`). */
  readonly contexts: readonly string[];
  /** The statements that allow it (`stack:address#Sid`). */
  readonly decidedBy: readonly string[];
  /** The roles assumed on the way, when it is reached through them. */
  readonly via?: readonly string[];
}

export interface AccessTable {
  readonly format: typeof ACCESS_FORMAT;
  readonly accounts: readonly {
    readonly account: string;
    readonly stacks: readonly string[];
    /** How its VPCs reach the internet. */
    readonly internet: string;
  }[];
  readonly principals: readonly {
    readonly arn: string;
    readonly label: string;
    readonly account: string;
    readonly kind: string;
    readonly managed?: readonly string[];
  }[];
  readonly capabilities: readonly {
    readonly id: string;
    readonly account: string;
    readonly kind: string;
  }[];
  /** Allowed cells only, by principal then capability. */
  readonly cells: readonly AccessCell[];
}

const ENTER_ONLY: Policy = {
  id: "external:enters-the-platform",
  statements: [
    {
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
      Resource: "*",
    },
  ],
};
const EVERYTHING: Policy = {
  id: "external:its-own-account",
  statements: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

const doc = (policy: Policy) => ({ Version: "2012-10-17", Statement: policy.statements });

function identityOf(principal: Principal, account: string): Policy[] {
  if (principal.kind === "role") return [...principal.identity];
  return [principal.entersOnly && principal.account === account ? ENTER_ONLY : EVERYTHING];
}

function reason(
  grant: RequestGrant,
  resourcePolicy: Policy | undefined,
  endpoint?: Policy,
): string {
  const at = grant.statementId ?? `statement ${grant.statementIndex}`;
  if (grant.policyType === "resource") return `${resourcePolicy?.id ?? "resource"}#${at}`;
  if (grant.policyType === "vpce") return `${endpoint?.id ?? grant.policyIdentifier}#${at}`;
  return `${grant.policyIdentifier}#${at}`;
}

interface Decision {
  readonly allowed: boolean;
  readonly grants: readonly string[];
}

async function decide(
  principal: Principal,
  request: {
    action: string;
    resource: string;
    account: string;
    resourcePolicy?: Policy;
    endpointPolicy?: Policy;
    variables: Record<string, string | string[]>;
  },
): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: principal.arn,
      action: request.action,
      resource: { accountId: request.account, resource: request.resource },
      contextVariables: {
        "aws:PrincipalArn": principal.arn,
        "aws:PrincipalAccount": principal.account,
        "aws:ResourceAccount": request.account,
        ...(request.action.startsWith("kms:") ? { "kms:CallerAccount": principal.account } : {}),
        ...request.variables,
      },
    },
    identityPolicies: identityOf(principal, request.account).map((p) => ({
      name: p.id,
      policy: doc(p),
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy ? doc(request.resourcePolicy) : undefined,
    permissionBoundaryPolicies: principal.boundary
      ? [{ name: principal.boundary.id, policy: doc(principal.boundary) }]
      : undefined,
    vpcEndpointPolicies: request.endpointPolicy
      ? [{ name: request.endpointPolicy.id, policy: doc(request.endpointPolicy) }]
      : undefined,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType !== "single" || result.overallResult !== "Allowed")
    return { allowed: false, grants: [] };
  const grants = getGrantReasons(result.result.analysis).map((g) =>
    reason(g, request.resourcePolicy, request.endpointPolicy),
  );
  return { allowed: true, grants };
}

async function decideCell(
  principal: Principal,
  capability: Capability,
  context: RequestContext,
): Promise<Decision> {
  const s3 = await decide(principal, {
    action: capability.action,
    resource: capability.resource,
    account: capability.account,
    resourcePolicy: capability.resourcePolicy,
    endpointPolicy: context.endpointPolicy,
    variables: { ...context.variables, ...capability.variables },
  });
  if (!s3.allowed || capability.key === undefined) return s3;
  if (capability.key.policy === undefined)
    return {
      allowed: true,
      grants: [...s3.grants, `${capability.key.arn}: its policy is outside the platform`],
    };
  // S3 uses the key on the caller's behalf, naming the bucket (bucket keys are on).
  const bucketArn = capability.key.objectArn.split("/")[0];
  const region = capability.key.arn.split(":")[3];
  const kms = await decide(principal, {
    action: capability.action === "s3:GetObject" ? "kms:Decrypt" : "kms:GenerateDataKey",
    resource: capability.key.arn,
    account: capability.key.arn.split(":")[4],
    resourcePolicy: capability.key.policy,
    variables: {
      "kms:ViaService": `s3.${region}.amazonaws.com`,
      "kms:CallerAccount": principal.account,
      [ENCRYPTION_CONTEXT_STAND_IN]: bucketArn,
      "kms:ResourceAliases": [...capability.key.aliases],
    },
  });
  return kms.allowed ? { allowed: true, grants: [...s3.grants, ...kms.grants] } : kms;
}

/** IAM's wildcard match (`*` any run, `?` one character); case-insensitive for actions. */
const globs = new Map<string, RegExp>();
function like(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = globs.get(key);
  if (re === undefined) {
    const body = pattern
      .replace(/\$\{[^}]*\}/g, "*")
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, ignoreCase ? "i" : "");
    globs.set(key, re);
  }
  return re.test(value);
}

const list = (v: unknown): string[] =>
  [v ?? []].flat().filter((x): x is string => typeof x === "string");

/** Whether any Allow statement of the policies could match the action and resource (conditions aside). */
function mayAllow(
  policies: readonly Policy[],
  action: string,
  resource: string,
  principal?: Principal,
): boolean {
  return policies.some((policy) =>
    policy.statements.some((s) => {
      if (s.Effect !== "Allow") return false;
      const actions = list(s.Action);
      const actionOk =
        s.NotAction !== undefined
          ? !list(s.NotAction).some((a) => like(a, action, true))
          : actions.some((a) => like(a, action, true));
      if (!actionOk) return false;
      if (s.Resource !== undefined && !list(s.Resource).some((r) => like(r, resource)))
        return false;
      if (principal === undefined) return true;
      const named = s.Principal === "*" ? ["*"] : list((s.Principal as { AWS?: unknown })?.AWS);
      return named.some(
        (p) =>
          p === "*" ||
          p === principal.account ||
          p === `arn:aws:iam::${principal.account}:root` ||
          like(p, principal.arn),
      );
    }),
  );
}

/**
 * Whether a request could be allowed at all, by statements alone: skips the simulator for the
 * pairs no statement could allow (most of them), which keeps a 200-target platform's table fast.
 */
/** Capabilities a resource policy of the platform controls (the others are identity-only). */
const RESOURCE_CONTROLLED = new Set([
  "read",
  "write",
  "read-approved",
  "tag-approved",
  "decrypt",
  "assume",
]);

function plausible(principal: Principal, capability: Capability): boolean {
  // In its own account an external principal's reach by its own policies alone (passing a role,
  // changing one, approving) is its account's business, not the platform's: not asked.
  if (
    principal.kind === "external" &&
    principal.account === capability.account &&
    !RESOURCE_CONTROLLED.has(capability.kind)
  )
    return false;
  const identity = identityOf(principal, capability.account);
  const byIdentity = mayAllow(identity, capability.action, capability.resource);
  const resourcePolicy = capability.resourcePolicy ? [capability.resourcePolicy] : [];
  const byResource = mayAllow(resourcePolicy, capability.action, capability.resource, principal);
  return principal.account === capability.account
    ? byIdentity || byResource
    : byIdentity && byResource;
}

/** The direct cells: each principal, each capability, each context. */
async function directCells(model: AccessModel, caps: readonly Capability[]): Promise<AccessCell[]> {
  const cells: AccessCell[] = [];
  for (const principal of model.principals) {
    for (const capability of caps) {
      if (!plausible(principal, capability)) continue;
      const contexts: string[] = [];
      const decidedBy = new Set<string>();
      const asked = capability.bucket
        ? bucketContexts(capability.bucket, principal.account, model.endpoints)
        : capability.contexts;
      for (const context of asked) {
        const decision = await decideCell(principal, capability, context);
        if (!decision.allowed) continue;
        contexts.push(context.name);
        decision.grants.forEach((g) => decidedBy.add(g));
      }
      if (contexts.length > 0)
        cells.push({
          principal: principal.arn,
          capability: capability.id,
          contexts,
          decidedBy: [...decidedBy].sort(),
        });
    }
  }
  return cells;
}

/** What each principal reaches through the roles it may assume, up to `depth` roles deep. */
function withHops(
  direct: AccessCell[],
  model: AccessModel,
  caps: readonly Capability[],
  depth = 3,
): AccessCell[] {
  const roleArns = new Map(caps.filter((c) => c.kind === "assume").map((c) => [c.id, c.resource]));
  const byPrincipal = new Map<string, AccessCell[]>();
  for (const cell of direct)
    byPrincipal.set(cell.principal, [...(byPrincipal.get(cell.principal) ?? []), cell]);
  const out = [...direct];
  for (const principal of model.principals) {
    const have = new Set((byPrincipal.get(principal.arn) ?? []).map((c) => c.capability));
    let frontier: { arn: string; via: string[] }[] = [{ arn: principal.arn, via: [] }];
    const seen = new Set([principal.arn]);
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      const next: { arn: string; via: string[] }[] = [];
      for (const { arn, via } of frontier) {
        for (const cell of byPrincipal.get(arn) ?? []) {
          const target = roleArns.get(cell.capability);
          if (target === undefined || seen.has(target)) continue;
          seen.add(target);
          const path = [...via, target];
          next.push({ arn: target, via: path });
          for (const reached of byPrincipal.get(target) ?? []) {
            if (have.has(reached.capability)) continue;
            have.add(reached.capability);
            out.push({ ...reached, principal: principal.arn, via: path });
          }
        }
      }
      frontier = next;
    }
  }
  return out;
}

export async function accessTable(model: AccessModel): Promise<AccessTable> {
  const caps = capabilities(model);
  const cells = withHops(await directCells(model, caps), model, caps);
  // One order whatever order the stacks were read in: by account, roles before external
  // principals, then by name.
  const principals = [...model.principals].sort(
    (a, b) =>
      a.account.localeCompare(b.account) ||
      Number(a.kind !== "role") - Number(b.kind !== "role") ||
      a.label.localeCompare(b.label) ||
      a.arn.localeCompare(b.arn),
  );
  const principalOrder = new Map(principals.map((p, i) => [p.arn, i]));
  const capabilityOrder = new Map(caps.map((c, i) => [c.id, i]));
  cells.sort(
    (a, b) =>
      principalOrder.get(a.principal)! - principalOrder.get(b.principal)! ||
      capabilityOrder.get(a.capability)! - capabilityOrder.get(b.capability)!,
  );
  return {
    format: ACCESS_FORMAT,
    accounts: [...model.accounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([account, stacks]) => ({
        account,
        stacks: [...stacks].sort(),
        internet: model.internet.get(account) ?? "",
      })),
    principals: principals.map((p) => ({
      arn: p.arn,
      label: p.label,
      account: p.account,
      kind: p.kind,
      ...(p.managed.length > 0 ? { managed: p.managed } : {}),
    })),
    capabilities: caps.map((c) => ({ id: c.id, account: c.account, kind: c.kind })),
    cells,
  };
}
