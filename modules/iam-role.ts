import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { Lazy, Token } from "./cdktf";
import { assertNoUnconditionedWildcard, renderPolicy, type PolicyStatement } from "./iam-policy";

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
export class IamRole extends Construct {
  readonly role: IamRoleResource;
  readonly roleArn: string;
  readonly roleName: string;
  private readonly policies = new Map<string, PolicyStatement[]>();

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
  }

  /** Adds a statement to the named inline policy, creating the policy on first use. */
  addToPolicy(statement: PolicyStatement, policyName = "permissions"): void {
    let statements = this.policies.get(policyName);
    if (statements === undefined) {
      statements = [];
      this.policies.set(policyName, statements);
      const list = statements;
      new IamRolePolicy(this, `policy-${policyName}`, {
        role: this.role.id,
        name: policyName,
        policy: Lazy.stringValue({ produce: () => renderPolicy(list) }),
      });
    }
    statements.push(statement);
  }

  /** The statements of each inline policy (for tests and reports). */
  policyStatements(policyName = "permissions"): readonly PolicyStatement[] {
    return this.policies.get(policyName) ?? [];
  }
}
