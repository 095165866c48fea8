import { checkAccounts, checkNames } from "./checks/accounts";
import { checkArns } from "./checks/arns";
import { checkDatasetAccess, checkReplicas } from "./checks/buckets";
import { checkCi } from "./checks/ci";
import { checkMlflowServer } from "./checks/mlflow";
import { checkNetworks } from "./checks/network";
import { checkStudio } from "./checks/sagemaker";
import { checkTags } from "./checks/tags";
import { platformShape } from "./schema/platform";

/**
 * The platform config schema, assembled once: the fields (`schema/`) and the rules that relate
 * them to each other (`checks/`), in the order their problems are reported. The TypeScript
 * example (`example.ts`) and any JSON or YAML file named by PLATFORM_CONFIG go through it.
 */
export const platformConfigSchema = platformShape.superRefine((config, ctx) => {
  checkAccounts(config, ctx);
  checkNetworks(config, ctx);
  checkNames(config, ctx);
  checkTags(config, ctx);
  checkDatasetAccess(config, ctx);
  checkReplicas(config, ctx);
  checkStudio(config, ctx);
  checkMlflowServer(config, ctx);
  checkCi(config, ctx);
  checkArns(config, ctx);
});
