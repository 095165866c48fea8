import type { AwsEnvironment } from "../core/aws-environment";
import type { PolicyStatement } from "./iam-policy";

export type Persona = "dataScientist" | "teamAdmin" | "admin";

/** Who may assume the persona roles. */
export type PersonaIdentity =
  | { readonly kind: "iam-identity-center"; readonly permissionSets: Record<Persona, string> }
  | { readonly kind: "saml"; readonly providerArn: string }
  | ({ readonly kind: "roles" } & Record<Persona, string[]>)
  | { readonly kind: "account-with-mfa" };

function accountOf(roleArn: string): string {
  return roleArn.split(":")[4];
}

/**
 * The trust statement of one persona role. Never the bare account root: an account principal
 * always comes with a condition naming who (`aws:PrincipalArn`) or requiring MFA. Roles named
 * by ARN are trusted through their account principal plus an exact `aws:PrincipalArn`, so the
 * trust applies even before those roles exist.
 */
export function personaTrust(
  env: AwsEnvironment,
  identity: PersonaIdentity,
  persona: Persona,
): PolicyStatement {
  const root = (account: string) => `arn:${env.partition}:iam::${account}:root`;
  switch (identity.kind) {
    case "iam-identity-center":
      return {
        Sid: "IdentityCenterPermissionSet",
        Effect: "Allow",
        Principal: { AWS: root(env.accountId) },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
        Condition: {
          ArnLike: {
            "aws:PrincipalArn": `arn:${env.partition}:iam::${env.accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${identity.permissionSets[persona]}_*`,
          },
        },
      };
    case "saml":
      return {
        Sid: "SamlFederation",
        Effect: "Allow",
        Principal: { Federated: identity.providerArn },
        Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
      };
    case "roles": {
      const roles = identity[persona];
      return {
        Sid: "NamedRoles",
        Effect: "Allow",
        Principal: { AWS: [...new Set(roles.map((r) => root(accountOf(r))))] },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": roles } },
      };
    }
    case "account-with-mfa":
      return {
        Sid: "AccountPrincipalsWithMfa",
        Effect: "Allow",
        Principal: { AWS: root(env.accountId) },
        Action: "sts:AssumeRole",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
      };
  }
}
