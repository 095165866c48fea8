import { roleArn as iamRoleArn } from "../../modules/core/aws-environment";
import { createHash } from "node:crypto";
import type { StackJson } from "../../modules/core/terraform-json";

/**
 * The policies of a synthesized platform as an IAM simulator needs them: every role with its
 * identity policies and trust policy, every bucket, key, model package group and secret with its
 * resource policy, every VPC endpoint with its policy, and the principals outside the platform
 * that those policies name (Identity Center permission sets, dataset consumers, other accounts,
 * the deploy role). Terraform references are replaced by the values AWS would give them (role
 * and bucket ARNs from their names; keys, endpoints and VPCs by stand-in ids named after the
 * resource), so a condition on an endpoint id and the request made through that endpoint agree.
 * Every statement keeps where it came from (`stack:address#Sid`), which is what the access table
 * names as the deciding statements.
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly [key: string]: unknown;
}

export interface Policy {
  /** `stack:address` of the resource that holds the policy. */
  readonly id: string;
  readonly statements: readonly Statement[];
}

export type PrincipalKind = "role" | "external";

export interface Principal {
  readonly arn: string;
  /** The role name, or what the external principal is. */
  readonly label: string;
  readonly account: string;
  readonly kind: PrincipalKind;
  /** Its identity policies; an external principal's are unknown: allowed everything. */
  readonly identity: readonly Policy[];
  readonly boundary?: Policy;
  /** AWS managed policies it has, which the review cannot read (named in the report). */
  readonly managed: readonly string[];
  /** `stack:address` of the role; undefined for an external principal. */
  readonly address?: string;
  /**
   * An external principal named only by trust policies (an Identity Center permission set, the
   * deploy role) is taken to do, in its own account, nothing but enter the platform's roles; one
   * named by a bucket, key or registry policy (a dataset consumer) to be allowed everything by
   * its own policies, so the platform's resource policies decide what it reaches.
   */
  readonly entersOnly?: boolean;
}

export type ResourceKind = "bucket" | "key" | "role" | "model-package-group" | "secret";

export interface PlatformResource {
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly stack: string;
  readonly address: string;
  readonly policy?: Policy;
  /** A bucket's default encryption key ARN. */
  readonly keyArn?: string;
  /** A role's trust, as a resource policy of sts:AssumeRole. */
  readonly trust?: Policy;
}

export interface Endpoint {
  readonly id: string;
  /** `dev's s3 endpoint`. */
  readonly label: string;
  readonly vpc: string;
  readonly service: string;
  readonly account: string;
  readonly policy?: Policy;
}

export interface AccessModel {
  readonly principals: readonly Principal[];
  readonly resources: readonly PlatformResource[];
  readonly endpoints: readonly Endpoint[];
  /** Account id → the stacks deployed there. */
  readonly accounts: ReadonlyMap<string, readonly string[]>;
  /** Account id → how its VPCs reach the internet, in a line. */
  readonly internet: ReadonlyMap<string, string>;
}

