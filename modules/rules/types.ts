/**
 * The rule pack's vocabulary. Rules read synthesized Terraform JSON, so the same pack runs at
 * synthesis and over an existing cdktf.out (`npm run scan`), on resources the platform writes
 * and on resources users add.
 */

export type Level = "error" | "warning";

export type { StackJson, Suppression } from "../core/terraform-json";
import type { StackJson, Suppression } from "../core/terraform-json";

export interface ResourceView {
  readonly type: string;
  readonly name: string;
  /** `type.name`, the Terraform address. */
  readonly address: string;
  readonly config: Record<string, any>;
  /** Construct path, when the JSON carries metadata. */
  readonly path?: string;
  readonly suppressions: readonly Suppression[];
}

export interface RuleContext {
  readonly stackId: string;
  readonly json: StackJson;
  readonly resources: readonly ResourceView[];
  byType(type: string): ResourceView[];
  /** Whether an IAM action (or a pattern such as `kms:GenerateDataKey*`) exists. */
  actionExists(action: string): boolean;
}

/** A stack that breaks one condition of a rule, and the findings (`address: message`) it gets. */
export interface Violation {
  readonly stack: StackJson;
  readonly findings: readonly string[];
}

/**
 * Example stacks for a rule: one it accepts, and one it refuses for each condition it checks,
 * with the exact findings, so that losing any condition fails a test.
 */
export interface RuleExamples {
  readonly compliant: StackJson;
  readonly nonCompliant: readonly Violation[];
}

/**
 * Every rule's id: a union, so a misspelt id in a rule or a suppression fails `tsc` (a test keeps
 * it equal to the pack's ids). A new rule adds its id here.
 */
export type RuleId =
  | "CloudTrail.Secure"
  | "DynamoDB.PointInTimeRecovery"
  | "EC2.EncryptedVolumes"
  | "EC2.Imdsv2"
  | "EC2.NoKeyPair"
  | "EC2.NoPublicIp"
  | "IAM.ActionsExist"
  | "IAM.NoAdminPolicies"
  | "IAM.NoServiceWideActionOnAll"
  | "IAM.NoUsersOrKeys"
  | "IAM.NoWildcardAction"
  | "IAM.PassRoleScoped"
  | "IAM.RoleNamePattern"
  | "IAM.ServiceTrustScoped"
  | "IAM.TrustAnyMfaPrincipal"
  | "IAM.TrustNoWildcard"
  | "KMS.DeletionWindow"
  | "KMS.ExplicitPolicy"
  | "KMS.NoOpenPrincipal"
  | "KMS.PreventDestroy"
  | "KMS.Rotation"
  | "Logs.KmsEncrypted"
  | "Logs.Retention"
  | "RDS.Backups"
  | "RDS.DeletionProtection"
  | "RDS.Encrypted"
  | "RDS.NoLiteralPassword"
  | "RDS.Private"
  | "S3.AbortIncompleteUploads"
  | "S3.AccessLogging"
  | "S3.KmsEncryption"
  | "S3.NoForceDestroy"
  | "S3.OwnershipEnforced"
  | "S3.PreventDestroy"
  | "S3.PublicAccessBlock"
  | "S3.TlsOnly"
  | "S3.Versioning"
  | "SNS.KmsEncrypted"
  | "SNS.PublishScoped"
  | "SG.Descriptions"
  | "SG.NoOpenAllTrafficEgress"
  | "SG.NoOpenIngress"
  | "SageMaker.Domain"
  | "SageMaker.MlflowTrackingServer"
  | "SageMaker.NotebookInstance"
  | "Stack.AllowedAccountIds"
  | "Stack.EncryptedStateWithLocking"
  | "Stack.NoRemoteState"
  | "VPC.DefaultSecurityGroupClosed"
  | "VPC.FlowLogs"
  | "VPC.InterfaceEndpoints"
  | "VPC.NoDefaultVpc"
  | "VPC.NoPublicIpOnLaunch"
  | "VPC.S3GatewayEndpoint";

interface RuleInfo {
  /** `<Service>.<Name>`. */
  readonly id: RuleId;
  readonly level: Level;
  /** One line: what the rule requires. */
  readonly summary: string;
  /** Why, and how to comply. */
  readonly explanation: string;
  readonly examples: RuleExamples;
}

/** A rule about one resource at a time. Returns why it is non-compliant, or undefined. */
export interface ResourceRule extends RuleInfo {
  readonly kind: "resource";
  readonly resourceTypes: readonly string[];
  check(resource: ResourceView, ctx: RuleContext): string | undefined;
}

/** A rule about the stack as a whole (backend, providers, data sources). */
export interface StackRule extends RuleInfo {
  readonly kind: "stack";
  check(ctx: RuleContext): string[];
}

export type Rule = ResourceRule | StackRule;

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly stackId: string;
  /** Terraform address, or `stack` for stack rules. */
  readonly address: string;
  readonly path?: string;
  readonly message: string;
  /** Set when a suppression covers the finding. */
  readonly suppressedBecause?: string;
}
