import type { AccessModel, Endpoint, PlatformResource, Policy, Statement } from "./model";

/**
 * The capabilities the access review asks about, per account: read and write each bucket (at
 * each prefix its policies name, and elsewhere), decrypt with each key outside S3, pass and
 * assume each role, approve a version in each model package group (and tag a model artifact
 * approved), read each secret, and change each CI role. Each comes with the request contexts it
 * is asked in: through each VPC endpoint the bucket's policy or account knows, and from the
 * internet (no endpoint).
 */

export type CapabilityKind =
  | "read"
  | "read-approved"
  | "write"
  | "tag-approved"
  | "decrypt"
  | "pass"
  | "assume"
  | "approve"
  | "read-secret"
  | "change-role";

export interface RequestContext {
  /** `internet`, or `via <endpoint id>`. */
  readonly name: string;
  readonly variables: Readonly<Record<string, string | string[]>>;
  /** The endpoint's policy applies to requests through it. */
  readonly endpointPolicy?: Policy;
}

export interface Capability {
  /** Stable and readable: `read s3://bucket/prefix/`, `assume role/name`. */
  readonly id: string;
  readonly kind: CapabilityKind;
  readonly account: string;
  readonly action: string;
  readonly resource: string;
  readonly resourcePolicy?: Policy;
  /** S3 object requests on a bucket encrypted with a key of the platform: the key use they need. */
  readonly key?: {
    readonly arn: string;
    readonly policy?: Policy;
    readonly objectArn: string;
    readonly aliases: readonly string[];
  };
  /** The bucket of an S3 capability: its contexts depend on the principal's account. */
  readonly bucket?: PlatformResource;
  /** The contexts of any other capability. */
  readonly contexts: readonly RequestContext[];
  /** Context every request of this capability carries (the approval status, the passed service). */
  readonly variables: Readonly<Record<string, string | string[]>>;
}

const TLS = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" };
/** A request of a capability no network condition can limit (assume, pass, approve...). */
const ANYWHERE: RequestContext = {
  name: "anywhere",
  variables: { ...TLS, "aws:SourceIp": "203.0.113.10" },
};

/** An S3 request through no VPC endpoint: from the internet, or a VPC without one. */
export const OUTSIDE: RequestContext = {
  name: "outside any VPC endpoint",
  variables: { ...TLS, "aws:SourceIp": "203.0.113.10" },
};

function strings(value: unknown): string[] {
  return [value ?? []].flat().filter((v): v is string => typeof v === "string");
}

function conditionValues(policy: Policy | undefined, key: string): string[] {
  const found = new Set<string>();
  for (const statement of policy?.statements ?? []) {
    for (const test of Object.values((statement.Condition ?? {}) as Record<string, Statement>)) {
      for (const [k, v] of Object.entries(test))
        if (k === key) strings(v).forEach((s) => found.add(s));
    }
  }
  return [...found];
}

/**
 * The contexts a bucket's requests are asked in, for a principal of `account`: through each S3
 * endpoint of that account's VPCs (whose policy then applies too), through the endpoints outside
 * the platform the bucket's policy names (a consumer's VPC), and outside any endpoint.
 */
export function bucketContexts(
  bucket: PlatformResource,
  account: string,
  endpoints: readonly Endpoint[],
): RequestContext[] {
  const s3 = endpoints.filter(
    (e) => e.service.endsWith(".s3") && e.service.includes(bucket.region),
  );
  const contexts: RequestContext[] = s3
    .filter((e) => e.account === account)
    .map((e) => ({
      name: `via ${e.label}`,
      variables: { ...TLS, "aws:SourceVpce": e.id, "aws:SourceVpc": e.vpc },
      endpointPolicy: e.policy,
    }));
  const platform = new Set(s3.map((e) => e.id));
  for (const id of conditionValues(bucket.policy, "aws:SourceVpce")) {
    if (platform.has(id) || id.includes("*") || id.startsWith("ref:")) continue;
    platform.add(id);
    contexts.push({ name: `via ${id}`, variables: { ...TLS, "aws:SourceVpce": id } });
  }
  return [...contexts, OUTSIDE];
}

/** Object key prefixes the policies name for a bucket (`datasets/`), and one they do not. */
function prefixes(bucket: PlatformResource, policies: readonly Policy[]): string[] {
  const found = new Set<string>();
  const pattern = new RegExp(`^${bucket.arn.replace(/[.]/g, "\\.")}/(.*)$`);
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const resource of strings(statement.Resource)) {
        const match = pattern.exec(resource);
        if (!match) continue;
        const prefix = match[1].split(/[*?$]/)[0];
        found.add(prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/") + 1) : "");
      }
    }
  }
  found.delete("");
  return [...[...found].sort(), "other/"];
}

const CI_ROLE = /-ci-(plan|apply)$/;

const aliasesOf = (key: PlatformResource | undefined): string[] =>
  key?.name.startsWith("alias/") ? [key.name] : [];

