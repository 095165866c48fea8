/**
 * The hand-written evaluator (test/policy-simulator.ts) and the simulator library agree on every
 * kind of case the old one covered, so its tests can move to the library and it can go.
 */
import type { PolicyDocument } from "../modules/iam/iam-policy";
import { decide as library } from "./iam-simulate";
import { decide as handWritten } from "./policy-simulator";

const doc = (...Statement: object[]): PolicyDocument =>
  ({ Version: "2012-10-17", Statement }) as PolicyDocument;
const ME = "arn:aws:iam::111111111111:role/me";
const THEM = "arn:aws:iam::444455556666:role/them";
const BUCKET = "arn:aws:s3:::b";
const bucketPolicy = doc(
  {
    Sid: "Tls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET, `${BUCKET}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  },
  {
    Sid: "Vpce",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: `${BUCKET}/*`,
    Condition: {
      StringNotEquals: { "aws:SourceVpce": "vpce-1" },
      ArnNotEquals: { "aws:PrincipalArn": THEM },
    },
  },
  {
    Sid: "Them",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::444455556666:root" },
    Action: "s3:GetObject",
    Resource: `${BUCKET}/datasets/*`,
    Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/th*" } },
  },
  {
    Sid: "Tag",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObjectTagging",
    Resource: `${BUCKET}/*`,
    Condition: { "ForAnyValue:StringEquals": { "s3:RequestObjectTagKeys": ["approval"] } },
  },
);
const keyPolicy = doc({
  Sid: "ViaS3",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::111111111111:root" },
  Action: "kms:Decrypt",
  Resource: "*",
  Condition: {
    StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
    ArnEquals: { "aws:PrincipalArn": ME },
    StringLikeIfExists: { "kms:EncryptionContext:aws:s3:arn": [BUCKET, `${BUCKET}/*`] },
  },
});
const everything = doc({ Effect: "Allow", Action: "*", Resource: "*" });
const s3 = (
  principalArn: string,
  action: string,
  key: string,
  context: Record<string, string>,
  identity: PolicyDocument[] = [everything],
) =>
  [
    {
      principalArn,
      action,
      resource: `${BUCKET}/${key}`,
      context: { "aws:SecureTransport": "true", ...context },
    },
    { resource: bucketPolicy, identity, resourceAccount: "111111111111" },
  ] as const;

const cases: [string, Parameters<typeof handWritten>][] = [
  [
    "same account, identity allows, through the endpoint",
    [...s3(ME, "s3:GetObject", "a", { "aws:SourceVpce": "vpce-1" })],
  ],
  ["same account, outside the endpoint: explicit deny", [...s3(ME, "s3:GetObject", "a", {})]],
  [
    "without TLS: explicit deny",
    [
      ...s3(ME, "s3:GetObject", "a", {
        "aws:SourceVpce": "vpce-1",
        "aws:SecureTransport": "false",
      }),
    ],
  ],
  [
    "same account, no identity allow: implicit deny",
    [...s3(ME, "s3:GetObject", "a", { "aws:SourceVpce": "vpce-1" }, [])],
  ],
  ["cross account, both allow", [...s3(THEM, "s3:GetObject", "datasets/x", {})]],
  ["cross account, outside its prefix", [...s3(THEM, "s3:GetObject", "other/x", {})]],
  [
    "cross account, its identity does not allow",
    [...s3(THEM, "s3:GetObject", "datasets/x", {}, [])],
  ],
  [
    "cross account, a role the pattern does not admit",
    [...s3("arn:aws:iam::444455556666:role/other", "s3:GetObject", "datasets/x", {})],
  ],
  [
    "tagging with a forbidden key: explicit deny",
    [
      ...s3(ME, "s3:PutObjectTagging", "a", {
        "aws:SourceVpce": "vpce-1",
        "s3:RequestObjectTagKeys": "approval",
      }),
    ],
  ],
  [
    "key through S3 for its bucket",
    [
      {
        principalArn: ME,
        action: "kms:Decrypt",
        resource: "*",
        context: {
          "kms:ViaService": "s3.eu-central-1.amazonaws.com",
          "kms:EncryptionContext:aws:s3:arn": `${BUCKET}/a`,
        },
      },
      { resource: keyPolicy, identity: [everything], resourceAccount: "111111111111" },
    ],
  ],
  [
    "key through S3 for another bucket",
    [
      {
        principalArn: ME,
        action: "kms:Decrypt",
        resource: "*",
        context: {
          "kms:ViaService": "s3.eu-central-1.amazonaws.com",
          "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other/a",
        },
      },
      { resource: keyPolicy, resourceAccount: "111111111111" },
    ],
  ],
  [
    "key outside S3",
    [
      {
        principalArn: ME,
        action: "kms:Decrypt",
        resource: "*",
        context: { "kms:ViaService": "ec2.eu-central-1.amazonaws.com" },
      },
      { resource: keyPolicy, resourceAccount: "111111111111" },
    ],
  ],
  [
    "key, another role",
    [
      {
        principalArn: "arn:aws:iam::111111111111:role/x",
        action: "kms:Decrypt",
        resource: "*",
        context: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
      },
      { resource: keyPolicy, resourceAccount: "111111111111" },
    ],
  ],
];

test.each(cases)("both decide alike: %s", async (_, [request, policies]) => {
  const old = handWritten(request, policies);
  expect(await library(request, policies)).toBe(old);
});

test("the cases cover allowed, implicit and explicit denials", () => {
  const decisions = new Set(cases.map(([, [request, policies]]) => handWritten(request, policies)));
  expect([...decisions].sort()).toEqual(["allowed", "explicit deny", "implicit deny"]);
});

test("where they differ, the library is right: a key policy naming the account delegates to IAM", async () => {
  // AWS: "the account principal ... doesn't give any IAM principal permission to use the KMS
  // key"; the caller's own policy must allow it too. The hand-written evaluator let the key
  // policy alone decide.
  const request = {
    principalArn: ME,
    action: "kms:Decrypt",
    resource: "*",
    context: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
  };
  const policies = { resource: keyPolicy, resourceAccount: "111111111111" };
  expect(handWritten(request, policies)).toBe("allowed");
  expect(await library(request, policies)).toBe("implicit deny");
  // And the reverse: a key's use needs the key policy to allow it; an identity policy alone
  // does not (unless the key policy delegates to IAM without conditions).
  const otherBucket = {
    ...request,
    context: { ...request.context, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other/a" },
  };
  const withIdentity = { ...policies, identity: [everything] };
  expect(handWritten(otherBucket, withIdentity)).toBe("allowed");
  expect(await library(otherBucket, withIdentity)).toBe("implicit deny");
});
