import { PackageRepository } from "../../modules/packages/package-repository";
import { usesCodeArtifact } from "../config/derived";
import type { DataScienceStack } from "../stacks/platform-stack";
import type { DataScienceData } from "./data";
import type { DataScienceMlflow } from "./mlflow";
import { studioWorkRoles, type DataScienceStudio } from "./studio";

/**
 * The account's private package path (`packages.codeArtifact`, on by default without NAT): a
 * CodeArtifact domain `<prefix>-<account>` encrypted with the data key, the public PyPI through
 * `pypi-store`, the team's packages in `packages`. Undefined when packages come from elsewhere.
 */
export function addPackages(
  stack: DataScienceStack,
  data: DataScienceData,
): PackageRepository | undefined {
  if (!usesCodeArtifact(stack.account)) return undefined;
  const names = stack.names;
  const repository = new PackageRepository(stack, "packages", {
    environment: names.environment,
    domainName: names.packageDomainName,
    key: data.dataKey,
    deployRoleArn: names.deployRoleArn,
  });
  stack.addOutputs({
    pip_index_url: {
      value: repository.pipIndexUrl,
      description:
        "The platform's Python package index (CodeArtifact): pip and uv install from it with a token (pip_login_command)",
    },
    pip_login_command: {
      value: `aws codeartifact login --tool pip --region ${names.region} --domain ${names.packageDomainName} --domain-owner ${names.accountId} --repository ${repository.repositoryName}`,
      description:
        "Points pip at the package index with a 12-hour token (Studio apps do it at start)",
    },
  });
  return repository;
}

/**
 * Who installs and who publishes, by duty: every build role installs (Studio execution roles,
 * pipelines, the data science personas, the MLflow server); only the pipeline and the team
 * admins' Studio role publish, and only into `packages`. Nobody but Terraform changes or
 * deletes a package (the repository policies).
 */
export function allowPackageUse(
  packages: PackageRepository | undefined,
  studio: DataScienceStudio,
  mlflow: DataScienceMlflow,
): void {
  if (packages === undefined) return;
  const installers = [...studioWorkRoles(studio), mlflow.serverRole.role];
  for (const role of installers) {
    for (const s of packages.readStatements()) role.addToPolicy(s, "packages");
  }
  for (const role of [studio.pipelineExecutionRole, studio.teamAdminExecutionRole]) {
    for (const s of packages.publishStatements()) role.addToPolicy(s, "packages");
  }
}
