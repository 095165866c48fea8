import { kmsKeyModule } from "./definitions/kms-key";
import { mlflowServerRoleModule } from "./definitions/mlflow-server-role";
import { modelHostingRolesModule } from "./definitions/model-hosting-roles";
import { secureBucketModule } from "./definitions/secure-bucket";
import { secureVpcModule } from "./definitions/secure-vpc";
import { studioDomainModule } from "./definitions/studio-domain";
import type { ModuleDefinition } from "./module-definition";

/** Every construct exported as a plain Terraform module, in README order. */
export const TERRAFORM_MODULES: readonly ModuleDefinition[] = [
  secureVpcModule,
  secureBucketModule,
  kmsKeyModule,
  studioDomainModule,
  modelHostingRolesModule,
  mlflowServerRoleModule,
];
