import { estimatedPolicySize } from "./iam-policy";
import { IAM_ROLE_NAME } from "../core/patterns";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { Lazy, Token } from "../core/cdktf";
import {
  assertNoUnconditionedWildcard,
  renderPolicy,
  type PolicyEntry,
  type PolicyStatement,
} from "./iam-policy";
import { AWS_LIMITS } from "../core/limits";

/** Something resources can grant access to: a role whose policy the platform writes. */
export interface Grantee {
  /** The ARN resource policies name (a role ARN, never a session ARN). */
  readonly principalArn: string;
  /** Letters and digits naming the grantee in statement ids. */
  readonly grantLabel: string;
  /** Adds a statement to the grantee's own (identity) policy. */
  addToPrincipalPolicy(statement: PolicyStatement): void;
  /**
   * Resource policies name the grantee by condition (its account as the principal, narrowed by
   * `aws:PrincipalArn`), never as the principal itself: a role the platform does not create may
   * not exist when the policy is written (AWS refuses a key policy naming a missing role), and a
   * recreated role would otherwise turn into an AROA id in the policy and a diff on every plan.
   * @default false (a role of the stack, which Terraform creates before the policy naming it)
   */
  readonly namedByCondition?: boolean;
}

/**
 * Named policies that grow while the construct tree is built: the first statement for a name
 * makes its Terraform resources (through `create`, given the policy's lazily rendered JSON), and
 * later statements join it before the JSON is written.
 */
class NamedPolicies {
  protected readonly policies = new Map<string, PolicyEntry[]>();

  constructor(private readonly create: (policyName: string, policyJson: string) => void) {}

  add(statement: PolicyStatement, policyName: string, when?: unknown): void {
    let statements = this.policies.get(policyName);
    if (statements === undefined) {
      const list: PolicyEntry[] = [];
      statements = list;
      this.policies.set(policyName, list);
      this.create(policyName, Lazy.stringValue({ produce: () => renderPolicy(list) }));
    }
    statements.push({ statement, when });
  }
}

/** IAM's size limit of all inline policies of one role together, whitespace excluded. */
export const INLINE_POLICIES_MAX_CHARS = 10_240;

/** Inline policies of one role, within IAM's one budget for all of them. */
class InlinePolicies extends NamedPolicies {
  constructor(
    scope: Construct,
    private readonly role: string,
  ) {
    super((name, policy) => new IamRolePolicy(scope, `policy-${name}`, { role, name, policy }));
    scope.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const size = [...this.policies.values()].reduce(
      (sum, list) => sum + estimatedPolicySize(renderPolicy(list)),
      0,
    );
    return size > INLINE_POLICIES_MAX_CHARS
      ? [
          `the inline policies the platform attaches to role ${this.role} are about ${size} characters; IAM allows ${INLINE_POLICIES_MAX_CHARS} for all of a role's inline policies together: grant fewer or wider prefixes`,
        ]
      : [];
  }
}

/** IAM's size limit of a customer managed policy, whitespace excluded. */
export const MANAGED_POLICY_MAX_CHARS = AWS_LIMITS.iam.managedPolicyChars;
/** IAM's default quota on a role's trust policy ("Role trust policy length"), whitespace excluded. */
export const TRUST_POLICY_MAX_CHARS = 2048;

/** Attached managed policies a role may have by default. */
export const MANAGED_POLICIES_PER_ROLE = 10;

export { estimatedPolicySize } from "./iam-policy";

/**
 * The named policies a role's statements go into, each an `aws_iam_policy` `<role>-<slot>`: by
 * intent, so a plan shows a role's permissions grouped, and IAM's 6,144 characters per managed
 * policy go further. A union, so a misspelt slot fails `tsc` instead of quietly making a policy
 * of its own. `data-<name>`: a bucket's grants that do not fit the `data` policy.
 */
export type PolicySlot =
  | "permissions"
  | "guardrails"
  | "data"
  | `data-${string}`
  | "runtime"
  | "sagemaker"
  | "mlflow"
  | "packages"
  | "deployment"
  | "deployment-guard";

/**
 * A role's permissions as customer managed policies it owns (`<role>-<name>`), attached to it:
 * inline policies share one 10,240-character budget per role, which SageMaker execution roles
 * outgrow; managed policies have 6,144 each.
 */
class ManagedPolicies extends NamedPolicies {
  constructor(
    scope: Construct,
    private readonly roleName: string,
    roleRef: string,
  ) {
    super((name, policyJson) => {
      const policy = new IamPolicy(scope, `policy-${name}`, {
        name: `${roleName}-${name}`,
        description: `${name} of ${roleName}`,
        policy: policyJson,
      });
      new IamRolePolicyAttachment(scope, `attach-${name}`, {
        role: roleRef,
        policyArn: policy.arn,
      });
    });
    scope.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const problems: string[] = [];
    if (this.policies.size > MANAGED_POLICIES_PER_ROLE) {
      problems.push(
        `role ${this.roleName} has ${this.policies.size} policies; IAM attaches at most ${MANAGED_POLICIES_PER_ROLE}`,
      );
    }
    for (const [name, list] of this.policies) {
      const size = estimatedPolicySize(renderPolicy(list));
      if (size > MANAGED_POLICY_MAX_CHARS) {
        problems.push(
          `policy ${this.roleName}-${name} is about ${size} characters; IAM allows ${MANAGED_POLICY_MAX_CHARS} per managed policy: split its statements into another named policy`,
        );
      }
    }
    return problems;
  }
}

