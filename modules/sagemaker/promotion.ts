import type { PolicyConditions, PolicyStatement } from "../iam/iam-policy";

/**
 * The IAM side of "approved models only" on the promotion path (docs/architecture.md, "Model promotion").
 *
 * SageMaker refuses to deploy a versioned model package that is not Approved, but a target
 * account could still be handed a raw artifact URL. So the artifacts carry the approval too: an
 * object of the model bucket is readable from a target account only while its `model-approval`
 * tag says `Approved`, and only the model approver persona may set that tag (the bucket policy
 * refuses it to every other principal, whatever their own policies allow).
 */
export const MODEL_APPROVAL_TAG = "model-approval";

/** The condition on every cross-account read of model artifacts. */
export function approvedArtifactsOnly(): PolicyConditions {
  return { StringEquals: { [`s3:ExistingObjectTag/${MODEL_APPROVAL_TAG}`]: "Approved" } };
}

/** What the approver needs to mark artifacts: read and write the approval tag under `prefix`. */
export function tagModelArtifacts(bucketArn: string, prefix: string): PolicyStatement[] {
  return [
    {
      Sid: "FindModelArtifacts",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
    },
    {
      Sid: "ReadModelArtifactTags",
      Effect: "Allow",
      Action: ["s3:GetObjectTagging", "s3:GetObjectVersionTagging"],
      Resource: `${bucketArn}/${prefix}*`,
    },
    {
      Sid: "MarkModelArtifactsApprovedOrRejected",
      Effect: "Allow",
      Action: ["s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
      Resource: `${bucketArn}/${prefix}*`,
      Condition: {
        "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": [MODEL_APPROVAL_TAG] },
        StringEquals: { [`s3:RequestObjectTag/${MODEL_APPROVAL_TAG}`]: ["Approved", "Rejected"] },
      },
    },
  ];
}

/**
 * The model bucket's guard: no principal but the approver may write the approval tag, neither
 * with the object (PutObject, multipart uploads, copies that replace tags) nor afterwards.
 */
export function denyApprovalTagExceptApprover(
  bucketArn: string,
  approverArn: string,
): PolicyStatement {
  return {
    Sid: "OnlyTheApproverTagsModelApproval",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
    Resource: `${bucketArn}/*`,
    Condition: {
      "ForAnyValue:StringEquals": { "s3:RequestObjectTagKeys": [MODEL_APPROVAL_TAG] },
      ArnNotEquals: { "aws:PrincipalArn": approverArn },
    },
  };
}

/**
 * No copy into the model artifacts prefix but the approver's. A copy keeps the source's tags by
 * default (tagging directive COPY) and carries no tag keys in the request, so the tag guard
 * above does not see it: an object tagged `model-approval=Approved` anywhere (another bucket, or
 * an approved artifact of this one) copied over an artifact key would be read as approved.
 * Training jobs and pipelines write artifacts with PutObject, which this leaves alone.
 */
export function denyCopiesIntoArtifactsExceptApprover(
  bucketArn: string,
  prefix: string,
  approverArn: string,
): PolicyStatement {
  return {
    Sid: "OnlyTheApproverCopiesIntoModelArtifacts",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${bucketArn}/${prefix}*`,
    Condition: {
      Null: { "s3:x-amz-copy-source": "false" },
      ArnNotEquals: { "aws:PrincipalArn": approverArn },
    },
  };
}
