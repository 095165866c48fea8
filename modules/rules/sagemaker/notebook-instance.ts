import type { ResourceRule, StackJson } from "../types";

function notebookStack(change: (n: any) => void = () => undefined): StackJson {
  const notebook: any = {
    name: "n",
    instance_type: "ml.t3.medium",
    role_arn: "${aws_iam_role.r.arn}",
    subnet_id: "${aws_subnet.s.id}",
    security_groups: ["${aws_security_group.g.id}"],
    direct_internet_access: "Disabled",
    root_access: "Disabled",
    kms_key_id: "${aws_kms_key.k.arn}",
  };
  change(notebook);
  return { resource: { aws_sagemaker_notebook_instance: { n: notebook } } };
}

export const sageMakerNotebookInstance: ResourceRule = {
  kind: "resource",
  id: "SageMaker.NotebookInstance",
  level: "error",
  summary: "Notebook instances have no direct internet or root access and encrypt their volume",
  explanation:
    "Direct internet access (the default) bypasses the VPC; root access lets a user change the instance's controls; kms_key_id encrypts the ML storage volume with a customer managed key.",
  resourceTypes: ["aws_sagemaker_notebook_instance"],
  check(nb) {
    const c = nb.config;
    if (c.direct_internet_access !== "Disabled")
      return "has direct internet access (direct_internet_access must be Disabled)";
    if (c.root_access !== "Disabled")
      return "gives users root access (root_access must be Disabled)";
    return c.kms_key_id ? undefined : "has no kms_key_id";
  },
  examples: {
    compliant: notebookStack(),
    nonCompliant: [
      {
        stack: notebookStack((n) => delete n.direct_internet_access),
        findings: [
          "aws_sagemaker_notebook_instance.n: has direct internet access (direct_internet_access must be Disabled)",
        ],
      },
      {
        stack: notebookStack((n) => (n.root_access = "Enabled")),
        findings: [
          "aws_sagemaker_notebook_instance.n: gives users root access (root_access must be Disabled)",
        ],
      },
      {
        stack: notebookStack((n) => delete n.kms_key_id),
        findings: ["aws_sagemaker_notebook_instance.n: has no kms_key_id"],
      },
    ],
  },
};
