import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { Lazy, Token } from "./cdktf";
import { assertNoUnconditionedWildcard, renderPolicy, type PolicyStatement } from "./iam-policy";

/** Something resources can grant access to: a role whose policy the platform writes. */
export interface Grantee {
  /** The ARN resource policies name (a role ARN, never a session ARN). */
  readonly principalArn: string;
  /** Letters and digits naming the grantee in statement ids. */
  readonly grantLabel: string;
  /** Adds a statement to the grantee's own (identity) policy. */
  addToPrincipalPolicy(statement: PolicyStatement): void;
}

/**
 * Inline policies of one role, each rendered when the Terraform JSON is written so grants can
 * keep adding statements while the tree is built.
 */
class InlinePolicies {
  private readonly policies = new Map<string, PolicyStatement[]>();

  constructor(
    private readonly scope: Construct,
    private readonly role: string,
  ) {}

  add(statement: PolicyStatement, policyName: string): void {
    let statements = this.policies.get(policyName);
    if (statements === undefined) {
      const list: PolicyStatement[] = [];
      statements = list;
      this.policies.set(policyName, list);
      new IamRolePolicy(this.scope, `policy-${policyName}`, {
        role: this.role,
        name: policyName,
        policy: Lazy.stringValue({ produce: () => renderPolicy(list) }),
      });
    }
    statements.push(statement);
  }

  statements(policyName: string): readonly PolicyStatement[] {
    return this.policies.get(policyName) ?? [];
  }
}

function labelOf(roleName: string): string {
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
}

/**
 * An IAM role whose permissions are inline policies it owns, so a role and everything it may do
 * appear together in a plan. Statements are added by intent (`addToPolicy`, and the grant
 * methods of other constructs); each named policy becomes one `aws_iam_role_policy`.
 */
export class IamRole extends Construct implements Grantee {
  readonly role: IamRoleResource;
  readonly roleArn: string;
  readonly roleName: string;
  readonly principalArn: string;
  readonly grantLabel: string;
  private readonly inline: InlinePolicies;

  constructor(scope: Construct, id: string, props: IamRoleProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.roleName) && !/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
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
    this.role = new IamRoleResource(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: renderPolicy(props.trustStatements),
      maxSessionDuration: props.maxSessionDuration ?? 3600,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.principalArn = this.role.arn;
    this.grantLabel = labelOf(props.roleName);
    this.inline = new InlinePolicies(this, this.role.id);
  }

  /** Adds a statement to the named inline policy, creating the policy on first use. */
  addToPolicy(statement: PolicyStatement, policyName = "permissions"): void {
    this.inline.add(statement, policyName);
  }

  addToPrincipalPolicy(statement: PolicyStatement): void {
    this.addToPolicy(statement);
  }

  /** The statements of each inline policy (for tests and reports). */
  policyStatements(policyName = "permissions"): readonly PolicyStatement[] {
    return this.inline.statements(policyName);
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

  get policyStatements(): readonly PolicyStatement[] {
    return this.inline.statements(this.policyName);
  }
}
