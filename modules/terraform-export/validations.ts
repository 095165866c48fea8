import { IAM_ROLE_NAME } from "../core/patterns";
import type { ValidationRule, VariableSpec } from "./module-definition";

/** A regular expression, or its source, that both JavaScript and Terraform's RE2 accept. */
type Pattern = string | RegExp;

/** The pattern as a Terraform string literal. */
function literal(pattern: Pattern): string {
  return JSON.stringify(typeof pattern === "string" ? pattern : pattern.source);
}

/**
 * Validation rules that restate the constructs' checks in Terraform's expression language.
 * Messages name the variable, show the value where it is a scalar and say what is allowed.
 */

const ROLE_ARN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$";
const KMS_KEY_ARN = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$";

export function wholeNumberBetween(name: string, min: number, max: number): ValidationRule {
  return {
    condition: `var.${name} == floor(var.${name}) && var.${name} >= ${min} && var.${name} <= ${max}`,
    message: `${name} is \${var.${name}}; it must be a whole number from ${min} to ${max}.`,
  };
}

export function oneOf(name: string, values: readonly (string | number)[]): ValidationRule {
  const list = values.map((v) => JSON.stringify(v)).join(", ");
  return {
    condition: `contains([${list}], var.${name})`,
    message: `${name} is \${var.${name}}; it must be one of ${values.join(", ")}.`,
  };
}

export function matches(name: string, pattern: Pattern, what: string): ValidationRule {
  return {
    condition: `can(regex(${literal(pattern)}, var.${name}))`,
    message: `${name} is "\${var.${name}}"; it must be ${what}.`,
  };
}

/** Like `matches`, for an optional input: null passes. */
export function nullOrMatches(name: string, pattern: Pattern, what: string): ValidationRule {
  return {
    condition: `var.${name} == null || can(regex(${literal(pattern)}, coalesce(var.${name}, "-")))`,
    message: `${name} is "\${coalesce(var.${name}, "null")}"; it must be null or ${what}.`,
  };
}

export function everyMatches(name: string, pattern: Pattern, what: string): ValidationRule {
  return {
    condition: `alltrue([for v in var.${name} : can(regex(${literal(pattern)}, v))])`,
    message: `${name} is [\${join(", ", var.${name})}]; every element must be ${what}.`,
  };
}

export function notEmpty(name: string, why: string): ValidationRule {
  return { condition: `length(var.${name}) > 0`, message: `${name} is empty; ${why}.` };
}

export function noRepeats(name: string): ValidationRule {
  return {
    condition: `length(distinct(var.${name})) == length(var.${name})`,
    message: `${name} lists a value twice; list each once.`,
  };
}

export const roleArn = (name: string) => matches(name, ROLE_ARN, "an IAM role ARN");
export const roleArns = (name: string) => everyMatches(name, ROLE_ARN, "an IAM role ARN");
export const kmsKeyArn = (name: string) =>
  matches(name, KMS_KEY_ARN, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");

/** IAM role names: 1 to 64 letters, digits or + = , . @ _ - (IamRole's check). */
export const roleName = (name: string) =>
  matches(name, IAM_ROLE_NAME, "1 to 64 letters, digits or + = , . @ _ -");

/** Private subnets a module's resources run in. */
export function subnetIdsVariable(description: string): VariableSpec {
  return {
    name: "subnet_ids",
    type: "list(string)",
    description,
    validation: [
      notEmpty("subnet_ids", "name the private subnets"),
      everyMatches("subnet_ids", "^subnet-[0-9a-f]+$", "a subnet id (subnet-...)"),
    ],
  };
}

/** Security groups a module's resources run in (the workload group). */
export function securityGroupIdsVariable(description: string): VariableSpec {
  return {
    name: "security_group_ids",
    type: "list(string)",
    description,
    validation: [
      notEmpty("security_group_ids", "name the workload security group"),
      everyMatches("security_group_ids", "^sg-[0-9a-f]+$", "a security group id (sg-...)"),
    ],
  };
}
