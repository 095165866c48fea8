import { accountOf } from "../modules/core/aws-environment";
import { listOf as list, referenceOf, type StackJson } from "../modules/core/terraform-json";

/**
 * A picture of what one synthesized stack deploys, as a Mermaid flowchart (GitHub and most
 * editors render it): the VPC with its subnets per zone and its endpoints, the buckets with the
 * keys that encrypt them, Studio, MLflow, and every role with who may assume it, including
 * principals of other accounts. It is made from the synthesized Terraform JSON, not from the
 * config, so it shows what will be deployed. Written beside each stack at every synthesis
 * (`cdktf.out/stacks/<stack>/diagram.md`).
 */

export const DIAGRAM_FILE = "diagram.md";

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Statement = {
  Effect?: string;
  Action?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** Mermaid labels: quotes and angle brackets as entities, one line. */
function label(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\n/g, " ")}"`;
}

/** A policy field that may be one value or a list, as strings. */
const strings = (v: unknown): string[] => list(v as unknown).map(String);

/** `${aws_x.name.attr}` → `aws_x.name`; undefined for anything else. */
function referenced(value: unknown): string | undefined {
  const reference = referenceOf(value);
  return reference && `${reference.type}.${reference.name}`;
}

/** The zone a subnet is in: its literal name, or the n-th zone the region offers. */
function zoneOf(subnet: Record<string, unknown>): string {
  const zone = String(subnet.availability_zone ?? "");
  const index = /element\([^,]+,\s*(\d+)\)/.exec(zone);
  if (index) return `AZ ${Number(index[1]) + 1}`;
  return zone.startsWith("${") ? "AZ" : zone;
}

/** Who a trust statement lets assume the role, one label per principal. */
function principalsOf(
  statement: Statement,
  account: string,
  providers: Map<string, string>,
): string[] {
  const principal = statement.Principal;
  const condition = statement.Condition ?? {};
  const narrowed = [
    ...strings(condition.ArnEquals?.["aws:PrincipalArn"]),
    ...strings(condition.ArnLike?.["aws:PrincipalArn"]),
  ];
  if (principal === "*" || principal === undefined) return narrowed.length ? narrowed : ["anyone"];
  const p = principal as Record<string, unknown>;
  const out: string[] = [];
  for (const service of strings(p.Service)) out.push(`service ${service}`);
  for (const federated of strings(p.Federated)) {
    const subjects = Object.values(condition)
      .flatMap((c) => Object.entries(c))
      .filter(([key]) => key.endsWith(":sub"))
      .flatMap(([, v]) => strings(v));
    const reference = referenced(federated);
    const provider =
      (reference && providers.get(reference)) ??
      (federated.split("/").slice(1).join("/") || federated);
    out.push(`${provider}${subjects.length ? ` (${subjects.join(", ")})` : ""}`);
  }
  for (const aws of strings(p.AWS)) {
    if (narrowed.length > 0 && (aws === "*" || /:root$/.test(aws))) {
      out.push(...narrowed);
    } else if (/:root$/.test(aws)) {
      const mfa = condition.Bool?.["aws:MultiFactorAuthPresent"] === "true";
      const acct = accountOf(aws);
      out.push(
        `${acct === account ? "principals of this account" : `account ${acct}`}${mfa ? " with MFA" : ""}`,
      );
    } else {
      out.push(aws);
    }
  }
  return out;
}

/** A role ARN (or pattern) as people read it: its name, and its account when not this one. */
function roleLabel(arn: string, account: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[2] !== "iam") return arn;
  const name = parts
    .slice(5)
    .join(":")
    .replace(/^role\//, "role ");
  return parts[4] === account ? name : `${name} (account ${parts[4] || "any"})`;
}

/** One flowchart being drawn: its lines, its node ids, the stack's resources by type. */
class Drawing {
  readonly lines: string[] = ["flowchart LR"];
  readonly ids = new Map<string, string>();
  /** Principal nodes already declared (a principal may reach several roles and buckets). */
  readonly principals = new Set<string>();
  constructor(
    private readonly resources: Resources,
    /** The account this stack is in: its provider's allowed account. */
    readonly account: string,
  ) {}

  /** A resource type's resources, in the order of their addresses (any JSON key order). */
  of(type: string): [string, Record<string, unknown>][] {
    return Object.entries(this.resources[type] ?? {}).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
  }

