/**
 * The example platform's promotion path by name, as the delivery and hosting tests expect it:
 * the targets, the deployer, the targets' roles, the model bucket and its encryption context.
 */
export const TARGETS: [string, string][] = [
  ["staging", "222222222222"],
  ["prod", "333333333333"],
];
export const DEPLOYER = "arn:aws:iam::111111111111:role/mlops-dev-model-deployer";
export const EXECUTION_ROLES = [
  "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
  "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
];
export const DEPLOYMENT_ROLES = [
  "arn:aws:iam::222222222222:role/mlops-staging-model-deployment",
  "arn:aws:iam::333333333333:role/mlops-prod-model-deployment",
];
export const MODEL_BUCKET = "arn:aws:s3:::mlops-dev-models-111111111111-eu-west-1";
/** Only the model bucket's objects (or the bucket, with an S3 Bucket Key). */
export const MODEL_BUCKET_CONTEXT = {
  StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [MODEL_BUCKET, `${MODEL_BUCKET}/*`] },
};
/** What the targets' reads of an artifact require: the approver's tag. */
export const APPROVED_ONLY = {
  StringEquals: { "s3:ExistingObjectTag/model-approval": "Approved" },
};