export function capabilities(model: AccessModel): Capability[] {
  const keys = new Map(model.resources.filter((r) => r.kind === "key").map((k) => [k.arn, k]));
  const allPolicies = [
    ...model.principals.flatMap((p) => p.identity),
    ...model.resources.flatMap((r) => (r.policy ? [r.policy] : [])),
  ];
  const out: Capability[] = [];
  for (const r of model.resources) {
    const base = { account: r.account, resourcePolicy: r.policy, variables: {} };
    if (r.kind === "bucket") {
      out.push(...bucketCapabilities(r, keys, allPolicies));
    } else if (r.kind === "key") {
      out.push({
        ...base,
        id: `decrypt ${r.name} outside S3`,
        kind: "decrypt",
        action: "kms:Decrypt",
        resource: r.arn,
        contexts: [ANYWHERE],
        variables: { "kms:ResourceAliases": aliasesOf(r) },
      });
    } else if (r.kind === "role") {
      out.push(...roleCapabilities(r));
    } else if (r.kind === "model-package-group") {
      out.push({
        ...base,
        id: `approve a version of ${r.name}`,
        kind: "approve",
        action: "sagemaker:UpdateModelPackage",
        resource: `arn:aws:sagemaker:${r.region}:${r.account}:model-package/${r.name}/1`,
        contexts: [ANYWHERE],
        variables: { "sagemaker:ModelApprovalStatus": "Approved" },
      });
    } else if (r.kind === "secret") {
      out.push({
        ...base,
        id: `read secret ${r.name}`,
        kind: "read-secret",
        action: "secretsmanager:GetSecretValue",
        resource: r.arn,
        contexts: [ANYWHERE],
      });
    }
  }
  // The same role or alias name in two accounts: the ids say which.
  const count = new Map<string, number>();
  for (const c of out) count.set(c.id, (count.get(c.id) ?? 0) + 1);
  return out
    .map((c) => (count.get(c.id)! > 1 ? { ...c, id: `${c.id} in ${c.account}` } : c))
    .sort((a, b) => a.account.localeCompare(b.account) || a.id.localeCompare(b.id));
}

/** What may be done to a bucket's objects, per prefix: read, write, and the approval tag's read and write. */
function bucketCapabilities(
  r: PlatformResource,
  keys: Map<string, PlatformResource>,
  allPolicies: readonly Policy[],
): Capability[] {
  const out: Capability[] = [];
  const base = { account: r.account, resourcePolicy: r.policy, variables: {} };
  const tagged = allPolicies.some(
    (p) =>
      JSON.stringify(p.statements).includes(r.arn) &&
      JSON.stringify(p.statements).includes("s3:RequestObjectTag/model-approval"),
  );
  const key = r.keyArn ? keys.get(r.keyArn) : undefined;
  for (const prefix of prefixes(r, allPolicies)) {
    const objectArn = `${r.arn}/${prefix}object`;
    const keyUse = r.keyArn
      ? { arn: r.keyArn, policy: key?.policy, objectArn, aliases: aliasesOf(key) }
      : undefined;
    const encryption: Record<string, string> = r.keyArn
      ? {
          "s3:x-amz-server-side-encryption": "aws:kms",
          "s3:x-amz-server-side-encryption-aws-kms-key-id": r.keyArn,
        }
      : {};
    const owner = { "s3:ResourceAccount": r.account };
    const kinds: [CapabilityKind, string, Record<string, string | string[]>][] = [
      ["read", "s3:GetObject", owner],
      ["write", "s3:PutObject", { ...owner, ...encryption }],
    ];
    if (tagged)
      kinds.push(
        [
          "read-approved",
          "s3:GetObject",
          { ...owner, "s3:ExistingObjectTag/model-approval": "Approved" },
        ],
        [
          "tag-approved",
          "s3:PutObjectTagging",
          {
            ...owner,
            "s3:RequestObjectTagKeys": ["model-approval"],
            "s3:RequestObjectTag/model-approval": "Approved",
          },
        ],
      );
    for (const [kind, action, variables] of kinds) {
      out.push({
        ...base,
        id: `${kind} s3://${r.name}/${prefix}`,
        kind,
        action,
        resource: objectArn,
        key: kind === "tag-approved" ? undefined : keyUse,
        bucket: r,
        contexts: [],
        variables,
      });
    }
  }
  return out;
}

/** What may be done with a role: pass it to its service, assume it, and change a CI role's trust. */
function roleCapabilities(r: PlatformResource): Capability[] {
  const out: Capability[] = [];
  const base = { account: r.account, resourcePolicy: r.policy, variables: {} };
  const service = (r.trust?.statements ?? [])
    .flatMap((s) => strings((s.Principal as { Service?: unknown } | undefined)?.Service))
    .at(0);
  const externalIds = conditionValues(r.trust, "sts:ExternalId");
  if (service !== undefined)
    out.push({
      ...base,
      resourcePolicy: undefined,
      id: `pass role/${r.name}`,
      kind: "pass",
      action: "iam:PassRole",
      resource: r.arn,
      contexts: [ANYWHERE],
      variables: { "iam:PassedToService": service },
    });
  out.push({
    ...base,
    resourcePolicy: r.trust,
    id: `assume role/${r.name}`,
    kind: "assume",
    action: "sts:AssumeRole",
    resource: r.arn,
    contexts: [ANYWHERE],
    variables: externalIds.length > 0 ? { "sts:ExternalId": externalIds[0] } : {},
  });
  if (CI_ROLE.test(r.name))
    out.push({
      ...base,
      resourcePolicy: undefined,
      id: `change role/${r.name}`,
      kind: "change-role",
      action: "iam:UpdateAssumeRolePolicy",
      resource: r.arn,
      contexts: [ANYWHERE],
    });
  return out;
}