/** How a stack's VPC reaches the internet: NAT gateways, and the egress rules open to it. */
function internetOf(info: StackInfo): string[] {
  const nat = resources(info, "aws_nat_gateway").length;
  const igw = resources(info, "aws_internet_gateway").length;
  const open = resources(info, "aws_vpc_security_group_egress_rule")
    .filter(([, r]) => r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0")
    .map(([name, r]) => {
      const ports =
        r.ip_protocol === "-1" ? "all traffic" : `${r.ip_protocol} ${r.from_port}-${r.to_port}`;
      return `${ports} (${info.id}:aws_vpc_security_group_egress_rule.${name})`;
    });
  if (nat === 0 && igw === 0) return [];
  return [
    `${info.id}: ${nat} NAT gateway(s), ${igw} internet gateway(s)${open.length > 0 ? `; egress to anywhere on ${open.join(", ")}` : "; no security group rule open to anywhere"}`,
  ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON, read loosely
type Json = Record<string, any>;

interface StackInfo {
  readonly id: string;
  readonly json: Json;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

function stackInfo(id: string, json: Json): StackInfo | undefined {
  const provider = (json.provider?.aws ?? [])[0] as Json | undefined;
  const account = provider?.allowed_account_ids?.[0] as string | undefined;
  if (account === undefined) return undefined;
  return { id, json, account, region: provider!.region ?? "us-east-1", partition: "aws" };
}

/** A stand-in id, unique per stack and resource, in AWS's form (`vpce-` and 17 hex digits). */
function standInId(prefix: string, info: StackInfo, name: string): string {
  return `${prefix}-${createHash("sha256").update(`${info.id}/${name}`).digest("hex").slice(0, 17)}`;
}

/** The ARN AWS gives a role: `arn:aws:iam::<account>:role<path><name>`. */
export function roleArn(info: StackInfo, role: Json): string {
  const path = (role.path as string | undefined) ?? "/";
  return iamRoleArn(info.partition, info.account, role.name, path);
}

/** The value AWS would give a Terraform reference, or the reference as plain text. */
function resolveReference(info: StackInfo, ref: string): string {
  const data = /^data\.(aws_caller_identity|aws_partition|aws_region)\.[^.]+\.(\w+)$/.exec(ref);
  if (data) {
    if (data[1] === "aws_caller_identity") return info.account;
    if (data[1] === "aws_partition") return data[2] === "dns_suffix" ? "amazonaws.com" : "aws";
    return info.region;
  }
  const match = /^(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(ref);
  if (!match) return `ref:${ref}`;
  const [, type, name, attr] = match;
  const r = info.json.resource?.[type]?.[name] as Json | undefined;
  if (r === undefined) return `ref:${ref}`;
  const at = `${info.partition}:`;
  switch (`${type}.${attr}`) {
    case "aws_iam_role.arn":
      return roleArn(info, r);
    case "aws_iam_role.name":
    case "aws_iam_role.id":
      return r.name;
    case "aws_iam_role.unique_id":
      return `AROA${name.replace(/[^A-Za-z0-9]/g, "").toUpperCase()}`;
    case "aws_s3_bucket.arn":
      return `arn:${at}s3:::${r.bucket}`;
    case "aws_s3_bucket.id":
    case "aws_s3_bucket.bucket":
      return r.bucket;
    case "aws_kms_key.arn":
      return `arn:${at}kms:${info.region}:${info.account}:key/${name}`;
    case "aws_kms_key.id":
    case "aws_kms_key.key_id":
      return name;
    case "aws_vpc_endpoint.id":
      return standInId("vpce", info, name);
    case "aws_vpc.id":
      return standInId("vpc", info, name);
    case "aws_sagemaker_domain.id":
      return `d-${name}`;
    case "aws_sagemaker_model_package_group.arn":
      return `arn:${at}sagemaker:${info.region}:${info.account}:model-package-group/${r.model_package_group_name}`;
    case "aws_sagemaker_model_package_group.model_package_group_name":
      return r.model_package_group_name;
    case "aws_secretsmanager_secret.arn":
    case "aws_secretsmanager_secret.id":
      return `arn:${at}secretsmanager:${info.region}:${info.account}:secret:${r.name ?? name}-AbCdEf`;
    case "aws_iam_policy.arn":
      return `arn:${at}iam::${info.account}:policy${r.path ?? "/"}${r.name}`;
    default:
      return typeof r[attr] === "string" && !r[attr].includes("${") ? r[attr] : `ref:${ref}`;
  }
}

/** A string with its Terraform references resolved (IAM's own `$${aws:...}` variables kept). */
function resolveText(info: StackInfo, text: string): string {
  return text
    .replace(/\$\$\{/g, "\u0000")
    .replace(/\$\{([^}]+)\}/g, (_, ref: string) => resolveReference(info, ref))
    .replace(/\u0000/g, "${");
}

/**
 * The condition key iam-simulate cannot read, and the one that stands in for it. The simulator
 * matches variable context keys only in the `prefix/name` form (`aws:RequestTag/team`), so it
 * drops `kms:EncryptionContext:aws:s3:arn` from a request, and every `...IfExists` test of it
 * then passes: a grant for one bucket would seem to decrypt every bucket's objects. Both the
 * policies and the requests name `kms:RequestAlias` instead, a single-valued string key the
 * simulator accepts for the same KMS actions and which no policy of the platform uses (a policy
 * that does is refused rather than misread).
 */
export const ENCRYPTION_CONTEXT_KEY = "kms:EncryptionContext:aws:s3:arn";
export const ENCRYPTION_CONTEXT_STAND_IN = "kms:RequestAlias";

export function withSimulatableKeys(statements: readonly Statement[], source: string): Statement[] {
  return statements.map((statement) => {
    const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
    if (condition === undefined) return statement;
    const renamed = Object.fromEntries(
      Object.entries(condition).map(([operator, tests]) => [
        operator,
        Object.fromEntries(
          Object.entries(tests).map(([key, value]) => {
            if (key.toLowerCase() === ENCRYPTION_CONTEXT_STAND_IN.toLowerCase())
              throw new Error(
                `${source}: uses ${ENCRYPTION_CONTEXT_STAND_IN}, which the access review needs as a stand-in`,
              );
            return [
              key.toLowerCase() === ENCRYPTION_CONTEXT_KEY.toLowerCase()
                ? ENCRYPTION_CONTEXT_STAND_IN
                : key,
              value,
            ];
          }),
        ),
      ]),
    );
    return { ...statement, Condition: renamed };
  });
}

/** A request's context with the encryption-context key under its stand-in (see above). */
export function withSimulatableContext<V>(context: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => [
      key.toLowerCase() === ENCRYPTION_CONTEXT_KEY.toLowerCase()
        ? ENCRYPTION_CONTEXT_STAND_IN
        : key,
      value,
    ]),
  );
}

function policyOf(info: StackInfo, address: string, text: unknown): Policy | undefined {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  let doc: Json;
  try {
    doc = JSON.parse(resolveText(info, text)) as Json;
  } catch {
    return undefined; // a policy built by a Terraform function: not readable before apply
  }
  const id = `${info.id}:${address}`;
  return { id, statements: withSimulatableKeys([doc.Statement ?? []].flat() as Statement[], id) };
}

const resources = (info: StackInfo, type: string): [string, Json][] =>
  Object.entries((info.json.resource?.[type] ?? {}) as Record<string, Json>);

/** The name a reference to a resource of `type` in a string points to (`${type.NAME.attr}`). */
function referenced(text: unknown, type: string): string | undefined {
  if (typeof text !== "string") return undefined;
  return new RegExp(`\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.`).exec(text)?.[1];
}

function rolesOf(info: StackInfo): { principals: Principal[]; roles: PlatformResource[] } {
  const principals: Principal[] = [];
  const roles: PlatformResource[] = [];
  const attachments = resources(info, "aws_iam_role_policy_attachment");
  const inline = resources(info, "aws_iam_role_policy");
  for (const [name, role] of resources(info, "aws_iam_role")) {
    const arn = roleArn(info, role);
    const address = `aws_iam_role.${name}`;
    const identity: Policy[] = [];
    const managed: string[] = [];
    for (const [, attachment] of attachments) {
      if (referenced(attachment.role, "aws_iam_role") !== name && attachment.role !== role.name)
        continue;
      const policyName = referenced(attachment.policy_arn, "aws_iam_policy");
      const policy = policyName && info.json.resource.aws_iam_policy[policyName];
      if (policy) {
        const parsed = policyOf(info, `aws_iam_policy.${policyName}`, policy.policy);
        if (parsed) identity.push(parsed);
      } else managed.push(resolveText(info, String(attachment.policy_arn)));
    }
    for (const [inlineName, policy] of inline) {
      if (referenced(policy.role, "aws_iam_role") !== name && policy.role !== role.name) continue;
      const parsed = policyOf(info, `aws_iam_role_policy.${inlineName}`, policy.policy);
      if (parsed) identity.push(parsed);
    }
    for (const text of (role.managed_policy_arns as string[] | undefined) ?? [])
      managed.push(resolveText(info, text));
    const boundaryName = referenced(role.permissions_boundary, "aws_iam_policy");
    const boundary =
      boundaryName === undefined
        ? undefined
        : policyOf(
            info,
            `aws_iam_policy.${boundaryName}`,
            info.json.resource.aws_iam_policy[boundaryName]?.policy,
          );
    principals.push({
      arn,
      label: role.name,
      account: info.account,
      kind: "role",
      identity,
      boundary,
      managed,
      address: `${info.id}:${address}`,
    });
    roles.push({
      kind: "role",
      arn,
      name: role.name,
      account: info.account,
      region: info.region,
      stack: info.id,
      address,
      trust: policyOf(info, address, role.assume_role_policy),
    });
  }
  return { principals, roles };
}

function policyResources(info: StackInfo): PlatformResource[] {
  const base = { account: info.account, region: info.region, stack: info.id };
  const out: PlatformResource[] = [];
  const bucketPolicies = resources(info, "aws_s3_bucket_policy");
  const encryption = resources(info, "aws_s3_bucket_server_side_encryption_configuration");
  for (const [name, bucket] of resources(info, "aws_s3_bucket")) {
    const policy = bucketPolicies.find(([, p]) => referenced(p.bucket, "aws_s3_bucket") === name);
    const sse = encryption.find(([, e]) => referenced(e.bucket, "aws_s3_bucket") === name)?.[1];
    const keyText = sse?.rule?.[0]?.apply_server_side_encryption_by_default?.kms_master_key_id;
    out.push({
      ...base,
      kind: "bucket",
      arn: `arn:aws:s3:::${bucket.bucket}`,
      name: bucket.bucket,
      address: `aws_s3_bucket.${name}`,
      policy: policy && policyOf(info, `aws_s3_bucket_policy.${policy[0]}`, policy[1].policy),
      keyArn: typeof keyText === "string" ? resolveText(info, keyText) : undefined,
    });
  }
  const aliases = resources(info, "aws_kms_alias");
  for (const [name, key] of resources(info, "aws_kms_key")) {
    const alias = aliases.find(([, a]) => referenced(a.target_key_id, "aws_kms_key") === name);
    out.push({
      ...base,
      kind: "key",
      arn: resolveReference(info, `aws_kms_key.${name}.arn`),
      name: alias ? String(alias[1].name) : name,
      address: `aws_kms_key.${name}`,
      policy: policyOf(info, `aws_kms_key.${name}`, key.policy),
    });
  }
  const groupPolicies = resources(info, "aws_sagemaker_model_package_group_policy");
  for (const [name, group] of resources(info, "aws_sagemaker_model_package_group")) {
    const policy = groupPolicies.find(
      ([, p]) =>
        referenced(p.model_package_group_name, "aws_sagemaker_model_package_group") === name,
    );
    out.push({
      ...base,
      kind: "model-package-group",
      arn: resolveReference(info, `aws_sagemaker_model_package_group.${name}.arn`),
      name: group.model_package_group_name,
      address: `aws_sagemaker_model_package_group.${name}`,
      policy:
        policy &&
        policyOf(
          info,
          `aws_sagemaker_model_package_group_policy.${policy[0]}`,
          policy[1].resource_policy,
        ),
    });
  }
  const secretPolicies = resources(info, "aws_secretsmanager_secret_policy");
  for (const [name, secret] of resources(info, "aws_secretsmanager_secret")) {
    const policy = secretPolicies.find(
      ([, p]) => referenced(p.secret_arn, "aws_secretsmanager_secret") === name,
    );
    out.push({
      ...base,
      kind: "secret",
      arn: resolveReference(info, `aws_secretsmanager_secret.${name}.arn`),
      name: secret.name ?? name,
      address: `aws_secretsmanager_secret.${name}`,
      policy:
        policy && policyOf(info, `aws_secretsmanager_secret_policy.${policy[0]}`, policy[1].policy),
    });
  }
  return out;
}

function endpointsOf(info: StackInfo): Endpoint[] {
  return resources(info, "aws_vpc_endpoint").map(([name, endpoint]) => ({
    id: standInId("vpce", info, name),
    label: `${info.id}'s ${String(endpoint.service_name).split(".").pop()} endpoint`,
    vpc: resolveText(info, String(endpoint.vpc_id)),
    service: resolveText(info, String(endpoint.service_name)),
    account: info.account,
    policy: policyOf(info, `aws_vpc_endpoint.${name}`, endpoint.policy),
  }));
}

/** An ARN pattern made concrete: `?` and `*` become characters a real name could have. */
function instantiate(pattern: string): string {
  return pattern
    .replace(/\?{16}/g, "0123456789abcdef")
    .replace(/\?/g, "0")
    .replace(/\*/g, "x");
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role\/.+|root)$/;

/** Principals the policies name that no stack defines: as they name them, made concrete. */
function externalPrincipals(
  resourcesWithPolicies: readonly PlatformResource[],
  defined: ReadonlySet<string>,
): Principal[] {
  const found = new Map<string, Principal>();
  const add = (text: string, entersOnly: boolean) => {
    const arn = instantiate(text);
    const match = ROLE_ARN.exec(arn);
    if (!match || defined.has(arn)) return;
    const [, account, rest] = match;
    const concrete = rest === "root" ? `arn:aws:iam::${account}:role/any-principal` : arn;
    const label =
      rest === "root"
        ? `any principal of ${account}`
        : /[*?]/.test(text)
          ? `any role named ${text
              .split("/")
              .pop()!
              .replace(/\?{16}/, "*")}`
          : concrete.split("/").pop()!;
    // The same permission set named with and without its path is one principal.
    const same = [...found.values()].find((p) => p.account === account && p.label === label);
    if (same !== undefined) {
      if (!entersOnly && same.entersOnly) found.set(same.arn, { ...same, entersOnly: false });
      return;
    }
    if (defined.has(concrete)) return;
    found.set(concrete, {
      arn: concrete,
      label,
      account,
      kind: "external",
      identity: [],
      managed: [],
      entersOnly,
    });
  };
  for (const resource of resourcesWithPolicies) {
    for (const [policy, entersOnly] of [
      [resource.policy, false],
      [resource.trust, true],
    ] as const) {
      for (const statement of policy?.statements ?? []) {
        if (statement.Effect !== "Allow") continue;
        const principal = statement.Principal as Json | string | undefined;
        const aws = typeof principal === "object" ? [principal.AWS ?? []].flat() : [];
        const named = Object.values((statement.Condition ?? {}) as Record<string, Json>).flatMap(
          (test) => [test["aws:PrincipalArn"] ?? []].flat() as string[],
        );
        const names = named.length > 0 ? named : (aws as string[]);
        for (const name of names) add(name, entersOnly);
      }
    }
  }
  return [...found.values()];
}

export function accessModel(stacks: Record<string, StackJson>): AccessModel {
  const infos = Object.entries(stacks)
    .map(([id, json]) => stackInfo(id, json as Json))
    .filter((s): s is StackInfo => s !== undefined);
  const principals: Principal[] = [];
  const all: PlatformResource[] = [];
  const endpoints: Endpoint[] = [];
  const accounts = new Map<string, string[]>();
  const internet = new Map<string, string[]>();
  for (const info of infos) {
    accounts.set(info.account, [...(accounts.get(info.account) ?? []), info.id]);
    internet.set(info.account, [...(internet.get(info.account) ?? []), ...internetOf(info)]);
    const { principals: roles, roles: roleResources } = rolesOf(info);
    principals.push(...roles);
    all.push(...roleResources, ...policyResources(info));
    endpoints.push(...endpointsOf(info));
  }
  const defined = new Set(principals.map((p) => p.arn));
  principals.push(...externalPrincipals(all, defined));
  const lines = new Map(
    [...internet].map(([account, found]) => [
      account,
      found.length === 0 ? "none: no NAT or internet gateway" : found.join("; "),
    ]),
  );
  return { principals, resources: all, endpoints, accounts, internet: lines };
}
