import { list } from "../helpers";
import type { ResourceRule, StackJson } from "../types";

function domainStack(change: (d: any) => void = () => undefined): StackJson {
  const domain: any = {
    domain_name: "d",
    auth_mode: "IAM",
    app_network_access_type: "VpcOnly",
    kms_key_id: "${aws_kms_key.k.arn}",
    vpc_id: "${aws_vpc.v.id}",
    subnet_ids: ["${aws_subnet.s.id}"],
    domain_settings: { security_group_ids: ["${aws_security_group.g.id}"] },
    default_user_settings: {
      execution_role: "${aws_iam_role.r.arn}",
      security_groups: ["${aws_security_group.g.id}"],
      sharing_settings: { notebook_output_option: "Disabled" },
    },
    retention_policy: { home_efs_file_system: "Retain" },
  };
  change(domain);
  return { resource: { aws_sagemaker_domain: { d: domain } } };
}

export const sageMakerDomain: ResourceRule = {
  kind: "resource",
  id: "SageMaker.Domain",
  level: "error",
  summary:
    "Studio domains are VpcOnly, KMS-encrypted, with security groups, an execution role, no output sharing, and keep their home file system",
  explanation:
    "VpcOnly keeps Studio off the internet; a customer managed key encrypts the home file system and volumes; security groups on the domain and apps; an explicit execution role; notebook output sharing disabled; the home file system retained when the domain goes.",
  resourceTypes: ["aws_sagemaker_domain"],
  check(domain) {
    const c = domain.config;
    const missing: string[] = [];
    if (c.app_network_access_type !== "VpcOnly") missing.push("app_network_access_type VpcOnly");
    if (!c.kms_key_id) missing.push("kms_key_id");
    if (list(c.domain_settings?.security_group_ids).length === 0)
      missing.push("domain_settings.security_group_ids");
    if (list(c.default_user_settings?.security_groups).length === 0)
      missing.push("default_user_settings.security_groups");
    if (!c.default_user_settings?.execution_role)
      missing.push("default_user_settings.execution_role");
    if (c.default_user_settings?.sharing_settings?.notebook_output_option !== "Disabled")
      missing.push("notebook output sharing Disabled");
    if (c.retention_policy?.home_efs_file_system !== "Retain")
      missing.push("retention_policy.home_efs_file_system Retain");
    return missing.length ? `lacks ${missing.join(", ")}` : undefined;
  },
  examples: {
    compliant: domainStack(),
    nonCompliant: [
      {
        stack: domainStack((d) => (d.app_network_access_type = "PublicInternetOnly")),
        findings: ["aws_sagemaker_domain.d: lacks app_network_access_type VpcOnly"],
      },
      {
        stack: domainStack((d) => delete d.kms_key_id),
        findings: ["aws_sagemaker_domain.d: lacks kms_key_id"],
      },
      {
        stack: domainStack((d) => (d.domain_settings.security_group_ids = [])),
        findings: ["aws_sagemaker_domain.d: lacks domain_settings.security_group_ids"],
      },
      {
        stack: domainStack((d) => delete d.default_user_settings.security_groups),
        findings: ["aws_sagemaker_domain.d: lacks default_user_settings.security_groups"],
      },
      {
        stack: domainStack((d) => delete d.default_user_settings.execution_role),
        findings: ["aws_sagemaker_domain.d: lacks default_user_settings.execution_role"],
      },
      {
        stack: domainStack(
          (d) => (d.default_user_settings.sharing_settings.notebook_output_option = "Allowed"),
        ),
        findings: ["aws_sagemaker_domain.d: lacks notebook output sharing Disabled"],
      },
      {
        stack: domainStack((d) => (d.retention_policy.home_efs_file_system = "Delete")),
        findings: ["aws_sagemaker_domain.d: lacks retention_policy.home_efs_file_system Retain"],
      },
    ],
  },
};