  node(key: string): string {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `n${this.ids.size + 1}`;
      this.ids.set(key, id);
    }
    return id;
  }

  /** An edge between two resources (addresses), when both are drawn. */
  edge(from: string | undefined, relation: string, to: string | undefined): void {
    if (from && to && this.ids.has(from) && this.ids.has(to))
      this.lines.push(`  ${this.node(from)} -->|${relation}| ${this.node(to)}`);
  }

  /** The node of a principal: a drawn role of this stack, or a principal node declared once. */
  principal(principal: string, roleByArn: Map<string, string>): string {
    const local = roleByArn.get(principal) ?? referenced(principal);
    if (local && this.ids.has(local)) return this.node(local);
    const id = this.node(`principal.${principal}`);
    if (!this.principals.has(id)) {
      this.principals.add(id);
      const text = principal.startsWith("arn:") ? roleLabel(principal, this.account) : principal;
      this.lines.push(`  ${id}>${label(text)}]`);
    }
    return id;
  }
}

function drawNetwork(d: Drawing): void {
  const [vpc] = d.of("aws_vpc");
  const endpointResources = d.of("aws_vpc_endpoint");
  if (vpc === undefined && endpointResources.length === 0) return;
  const title =
    vpc !== undefined
      ? `VPC ${String(vpc[1].cidr_block)}`
      : `existing VPC ${String(endpointResources[0][1].vpc_id)}`;
  d.lines.push(`  subgraph ${d.node("vpc")}[${label(title)}]`);
  const zones = new Map<string, string[]>();
  for (const [subnetName, subnet] of d.of("aws_subnet")) {
    const zone = zoneOf(subnet);
    const tags = (subnet.tags ?? {}) as Record<string, string>;
    const text = `${tags.tier ?? "subnet"} ${String(subnet.cidr_block)}`;
    zones.set(zone, [...(zones.get(zone) ?? []), `${subnetName}\u0000${text}`]);
  }
  for (const [zone, subnets] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
    d.lines.push(`    subgraph ${d.node(`zone.${zone}`)}[${label(zone)}]`);
    for (const entry of subnets) {
      const [subnetName, text] = entry.split("\u0000");
      d.lines.push(`      ${d.node(`aws_subnet.${subnetName}`)}[${label(text)}]`);
    }
    d.lines.push("    end");
  }
  // Grouped by the features that need them (the endpoints' `needed-by` tags): "studio, jobs:
  // kms, sagemaker.api, sts; mlflow-server: ssm, ...".
  const groups = new Map<string, string[]>();
  for (const [, e] of endpointResources) {
    const service = String(e.service_name).split(".");
    const short = service.slice(service.indexOf(String(service.find((p) => /\d$/.test(p)))) + 1);
    const name = `${short.join(".") || String(e.service_name)}${e.vpc_endpoint_type === "Gateway" ? " (gateway)" : ""}`;
    const neededBy = String((e.tags as Record<string, unknown> | undefined)?.["needed-by"] ?? "")
      .split(" ")
      .filter(Boolean)
      .join(", ");
    groups.set(neededBy, [...(groups.get(neededBy) ?? []), name]);
  }
  if (groups.size > 0) {
    const text = [...groups.entries()]
      .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)))
      .map(
        ([neededBy, names]) =>
          `${neededBy === "" ? "" : `${neededBy}: `}${names.sort().join(", ")}`,
      )
      .join("; ");
    d.lines.push(`    ${d.node("endpoints")}[${label(`endpoints: ${text}`)}]`);
  }
  d.lines.push("  end");
}

