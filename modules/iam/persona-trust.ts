import { accountOf, type AwsEnvironment, accountRoot, iamArn } from "../core/aws-environment";
import { iamPolicyVariable, type PolicyStatement } from "./iam-policy";

import type { Persona } from "./personas";

export type { Persona } from "./personas";

/** Who may assume the persona roles. */
export type PersonaIdentity =
  | { readonly kind: "iam-identity-center"; readonly permissionSets: Record<Persona, string> }
  | { readonly kind: "saml"; readonly providerArn: string }
  | ({ readonly kind: "roles" } & Record<Persona, string[]>)
  | { readonly kind: "account-with-mfa" };

/**
 * The session tag that names a person's own Studio user profile: a persona session may open
 * only the user profile whose `studio-user` tag has the same value (docs/architecture.md, "Studio users").
 */
export const STUDIO_USER_TAG = "studio-user";

/**
 * The trust statements of one persona role. Never the bare account root: an account principal
 * always comes with a condition naming who (`aws:PrincipalArn`) or requiring MFA. Roles named
 * by ARN are trusted through their account principal plus an exact `aws:PrincipalArn`, so the
 * trust applies even before those roles exist.
 *
 * The second statement lets the session carry the `studio-user` tag and nothing else: with SAML
 * the identity provider asserts it; every other caller may only pass on the value of its own
 * `studio-user` principal tag (an IAM user's tag, an Identity Center attribute), so nobody can
 * name another person's profile.
 */
export function personaTrust(
  env: AwsEnvironment,
  identity: PersonaIdentity,
  persona: Persona,
): PolicyStatement[] {
  const root = (account: string) => accountRoot(env.partition, account);
  const onlyTheStudioUserTag = {
    "ForAllValues:StringEquals": { "aws:TagKeys": [STUDIO_USER_TAG] },
  };
  const ownStudioUserTag = {
    ...onlyTheStudioUserTag,
    StringEquals: {
      [`aws:RequestTag/${STUDIO_USER_TAG}`]: iamPolicyVariable(
        `aws:PrincipalTag/${STUDIO_USER_TAG}`,
      ),
    },
  };
  switch (identity.kind) {
    case "iam-identity-center": {
      // Identity Center names a permission set's role AWSReservedSSO_<set>_<16 hex characters>,
      // under aws-reserved/sso.amazonaws.com/ (and a region folder for newer instances). The
      // suffix is matched by exactly 16 `?`, not `*`: set names may contain `_`, and `*` would
      // let set "Approver" admit the role of a set "Approver_DataScience". Nobody but Identity
      // Center can create roles under the aws-reserved path.
      const role = `AWSReservedSSO_${identity.permissionSets[persona]}_${"?".repeat(16)}`;
      const base = iamArn(env.partition, env.accountId, "role/aws-reserved/sso.amazonaws.com/");
      const who = { ArnLike: { "aws:PrincipalArn": [`${base}${role}`, `${base}*/${role}`] } };
      return [
        {
          Sid: "IdentityCenterPermissionSet",
          Effect: "Allow",
          Principal: { AWS: root(env.accountId) },
          Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
          Condition: who,
        },
        {
          Sid: "IdentityCenterOwnStudioUserTag",
          Effect: "Allow",
          Principal: { AWS: root(env.accountId) },
          Action: "sts:TagSession",
          Condition: { ...who, ...ownStudioUserTag },
        },
      ];
    }
    case "saml":
      return [
        {
          Sid: "SamlFederation",
          Effect: "Allow",
          Principal: { Federated: identity.providerArn },
          Action: "sts:AssumeRoleWithSAML",
          Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
        },
        {
          Sid: "SamlStudioUserTag",
          Effect: "Allow",
          Principal: { Federated: identity.providerArn },
          Action: "sts:TagSession",
          Condition: {
            StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" },
            ...onlyTheStudioUserTag,
          },
        },
      ];
    case "roles": {
      const roles = identity[persona];
      const principal = { AWS: [...new Set(roles.map((r) => root(accountOf(r))))] };
      const who = { ArnEquals: { "aws:PrincipalArn": roles } };
      return [
        {
          Sid: "NamedRoles",
          Effect: "Allow",
          Principal: principal,
          Action: "sts:AssumeRole",
          Condition: who,
        },
        {
          Sid: "NamedRolesOwnStudioUserTag",
          Effect: "Allow",
          Principal: principal,
          Action: "sts:TagSession",
          Condition: { ...who, ...ownStudioUserTag },
        },
      ];
    }
    case "account-with-mfa": {
      const withMfa = { Bool: { "aws:MultiFactorAuthPresent": "true" } };
      return [
        {
          Sid: "AccountPrincipalsWithMfa",
          Effect: "Allow",
          Principal: { AWS: root(env.accountId) },
          Action: "sts:AssumeRole",
          Condition: withMfa,
        },
        {
          Sid: "AccountPrincipalsOwnStudioUserTag",
          Effect: "Allow",
          Principal: { AWS: root(env.accountId) },
          Action: "sts:TagSession",
          Condition: { ...withMfa, ...ownStudioUserTag },
        },
      ];
    }
  }
}
