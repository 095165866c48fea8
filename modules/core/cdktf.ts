/**
 * The one place the project imports the CDK for Terraform core library.
 *
 * cdktf is archived upstream; its maintained continuation, CDK Terrain, keeps the same API
 * under new package names. Routing every import through this file keeps that move a rename
 * here (plus the provider package path), not a change in every module.
 */
export {
  App,
  Annotations,
  Aspects,
  CloudBackend,
  Fn,
  Lazy,
  LocalBackend,
  NamedCloudWorkspace,
  Op,
  S3Backend,
  TerraformCount,
  TerraformDataSource,
  TerraformElement,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  ref,
} from "cdktf";
export type { IAspect, ITerraformDependable, S3BackendConfig } from "cdktf";
