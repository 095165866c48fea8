import { problemsOf } from "../../helpers";

describe("bad SageMaker config", () => {
  const problems = (sagemaker: Record<string, unknown>) =>
    problemsOf((input) => (input.accounts.dev.sagemaker = sagemaker));

  test("two domains", () => {
    expect(problems({ domains: [{}, {}] })).toEqual([
      "accounts.dev.sagemaker.domains: must list at most one domain: SageMaker allows one domain per account and region",
    ]);
  });

  test("an invalid profile name", () => {
    expect(
      problems({
        domains: [{ userProfiles: [{ name: "alice_smith", persona: "data-scientist" }] }],
      }),
    ).toEqual([
      'accounts.dev.sagemaker.domains[0].userProfiles[0].name: "alice_smith" must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker\'s rule)',
    ]);
  });

  test("an unknown persona", () => {
    expect(
      problems({ domains: [{ userProfiles: [{ name: "alice", persona: "admin" }] }] }),
    ).toEqual([
      'accounts.dev.sagemaker.domains[0].userProfiles[0].persona: "admin" must be "data-scientist" or "team-admin"',
    ]);
  });

  test("SSO without a user name, IAM with one, a profile twice", () => {
    expect(
      problems({
        domains: [
          {
            authMode: "SSO",
            userProfiles: [
              { name: "alice", persona: "data-scientist" },
              { name: "alice", persona: "team-admin", ssoUserName: "alice" },
            ],
          },
        ],
      }),
    ).toEqual([
      "accounts.dev.sagemaker.domains[0].userProfiles[0].ssoUserName: is required with authMode SSO",
      'accounts.dev.sagemaker.domains[0].userProfiles[1].name: "alice" is listed twice',
    ]);
    expect(
      problems({
        domains: [{ userProfiles: [{ name: "bob", persona: "team-admin", ssoUserName: "bob" }] }],
      }),
    ).toEqual([
      "accounts.dev.sagemaker.domains[0].userProfiles[0].ssoUserName: cannot be used with authMode IAM",
    ]);
  });

  test("an approver who also builds, or none", () => {
    const ds = "arn:aws:iam::999999999999:role/ds";
    expect(
      problems({
        identity: {
          kind: "roles",
          dataScientist: [ds],
          teamAdmin: ["arn:aws:iam::999999999999:role/lead"],
          admin: ["arn:aws:iam::999999999999:role/admin"],
          modelApprover: ["arn:aws:iam::999999999999:role/approver", ds],
        },
      }),
    ).toEqual([
      `accounts.dev.sagemaker.identity.modelApprover[1]: "${ds}" is also listed under dataScientist; the approver must be a separate duty from those who build models`,
    ]);
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Admin",
            modelApprover: "Lead",
          },
        },
      }),
    ).toEqual([
      'accounts.dev.sagemaker.identity.permissionSets.modelApprover: "Lead" is also the teamAdmin permission set; the approver must be a separate duty from those who build models',
    ]);
    // The domain admin builds too (it may pass SageMaker roles): it is no approver either.
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Platform",
            modelApprover: "Platform",
          },
        },
      }),
    ).toEqual([
      'accounts.dev.sagemaker.identity.permissionSets.modelApprover: "Platform" is also the admin permission set; the approver must be a separate duty from those who build models',
    ]);
    const admin = "arn:aws:iam::999999999999:role/admin";
    expect(
      problems({
        identity: {
          kind: "roles",
          dataScientist: ["arn:aws:iam::999999999999:role/ds"],
          teamAdmin: ["arn:aws:iam::999999999999:role/lead"],
          admin: [admin],
          modelApprover: [admin],
        },
      }),
    ).toEqual([
      `accounts.dev.sagemaker.identity.modelApprover[0]: "${admin}" is also listed under admin; the approver must be a separate duty from those who build models`,
    ]);
    // A different approver is accepted: both sides of the rule.
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: {
            dataScientist: "DataScientist",
            teamAdmin: "Lead",
            admin: "Admin",
            modelApprover: "Approver",
          },
        },
      }),
    ).toEqual([]);
    expect(
      problems({
        identity: {
          kind: "iam-identity-center",
          permissionSets: { dataScientist: "DataScientist", teamAdmin: "Lead", admin: "Admin" },
        },
      }),
    ).toEqual(["accounts.dev.sagemaker.identity.permissionSets.modelApprover: is required"]);
  });

  test("an unknown identity kind", () => {
    expect(problems({ identity: { kind: "root" } })).toEqual([
      'accounts.dev.sagemaker.identity.kind: "root" must be "iam-identity-center", "saml", "roles" or "account-with-mfa"',
    ]);
  });
});
