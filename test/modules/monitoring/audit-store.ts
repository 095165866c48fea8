/** The monitoring constructs' test scaffolding: a key of the account and the audit bucket. */
import type { Construct } from "constructs";
import { KmsKey } from "../../../modules/kms/kms-key";
import { SecureBucket } from "../../../modules/storage/secure-bucket";
import { TEST_ENV } from "../../helpers";

export const AUDIT_BUCKET = "p-dev-audit-logs-111111111111-eu-west-1";
export const DEPLOY_ROLE = "arn:aws:iam::111111111111:role/terraform-deploy";

/** A key `alias/p-dev-<purpose>` the deploy role administers. */
export function testKey(scope: Construct, purpose: string): KmsKey {
  return new KmsKey(scope, `${purpose}-key`, {
    alias: `alias/p-dev-${purpose}`,
    description: purpose,
    administratorArns: [DEPLOY_ROLE],
  });
}

/** The audit key and the audit bucket it encrypts. */
export function auditStore(scope: Construct): { key: KmsKey; bucket: SecureBucket } {
  const key = testKey(scope, "audit");
  const bucket = new SecureBucket(scope, "audit-bucket", {
    bucketName: AUDIT_BUCKET,
    encryption: { kmsKey: key },
    environment: TEST_ENV,
    accessLogs: { targetBucketName: "p-dev-access-logs" },
  });
  return { key, bucket };
}
