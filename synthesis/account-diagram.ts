import { list } from "../modules/rules/helpers";
import { accountOf } from "../modules/core/aws-environment";
import type { SynthesizedStack } from "./read-synthesized";

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
  const match = /^\$\{([a-z0-9_]+\.[^.}]+)\.[^}]+\}$/.exec(String(value));
  return match?.[1];
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
    if (narrowed.length > 0 && /:root$/.test(aws)) {
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

/** The Mermaid flowchart of one stack, as a Markdown page. */
export function accountDiagram(stackId: string, stack: SynthesizedStack): string {
  const resources = ((stack as { resource?: Resources }).resource ?? {}) as Resources;
  // In the order of their addresses: the same picture however the JSON's keys are ordered.
  const of = (type: string) =>
    Object.entries(resources[type] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = ["flowchart LR"];
  const ids = new Map<string, string>();
  const node = (key: string) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = `n${ids.size + 1}`;
      ids.set(key, id);
    }
    return id;
  };
  // Which account this stack is in: the provider's allowed account.
  const provider = (stack as { provider?: { aws?: { allowed_account_ids?: string[] }[] } }).provider
    ?.aws?.[0];
  const account = provider?.allowed_account_ids?.[0] ?? "";

  // --- Network (one VPC per stack: made here, or an existing one the endpoints name) ------------
  const [vpc] = of("aws_vpc");
  const endpointResources = of("aws_vpc_endpoint");
  if (vpc !== undefined || endpointResources.length > 0) {
    const title =
      vpc !== undefined
        ? `VPC ${String(vpc[1].cidr_block)}`
        : `existing VPC ${String(endpointResources[0][1].vpc_id)}`;
    lines.push(`  subgraph ${node("vpc")}[${label(title)}]`);
    const zones = new Map<string, string[]>();
    for (const [subnetName, subnet] of of("aws_subnet")) {
      const zone = zoneOf(subnet);
      const tags = (subnet.tags ?? {}) as Record<string, string>;
      const text = `${tags.tier ?? "subnet"} ${String(subnet.cidr_block)}`;
      zones.set(zone, [...(zones.get(zone) ?? []), `${subnetName}\u0000${text}`]);
    }
    for (const [zone, subnets] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    subgraph ${node(`zone.${zone}`)}[${label(zone)}]`);
      for (const entry of subnets) {
        const [subnetName, text] = entry.split("\u0000");
        lines.push(`      ${node(`aws_subnet.${subnetName}`)}[${label(text)}]`);
      }
      lines.push("    end");
    }
    const endpoints = endpointResources.map(([, e]) => {
      const service = String(e.service_name).split(".");
      const short = service.slice(service.indexOf(String(service.find((p) => /\d$/.test(p)))) + 1);
      return `${short.join(".") || String(e.service_name)}${e.vpc_endpoint_type === "Gateway" ? " (gateway)" : ""}`;
    });
    if (endpoints.length > 0) {
      lines.push(`    ${node("endpoints")}[${label(`endpoints: ${endpoints.sort().join(", ")}`)}]`);
    }
    lines.push("  end");
  }

  // --- Data ------------------------------------------------------------------------------
  const aliases = new Map<string, string>();
  for (const [, alias] of of("aws_kms_alias")) {
    const key = referenced(alias.target_key_id);
    if (key) aliases.set(key, String(alias.name));
  }
  const keys = of("aws_kms_key");
  const buckets = of("aws_s3_bucket");
  if (keys.length + buckets.length > 0) {
    lines.push(`  subgraph ${node("data")}[${label("Buckets and keys")}]`);
    for (const [name] of keys) {
      lines.push(
        `    ${node(`aws_kms_key.${name}`)}{{${label(`key ${aliases.get(`aws_kms_key.${name}`) ?? name}`)}}}`,
      );
    }
    for (const [name, bucket] of buckets) {
      lines.push(`    ${node(`aws_s3_bucket.${name}`)}[(${label(String(bucket.bucket))})]`);
    }
    lines.push("  end");
    for (const [, sse] of of("aws_s3_bucket_server_side_encryption_configuration")) {
      const bucket = referenced(sse.bucket);
      const [rule] = (sse.rule ?? []) as { apply_server_side_encryption_by_default?: unknown }[];
      const byDefault = rule?.apply_server_side_encryption_by_default as
        | Record<string, unknown>
        | undefined;
      const key = referenced(byDefault?.kms_master_key_id);
      if (bucket && key && ids.has(bucket) && ids.has(key)) {
        lines.push(`  ${node(bucket)} -->|encrypted by| ${node(key)}`);
      }
    }
  }

  // --- SageMaker and MLflow --------------------------------------------------------------
  for (const [name, domain] of of("aws_sagemaker_domain")) {
    const profiles = of("aws_sagemaker_user_profile").length;
    lines.push(
      `  ${node(`aws_sagemaker_domain.${name}`)}[${label(`Studio ${String(domain.domain_name)} (${String(domain.auth_mode)}, ${String(domain.app_network_access_type)}, ${profiles} user profiles)`)}]`,
    );
    const role = referenced(
      (domain.default_user_settings as Record<string, unknown>)?.execution_role,
    );
    if (role) lines.push(`  ${node(`aws_sagemaker_domain.${name}`)} -->|runs as| ${node(role)}`);
  }
  for (const [name] of of("aws_instance")) {
    lines.push(`  ${node(`aws_instance.${name}`)}[${label("MLflow server (EC2, TLS)")}]`);
  }
  for (const [name, server] of of("aws_sagemaker_mlflow_tracking_server")) {
    lines.push(
      `  ${node(`aws_sagemaker_mlflow_tracking_server.${name}`)}[${label(`MLflow ${String(server.tracking_server_name)} (managed)`)}]`,
    );
  }
  for (const [name, db] of of("aws_db_instance")) {
    lines.push(
      `  ${node(`aws_db_instance.${name}`)}[(${label(`PostgreSQL ${String(db.identifier)}`)})]`,
    );
  }

  // --- Roles and who may assume them -------------------------------------------------------
  const roles = of("aws_iam_role");
  if (roles.length > 0) {
    lines.push(`  subgraph ${node("roles")}[${label("Roles")}]`);
    for (const [name, role] of roles) {
      lines.push(`    ${node(`aws_iam_role.${name}`)}([${label(String(role.name))}])`);
    }
    lines.push("  end");
    const providers = new Map(
      of("aws_iam_openid_connect_provider").map(([name, p]) => [
        `aws_iam_openid_connect_provider.${name}`,
        String(p.url).replace(/^https:\/\//, ""),
      ]),
    );
    const drawn = new Set<string>();
    const roleByArn = new Map(
      roles.map(([name, role]) => [
        `arn:aws:iam::${account}:role/${String(role.name)}`,
        `aws_iam_role.${name}`,
      ]),
    );
    for (const [name, role] of roles) {
      const policy = JSON.parse(String(role.assume_role_policy)) as { Statement: Statement[] };
      const principals = new Set(
        policy.Statement.flatMap((s) => principalsOf(s, account, providers)),
      );
      for (const principal of principals) {
        const local = roleByArn.get(principal) ?? referenced(principal);
        const from = local && ids.has(local) ? node(local) : node(`principal.${principal}`);
        if (!(local && ids.has(local)) && !drawn.has(from)) {
          drawn.add(from);
          lines.push(
            `  ${from}>${label(principal.startsWith("arn:") ? roleLabel(principal, account) : principal)}]`,
          );
        }
        lines.push(`  ${from} -->|assumes| ${node(`aws_iam_role.${name}`)}`);
      }
    }
  }
  return [
    `# ${stackId}`,
    "",
    "<!-- Generated from the synthesized stack at every synthesis; do not edit. -->",
    "",
    "```mermaid",
    ...lines,
    "```",
    "",
  ].join("\n");
}
