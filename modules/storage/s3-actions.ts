/** S3 action groups shared by endpoint policies and grants. */

/** Read objects and their versions and tags. */
export const S3_OBJECT_READ_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectTagging",
  "s3:GetObjectVersion",
];

/** Write and delete objects, including multipart uploads. */
export const S3_OBJECT_WRITE_ACTIONS = [
  "s3:AbortMultipartUpload",
  "s3:DeleteObject",
  "s3:ListMultipartUploadParts",
  "s3:PutObject",
  "s3:PutObjectTagging",
];

/** List a bucket and find its region. */
export const S3_BUCKET_READ_ACTIONS = [
  "s3:GetBucketLocation",
  "s3:ListBucket",
  "s3:ListBucketMultipartUploads",
  "s3:ListBucketVersions",
];