function drawData(d: Drawing): void {
  const aliases = new Map<string, string>();
  for (const [, alias] of d.of("aws_kms_alias")) {
    const key = referenced(alias.target_key_id);
    if (key) aliases.set(key, String(alias.name));
  }
  const keys = d.of("aws_kms_key");
  const buckets = d.of("aws_s3_bucket");
  if (keys.length + buckets.length === 0) return;
  d.lines.push(`  subgraph ${d.node("data")}[${label("Buckets and keys")}]`);
  for (const [name] of keys) {
    d.lines.push(
      `    ${d.node(`aws_kms_key.${name}`)}{{${label(`key ${aliases.get(`aws_kms_key.${name}`) ?? name}`)}}}`,
    );
  }
  for (const [name, bucket] of buckets) {
    d.lines.push(`    ${d.node(`aws_s3_bucket.${name}`)}[(${label(String(bucket.bucket))})]`);
  }
  d.lines.push("  end");
  for (const [, sse] of d.of("aws_s3_bucket_server_side_encryption_configuration")) {
    const [rule] = (sse.rule ?? []) as { apply_server_side_encryption_by_default?: unknown }[];
    const byDefault = rule?.apply_server_side_encryption_by_default as
      | Record<string, unknown>
      | undefined;
    d.edge(referenced(sse.bucket), "encrypted by", referenced(byDefault?.kms_master_key_id));
  }
  // Log groups, counted per key: each would be a node of its own.
  const logGroups = new Map<string, number>();
  for (const [, group] of d.of("aws_cloudwatch_log_group")) {
    const key = referenced(group.kms_key_id);
    if (key) logGroups.set(key, (logGroups.get(key) ?? 0) + 1);
  }
  for (const [key, count] of [...logGroups].sort(([a], [b]) => a.localeCompare(b))) {
    if (!d.ids.has(key)) continue;
    const id = d.node(`logs.${key}`);
    d.lines.push(`  ${id}[${label(`${count} log group${count === 1 ? "" : "s"}`)}]`);
    d.lines.push(`  ${id} -->|encrypted by| ${d.node(key)}`);
  }
}

function drawCompute(d: Drawing): void {
  for (const [name, domain] of d.of("aws_sagemaker_domain")) {
    const profiles = d.of("aws_sagemaker_user_profile").length;
    d.lines.push(
      `  ${d.node(`aws_sagemaker_domain.${name}`)}[${label(`Studio ${String(domain.domain_name)} (${String(domain.auth_mode)}, ${String(domain.app_network_access_type)}, ${profiles} user profiles)`)}]`,
    );
  }
  for (const [name] of d.of("aws_instance")) {
    d.lines.push(`  ${d.node(`aws_instance.${name}`)}[${label("MLflow server (EC2, TLS)")}]`);
  }
  for (const [name, server] of d.of("aws_sagemaker_mlflow_tracking_server")) {
    d.lines.push(
      `  ${d.node(`aws_sagemaker_mlflow_tracking_server.${name}`)}[${label(`MLflow ${String(server.tracking_server_name)} (managed)`)}]`,
    );
  }
  for (const [name, db] of d.of("aws_db_instance")) {
    d.lines.push(
      `  ${d.node(`aws_db_instance.${name}`)}[(${label(`PostgreSQL ${String(db.identifier)}`)})]`,
    );
  }
}

/** What runs as which role, where it keeps its data, and what encrypts it (roles drawn). */
function drawComputeEdges(d: Drawing): void {
  for (const [name, domain] of d.of("aws_sagemaker_domain")) {
    const at = `aws_sagemaker_domain.${name}`;
    const settings = domain.default_user_settings as Record<string, unknown> | undefined;
    d.edge(at, "runs as", referenced(settings?.execution_role));
    d.edge(at, "encrypted by", referenced(domain.kms_key_id));
  }
  const profiles = new Map(
    d
      .of("aws_iam_instance_profile")
      .map(([name, p]) => [`aws_iam_instance_profile.${name}`, referenced(p.role)]),
  );
  const databases = d.of("aws_db_instance").map(([name]) => `aws_db_instance.${name}`);
  const templates = new Map(
    d
      .of("aws_launch_template")
      .map(([name, t]) => [
        `aws_launch_template.${name}`,
        referenced((t.iam_instance_profile as { name?: unknown } | undefined)?.name),
      ]),
  );
  for (const [name, instance] of d.of("aws_instance")) {
    const at = `aws_instance.${name}`;
    // Its instance profile: named on the instance, or in its launch template.
    const template = referenced((instance.launch_template as { id?: unknown } | undefined)?.id);
    const profile = referenced(instance.iam_instance_profile) ?? templates.get(template ?? "");
    d.edge(at, "runs as", profiles.get(profile ?? ""));
    // The server's backend store is the stack's database (its endpoint is in the user data).
    for (const db of databases) d.edge(at, "backend store", db);
  }
  for (const [name, db] of d.of("aws_db_instance")) {
    d.edge(`aws_db_instance.${name}`, "encrypted by", referenced(db.kms_key_id));
  }
  const bucketByName = new Map(
    d.of("aws_s3_bucket").map(([name, b]) => [String(b.bucket), `aws_s3_bucket.${name}`]),
  );
  for (const [name, server] of d.of("aws_sagemaker_mlflow_tracking_server")) {
    const at = `aws_sagemaker_mlflow_tracking_server.${name}`;
    d.edge(at, "runs as", referenced(server.role_arn));
    const store = /^s3:\/\/([^/]+)/.exec(String(server.artifact_store_uri))?.[1];
    d.edge(
      at,
      "artifacts in",
      store?.startsWith("${") ? referenced(store) : bucketByName.get(store ?? ""),
    );
  }
}

