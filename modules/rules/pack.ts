import { ec2EncryptedVolumes } from "./compute/encrypted-volumes";
import { ec2Imdsv2 } from "./compute/imdsv2";
import { ec2NoKeyPair } from "./compute/no-key-pair";
import { ec2NoPublicIp } from "./compute/no-public-ip";
import { rdsBackups } from "./database/backups";
import { rdsDeletionProtection } from "./database/deletion-protection";
import { rdsEncrypted } from "./database/encrypted";
import { rdsNoLiteralPassword } from "./database/no-literal-password";
import { rdsPrivate } from "./database/private";
import { iamActionsExist } from "./iam/actions-exist";
import { iamNoAdminPolicies } from "./iam/no-admin-policies";
import { iamNoServiceWideActionOnAll } from "./iam/no-service-wide-action-on-all";
import { iamNoUsersOrKeys } from "./iam/no-users-or-keys";
import { iamNoWildcardAction } from "./iam/no-wildcard-action";
import { iamPassRoleScoped } from "./iam/pass-role-scoped";
import { iamServiceTrustScoped } from "./iam/service-trust-scoped";
import { iamTrustAnyMfaPrincipal } from "./iam/trust-any-mfa-principal";
import { iamRoleNamePattern } from "./iam/role-name-pattern";
import { iamTrustNoWildcard } from "./iam/trust-no-wildcard";
import { kmsDeletionWindow } from "./kms/deletion-window";
import { kmsPreventDestroy } from "./kms/prevent-destroy";
import { dynamoDbPointInTimeRecovery } from "./database/dynamodb-point-in-time-recovery";
import { kmsExplicitPolicy } from "./kms/explicit-policy";
import { kmsNoOpenPrincipal } from "./kms/no-open-principal";
import { kmsRotation } from "./kms/rotation";
import { logsKmsEncrypted } from "./logs/kms-encrypted";
import { logsRetention } from "./logs/retention";
import { cloudTrailSecure } from "./monitoring/cloudtrail-secure";
import { snsKmsEncrypted } from "./monitoring/sns-kms-encrypted";
import { snsPublishScoped } from "./monitoring/sns-publish-scoped";
import { vpcDefaultSecurityGroupClosed } from "./network/default-security-group-closed";
import { vpcFlowLogs } from "./network/flow-logs";
import { vpcInterfaceEndpoints } from "./network/interface-endpoints";
import { vpcNoDefaultVpc } from "./network/no-default-vpc";
import { sgNoOpenAllTrafficEgress } from "./network/no-open-all-traffic-egress";
import { sgNoOpenIngress } from "./network/no-open-ingress";
import { vpcNoPublicIpOnLaunch } from "./network/no-public-ip-on-launch";
import { vpcS3GatewayEndpoint } from "./network/s3-gateway-endpoint";
import { sgDescriptions } from "./network/security-group-descriptions";
import { s3AbortIncompleteUploads } from "./s3/abort-incomplete-uploads";
import { s3AccessLogging } from "./s3/access-logging";
import { s3KmsEncryption } from "./s3/kms-encryption";
import { s3NoForceDestroy } from "./s3/no-force-destroy";
import { s3OwnershipEnforced } from "./s3/ownership-enforced";
import { s3PreventDestroy } from "./s3/prevent-destroy";
import { s3PublicAccessBlock } from "./s3/public-access-block";
import { s3TlsOnly } from "./s3/tls-only";
import { s3Versioning } from "./s3/versioning";
import { sageMakerDomain } from "./sagemaker/domain";
import { sageMakerMlflowTrackingServer } from "./sagemaker/mlflow-tracking-server";
import { sageMakerNotebookInstance } from "./sagemaker/notebook-instance";
import { stackAllowedAccountIds } from "./stack/allowed-account-ids";
import { stackEncryptedStateWithLocking } from "./stack/encrypted-state-with-locking";
import { stackNoRemoteState } from "./stack/no-remote-state";
import type { Rule } from "./types";

/** The platform's rule pack: every rule, by service. */
export const RULE_PACK: readonly Rule[] = [
  s3PublicAccessBlock,
  s3Versioning,
  s3KmsEncryption,
  s3OwnershipEnforced,
  s3TlsOnly,
  s3AccessLogging,
  s3AbortIncompleteUploads,
  s3NoForceDestroy,
  s3PreventDestroy,
  kmsRotation,
  kmsExplicitPolicy,
  kmsNoOpenPrincipal,
  kmsDeletionWindow,
  kmsPreventDestroy,
  vpcFlowLogs,
  vpcDefaultSecurityGroupClosed,
  vpcNoPublicIpOnLaunch,
  vpcNoDefaultVpc,
  sgDescriptions,
  sgNoOpenIngress,
  sgNoOpenAllTrafficEgress,
  vpcInterfaceEndpoints,
  vpcS3GatewayEndpoint,
  logsKmsEncrypted,
  logsRetention,
  cloudTrailSecure,
  snsKmsEncrypted,
  snsPublishScoped,
  sageMakerDomain,
  sageMakerNotebookInstance,
  sageMakerMlflowTrackingServer,
  iamNoWildcardAction,
  iamNoServiceWideActionOnAll,
  iamNoAdminPolicies,
  iamTrustNoWildcard,
  iamTrustAnyMfaPrincipal,
  iamRoleNamePattern,
  iamServiceTrustScoped,
  iamPassRoleScoped,
  iamActionsExist,
  iamNoUsersOrKeys,
  ec2Imdsv2,
  ec2EncryptedVolumes,
  ec2NoPublicIp,
  ec2NoKeyPair,
  rdsEncrypted,
  rdsPrivate,
  rdsDeletionProtection,
  rdsBackups,
  rdsNoLiteralPassword,
  dynamoDbPointInTimeRecovery,
  stackEncryptedStateWithLocking,
  stackAllowedAccountIds,
  stackNoRemoteState,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULE_PACK.map((r) => r.id));
