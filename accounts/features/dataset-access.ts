import { ExistingRole, labelOf } from "../../modules/iam/iam-role";
import { renderPolicy, type PolicyStatement } from "../../modules/iam/iam-policy";
import { accountOf } from "../../modules/core/aws-environment";
import type { SecureBucket } from "../../modules/storage/secure-bucket";
import { datasetConsumerArn } from "../config/schema/buckets";
import type { DataScienceStack } from "../stacks/platform-stack";

/** A role of another account and the statements its account must attach to it. */
interface OtherAccountConsumer {
  readonly roleName: string;
  readonly statements: PolicyStatement[];
}

/**
 * Dataset consumers (`datasetAccess`): roles outside the platform that read or write the data
 * or model bucket. A role of this account gets the grant as an inline policy the platform
 * attaches; a role of another account is allowed by the bucket and key policies, and the policy
 * its own account must attach is an output (JSON and a Terraform snippet). A consumer with a
 * network origin (`from`) may use the bucket only from there; everyone else only through this
 * account's VPC endpoint.
 */
export function addDatasetAccess(
  stack: DataScienceStack,
  buckets: { readonly data: SecureBucket; readonly models: SecureBucket },
): void {
  const names = stack.names;
  const account = stack.account;
  const sameAccount = new Map<string, ExistingRole>();
  const otherAccounts = new Map<string, OtherAccountConsumer>();
  for (const grant of account.datasetAccess ?? []) {
    const roleArn = datasetConsumerArn(grant.principal, names.partition, account.accountId);
    const roleName = roleArn.split("/").pop()!;
    const bucket = buckets[grant.bucket];
    let roleLabel: string;
    if (accountOf(roleArn) === account.accountId) {
      let role = sameAccount.get(roleArn);
      if (role === undefined) {
        role = new ExistingRole(stack, `dataset-access-${roleName}`, {
          roleName,
          roleArn,
          policyName: `${names.stem}-dataset-access`,
        });
        sameAccount.set(roleArn, role);
      }
      bucket.grant(role, grant.access, grant.prefixes);
      roleLabel = role.grantLabel;
    } else {
      // Two accounts may have roles of the same name: the account id keeps statement ids apart.
      roleLabel = `${labelOf(roleName)}${accountOf(roleArn)}`;
      const consumer = otherAccounts.get(roleArn) ?? { roleName, statements: [] };
      consumer.statements.push(
        ...bucket.grantOtherAccountRole(roleArn, roleLabel, grant.access, grant.prefixes)
          .identityStatements,
      );
      otherAccounts.set(roleArn, consumer);
    }
    if (grant.from !== undefined) bucket.restrictToNetworkOrigin(roleArn, roleLabel, grant.from);
  }
  if (otherAccounts.size === 0) return;
  const policyName = `${names.stem}-dataset-access`;
  stack.addOutputs({
    dataset_consumer_policies: {
      value: Object.fromEntries(
        [...otherAccounts].map(([roleArn, { roleName, statements }]) => {
          const policy = renderPolicy(statements);
          return [
            roleArn,
            {
              account_id: accountOf(roleArn),
              role_name: roleName,
              policy_name: policyName,
              policy_json: policy,
              terraform: [
                `resource "aws_iam_role_policy" "${policyName.replace(/-/g, "_")}" {`,
                `  name   = "${policyName}"`,
                `  role   = "${roleName}"`,
                `  policy = jsonencode(${policy})`,
                "}",
                "",
              ].join("\n"),
            },
          ];
        }),
      ),
      description:
        "Per dataset consumer of another account: the identity policy its account must attach to the role (JSON, and as Terraform); the bucket and key policies here allow the other half",
    },
  });
}
