/**
 * Terraform addresses of data-bearing resources are part of the platform's contract: a changed
 * address makes Terraform destroy the resource and create a new one, which for a bucket, key,
 * domain or state table means losing data. The addresses of the example platform are pinned in
 * test/pinned-addresses.json, and a test fails when they change.
 */

import type { StackJson } from "../modules/core/terraform-json";
/** Resource types whose destruction loses data or makes data unreadable. */
export const DATA_BEARING_RESOURCE_TYPES: readonly string[] = [
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_dynamodb_table",
  "aws_sagemaker_domain",
  "aws_efs_file_system",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_secretsmanager_secret",
  "aws_cloudwatch_log_group",
  "aws_sagemaker_model_package_group",
];

/** `type.name` of every data-bearing resource in a synthesized stack, sorted. */
export function dataBearingAddresses(stack: StackJson): string[] {
  const addresses: string[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    if (!DATA_BEARING_RESOURCE_TYPES.includes(type)) continue;
    for (const name of Object.keys(resources)) addresses.push(`${type}.${name}`);
  }
  return addresses.sort();
}

export type AddressPins = Record<string, string[]>;

const HOW_TO_MOVE =
  'If the move is intended, keep the data: call `resource.moveFromId("<old address>")` on the ' +
  "new construct (cdktf writes a Terraform `moved` block), then run `npm run pin-addresses`.";

const HOW_TO_PIN = "If the new resource is intended, run `npm run pin-addresses` to pin it.";

/** Problems between pinned and current addresses; empty when they match. */
export function compareAddressPins(pinned: AddressPins, current: AddressPins): string[] {
  const problems: string[] = [];
  const stacks = [...new Set([...Object.keys(pinned), ...Object.keys(current)])].sort();
  for (const stack of stacks) {
    const before = new Set(pinned[stack] ?? []);
    const after = new Set(current[stack] ?? []);
    const gone = [...before].filter((a) => !after.has(a));
    const added = [...after].filter((a) => !before.has(a));
    for (const address of gone) {
      const type = address.split(".")[0];
      const sameType = added.filter((a) => a.split(".")[0] === type);
      const hint = sameType.length
        ? ` (a ${type} appeared as ${sameType.join(", ")}: a renamed or moved construct?)`
        : "";
      problems.push(
        `${stack}: data-bearing resource ${address} is gone; Terraform would destroy it${hint}. ${HOW_TO_MOVE}`,
      );
    }
    for (const address of added) {
      problems.push(`${stack}: data-bearing resource ${address} is not pinned. ${HOW_TO_PIN}`);
    }
  }
  return problems;
}