function drawRoles(d: Drawing): Map<string, string> {
  const roles = d.of("aws_iam_role");
  const roleByArn = new Map(
    roles.map(([name, role]) => [
      `arn:aws:iam::${d.account}:role/${String(role.name)}`,
      `aws_iam_role.${name}`,
    ]),
  );
  if (roles.length === 0) return roleByArn;
  d.lines.push(`  subgraph ${d.node("roles")}[${label("Roles")}]`);
  for (const [name, role] of roles) {
    d.lines.push(`    ${d.node(`aws_iam_role.${name}`)}([${label(String(role.name))}])`);
  }
  d.lines.push("  end");
  return roleByArn;
}

function drawTrust(d: Drawing, roleByArn: Map<string, string>): void {
  const providers = new Map(
    d
      .of("aws_iam_openid_connect_provider")
      .map(([name, p]) => [
        `aws_iam_openid_connect_provider.${name}`,
        String(p.url).replace(/^https:\/\//, ""),
      ]),
  );
  for (const [name, role] of d.of("aws_iam_role")) {
    const policy = JSON.parse(String(role.assume_role_policy)) as { Statement: Statement[] };
    const principals = new Set(
      policy.Statement.flatMap((s) => principalsOf(s, d.account, providers)),
    );
    for (const principal of principals) {
      const from = d.principal(principal, roleByArn);
      d.lines.push(`  ${from} -->|assumes| ${d.node(`aws_iam_role.${name}`)}`);
    }
  }
}

/** Principals of other accounts that a bucket policy lets read or write objects. */
function drawOtherAccountsData(d: Drawing, roleByArn: Map<string, string>): void {
  for (const [, bucketPolicy] of d.of("aws_s3_bucket_policy")) {
    const bucket = referenced(bucketPolicy.bucket);
    if (bucket === undefined || !d.ids.has(bucket)) continue;
    const policy = JSON.parse(String(bucketPolicy.policy)) as { Statement: Statement[] };
    for (const statement of policy.Statement) {
      if (statement.Effect !== "Allow") continue;
      const actions = strings(statement.Action);
      const reads = actions.some((a) => /^s3:(GetObject|\*)$/.test(a));
      const writes = actions.some((a) => /^s3:(PutObject|\*)$/.test(a));
      if (!reads && !writes) continue;
      const relation = reads && writes ? "reads and writes" : reads ? "reads" : "writes";
      for (const principal of principalsOf(statement, d.account, new Map())) {
        if (!principal.startsWith("arn:") || accountOf(principal) === d.account) continue;
        d.lines.push(`  ${d.principal(principal, roleByArn)} -->|${relation}| ${d.node(bucket)}`);
      }
    }
  }
}

/** The Mermaid flowchart of one stack, as a Markdown page. */
export function accountDiagram(stackId: string, stack: StackJson): string {
  const provider = (stack as { provider?: { aws?: { allowed_account_ids?: string[] }[] } }).provider
    ?.aws?.[0];
  const d = new Drawing(
    ((stack as { resource?: Resources }).resource ?? {}) as Resources,
    provider?.allowed_account_ids?.[0] ?? "",
  );
  drawNetwork(d);
  drawData(d);
  drawCompute(d);
  const roleByArn = drawRoles(d);
  drawComputeEdges(d);
  drawTrust(d, roleByArn);
  drawOtherAccountsData(d, roleByArn);
  return [
    `# ${stackId}`,
    "",
    "<!-- Generated from the synthesized stack at every synthesis; do not edit. -->",
    "",
    "```mermaid",
    ...d.lines,
    "```",
    "",
  ].join("\n");
}