/** Letters and digits of a role name, for statement ids. */
export function labelOf(roleName: string): string {
  return roleName.replace(/[^A-Za-z0-9]/g, "");
}

export interface IamRoleProps {
  /** Role name (1 to 64 characters); deterministic, so other accounts can name the role. */
  readonly roleName: string;
  /** What the role is for; shown in the console and in plans. */
  readonly description: string;
  /** Who may assume the role. Every statement names its principals. */
  readonly trustStatements: PolicyStatement[];
  /**
   * Longest session, in seconds (3600 to 43200).
   * @default 3600
   */
  readonly maxSessionDuration?: number;
  /**
   * IAM path of the role.
   * @default "/"
   */
  readonly path?: string;
  /**
   * The policy that grants of other constructs (bucket.grantRead, ...) add to.
   * @default "permissions"
   */
  readonly grantPolicyName?: PolicySlot;
}

/**
 * An IAM role whose permissions are customer managed policies it owns (`<role>-<name>`), so a
 * role and everything it may do appear together in a plan. Statements are added by intent
 * (`addToPolicy`, and the grant methods of other constructs); each named policy becomes one
 * `aws_iam_policy` attached to the role, checked against IAM's size limit at synthesis.
 */
export class IamRole extends Construct implements Grantee {
  readonly role: IamRoleResource;
  readonly roleArn: string;
  readonly roleName: string;
  readonly principalArn: string;
  readonly grantLabel: string;
  private readonly policies: ManagedPolicies;
  private readonly grantPolicyName: PolicySlot;

  constructor(scope: Construct, id: string, props: IamRoleProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.roleName) && !IAM_ROLE_NAME.test(props.roleName)) {
      throw new Error(
        `${this.node.path}: roleName "${props.roleName}" must be 1 to 64 letters, digits or + = , . @ _ -`,
      );
    }
    if (props.trustStatements.length === 0) {
      throw new Error(`${this.node.path}: trustStatements must name who may assume the role`);
    }
    for (const s of props.trustStatements) {
      if (s.Principal === undefined) {
        throw new Error(`${this.node.path}: trust statement "${s.Sid}" must name a principal`);
      }
      assertNoUnconditionedWildcard(s, this.node.path);
    }
    const trustPolicy = renderPolicy(props.trustStatements);
    const trustSize = estimatedPolicySize(trustPolicy);
    if (!Token.isUnresolved(trustPolicy) && trustSize > TRUST_POLICY_MAX_CHARS) {
      throw new Error(
        `${this.node.path}: the trust policy of ${props.roleName} is about ${trustSize} characters; IAM allows ${TRUST_POLICY_MAX_CHARS} by default (quota "Role trust policy length"): name fewer principals`,
      );
    }
    this.role = new IamRoleResource(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trustPolicy,
      maxSessionDuration: props.maxSessionDuration ?? 3600,
      path: props.path,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.principalArn = this.role.arn;
    this.grantLabel = labelOf(props.roleName);
    this.grantPolicyName = props.grantPolicyName ?? "permissions";
    this.policies = new ManagedPolicies(this, props.roleName, this.role.name);
  }

  /**
   * Adds a statement to the named policy, creating and attaching the policy on first use.
   * `when` (a boolean Terraform expression) makes the statement conditional; see PolicyEntry.
   */
  addToPolicy(
    statement: PolicyStatement,
    policyName: PolicySlot = "permissions",
    when?: unknown,
  ): void {
    this.policies.add(statement, policyName, when);
  }

  addToPrincipalPolicy(statement: PolicyStatement): void {
    this.addToPolicy(statement, this.grantPolicyName);
  }

  /**
   * The attachments of the role's policies added so far: what a resource must wait for when its
   * service checks the role's permissions as it is created (CloudTrail, AWS Config), or IAM's
   * eventual consistency fails the first apply.
   */
  permissionsGranted(): IamRolePolicyAttachment[] {
    return this.node
      .findAll()
      .filter((c): c is IamRolePolicyAttachment => c instanceof IamRolePolicyAttachment);
  }
}

export interface ExistingRoleProps {
  /** Name of a role that exists in this account (created outside the platform). */
  readonly roleName: string;
  /** Its ARN (`arn:<partition>:iam::<account>:role/<path><name>`). */
  readonly roleArn: string;
  /** Name of the inline policy the platform attaches to it. */
  readonly policyName: string;
}

/**
 * A role the platform does not own, such as an EKS node or service-account role, to which it
 * attaches one inline policy of least-privilege grants.
 */
export class ExistingRole extends Construct implements Grantee {
  readonly principalArn: string;
  readonly grantLabel: string;
  readonly namedByCondition = true;
  private readonly inline: InlinePolicies;
  private readonly policyName: string;

  constructor(scope: Construct, id: string, props: ExistingRoleProps) {
    super(scope, id);
    this.principalArn = props.roleArn;
    this.grantLabel = labelOf(props.roleName);
    this.policyName = props.policyName;
    this.inline = new InlinePolicies(this, props.roleName);
  }

  addToPrincipalPolicy(statement: PolicyStatement): void {
    this.inline.add(statement, this.policyName);
  }
}
