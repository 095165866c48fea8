import { PERSONA_IDS } from "../../../modules/iam/personas";
import { regionPartition } from "../regions";
import type { ConfigIssues, PlatformConfig } from "../schema/platform";

/**
 * ARNs in the config must be of the platform's partition (an `aws-cn` ARN in an `aws` platform
 * never matches), and those of resources the platform uses in its own account and region must
 * name that account and region: a data key in another region cannot encrypt these buckets.
 */
export function checkArns(config: PlatformConfig, ctx: ConfigIssues): void {
  const partition = regionPartition(config.region).partition;
  const check = (
    arn: string | undefined,
    path: (string | number)[],
    expect: { region?: string; accountId?: string } = {},
  ) => {
    if (arn === undefined) return;
    const [, arnPartition, , region, accountId] = arn.split(":");
    const problems: string[] = [];
    if (arnPartition !== partition)
      problems.push(`partition "${arnPartition}" (the platform's is "${partition}")`);
    if (expect.region !== undefined && region !== expect.region)
      problems.push(`region "${region}" (the platform's is "${expect.region}")`);
    if (expect.accountId !== undefined && accountId !== expect.accountId)
      problems.push(`account ${accountId} (this account is ${expect.accountId})`);
    if (problems.length > 0) {
      ctx.addIssue({
        code: "custom",
        path,
        input: arn,
        message: `names ${problems.join(" and ")}`,
      });
    }
  };
  for (const [name, account] of Object.entries(config.accounts)) {
    if (account.type !== "data-science") continue;
    const base = ["accounts", name];
    check(account.dataKeyArn, [...base, "dataKeyArn"], {
      region: config.region,
      accountId: account.accountId,
    });
    check(account.mlflow.databaseSecretArn, [...base, "mlflow", "databaseSecretArn"], {
      region: config.region,
    });
    const identity = account.sagemaker.identity;
    if (identity?.kind === "saml") {
      check(identity.providerArn, [...base, "sagemaker", "identity", "providerArn"], {
        accountId: account.accountId,
      });
    }
    if (identity?.kind === "roles") {
      for (const persona of PERSONA_IDS) {
        identity[persona].forEach((arn, i) =>
          check(arn, [...base, "sagemaker", "identity", persona, i]),
        );
      }
    }
  }
}
