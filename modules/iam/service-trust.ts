import type { AwsEnvironment, ServicePrincipal } from "../core/aws-environment";
import type { PolicyConditions, PolicyStatement } from "./iam-policy";

/**
 * An AWS service acting for this account only: the confused-deputy guard AWS documents for
 * service principals. `aws:SourceAccount` must be this account and, where the service sends it,
 * `aws:SourceArn` must match one of `sourceArns` (this account's resources of that service).
 */
export function serviceOfThisAccount(
  env: AwsEnvironment,
  sourceArns?: string | string[],
): PolicyConditions {
  return {
    StringEquals: { "aws:SourceAccount": env.accountId },
    ...(sourceArns === undefined ? {} : { ArnLike: { "aws:SourceArn": sourceArns } }),
  };
}

export interface ServiceTrustProps {
  /** Statement id. */
  readonly sid: string;
  /** The service principal(s), such as `sagemaker.amazonaws.com`. */
  readonly services: ServicePrincipal | ServicePrincipal[];
  /**
   * ARN patterns of the resources the service acts for (`aws:SourceArn`).
   * @default no `aws:SourceArn` condition, for services that do not send it
   */
  readonly sourceArns?: string | string[];
}

/** The trust statement of a role that an AWS service assumes for this account only. */
export function serviceTrust(env: AwsEnvironment, props: ServiceTrustProps): PolicyStatement {
  return {
    Sid: props.sid,
    Effect: "Allow",
    Principal: { Service: props.services },
    Action: "sts:AssumeRole",
    Condition: serviceOfThisAccount(env, props.sourceArns),
  };
}
