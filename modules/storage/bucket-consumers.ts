import { accountRootOf } from "../core/aws-environment";
import type { PolicyStatement } from "../iam/iam-policy";
import { bucketGrantStatements, type BucketAccess, type BucketTarget } from "./bucket-grants";

/**
 * Where a bucket consumer's requests come from: its own S3 VPC endpoints (`aws:SourceVpce`) or
 * VPCs (`aws:SourceVpc`, through any S3 endpoint in them). A request matching either list is
 * from the consumer's network; both keys are present only on requests through a VPC endpoint.
 */
export interface NetworkOrigin {
  readonly vpcEndpointIds?: readonly string[];
  readonly vpcIds?: readonly string[];
}

/**
 * The bucket policy statements that let one role of another account use the bucket as
 * `bucketGrantStatements` describes (cross-account access needs the bucket's allow and the
 * role's own): the account is the principal, narrowed to the exact role by `aws:PrincipalArn`,
 * so the policy neither fails when the role does not exist yet nor silently stops matching
 * when the role is recreated (a role ARN principal becomes the old role's unique id).
 */
export function otherAccountBucketStatements(
  target: BucketTarget,
  label: string,
  access: BucketAccess,
  roleArn: string,
  prefixes?: string[],
): PolicyStatement[] {
  return bucketGrantStatements({ ...target, keyArn: undefined }, label, access, prefixes).map(
    ({ Sid, Effect, Action, Resource, Condition }) => ({
      Sid,
      Effect,
      Principal: { AWS: accountRootOf(roleArn) },
      Action,
      Resource,
      Condition: { ArnEquals: { "aws:PrincipalArn": roleArn }, ...Condition },
    }),
  );
}

/**
 * Denies the consumer every request that does not come from its network origin, except calls
 * AWS services make on its behalf. The consumer must be exempt from the bucket's own
 * VPC-endpoint rule: this statement takes its place for the consumer.
 */
export function networkOriginDeny(
  bucketArn: string,
  sidLabel: string,
  roleArn: string,
  origin: NetworkOrigin,
): PolicyStatement {
  const outside: Record<string, string[]> = {};
  if (origin.vpcEndpointIds?.length) outside["aws:SourceVpce"] = [...origin.vpcEndpointIds];
  if (origin.vpcIds?.length) outside["aws:SourceVpc"] = [...origin.vpcIds];
  if (Object.keys(outside).length === 0) {
    throw new Error(`${sidLabel}: a network origin needs vpcEndpointIds or vpcIds`);
  }
  return {
    Sid: `${sidLabel}Network`,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: {
      ArnEquals: { "aws:PrincipalArn": roleArn },
      StringNotEquals: outside,
      BoolIfExists: { "aws:ViaAWSService": "false" },
    },
  };
}
