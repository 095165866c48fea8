import { SagemakerMlflowTrackingServer } from "@cdktf/provider-aws/lib/sagemaker-mlflow-tracking-server";
import { Construct } from "constructs";
import { arn, type AwsEnvironment } from "../core/aws-environment";
import { TerraformResource } from "../core/cdktf";
import type { PolicyStatement } from "../iam/iam-policy";
import { IamRole } from "../iam/iam-role";
import { serviceTrust } from "../iam/service-trust";
import { denyModelApproval } from "../sagemaker/guardrails";
import type { SecureBucket } from "../storage/secure-bucket";

export interface ManagedTrackingServerProps {
  readonly environment: AwsEnvironment;
  /** Tracking server name (1 to 256 letters, digits and hyphens). */
  readonly name: string;
  /** The service role's name. */
  readonly roleName: string;
  /** The platform's MLflow artifact bucket: the artifact store, and the only bucket the role reaches. */
  readonly artifactBucket: SecureBucket;
  /** `Small`, `Medium` or `Large`. */
  readonly size: string;
  /** @default SageMaker's default MLflow version */
  readonly mlflowVersion?: string;
  /** `Ddd:HH:MM`, UTC. */
  readonly weeklyMaintenanceWindowStart: string;
  /**
   * Register MLflow models in the SageMaker model registry, as PendingManualApproval only.
   * @default false
   */
  readonly automaticModelRegistration?: boolean;
}

/**
 * SageMaker's managed MLflow tracking server with the platform's MLflow artifact bucket as its
 * artifact store, protected from destroy, and its service role: trusted by SageMaker of this
 * account for its tracking servers only (`aws:SourceAccount`, `aws:SourceArn`), reading and
 * writing that bucket and nothing else (with its key through S3; not AmazonS3FullAccess, which
 * AWS's guide suggests), and, with automatic registration, registering model versions in this
 * account's registry as pending, never approving them.
 *
 * SageMaker keeps the server's metadata store (experiments, runs, registered models) in a store
 * it manages and encrypts with a key it owns: no customer managed key can be given for it.
 */
export class ManagedTrackingServer extends Construct {
  readonly role: IamRole;
  readonly server: SagemakerMlflowTrackingServer;
  /** The server's ARN, known from its name: what clients set as their tracking URI. */
  readonly serverArn: string;

  constructor(scope: Construct, id: string, props: ManagedTrackingServerProps) {
    super(scope, id);
    const env = props.environment;
    this.serverArn = arn(env, "sagemaker", `mlflow-tracking-server/${props.name}`);
    this.role = new IamRole(this, "role", {
      roleName: props.roleName,
      description: "SageMaker's managed MLflow tracking server: its artifact bucket, the registry",
      trustStatements: [
        serviceTrust(env, {
          sid: "SageMakerMlflowOfThisAccount",
          services: "sagemaker.amazonaws.com",
          sourceArns: arn(env, "sagemaker", "mlflow-tracking-server/*"),
        }),
      ],
    });
    props.artifactBucket.grantReadWrite(this.role);
    if (props.automaticModelRegistration === true) {
      const registry: PolicyStatement = {
        Sid: "RegisterModelsAsPending",
        Effect: "Allow",
        Action: [
          "sagemaker:AddTags",
          "sagemaker:CreateModelPackage",
          "sagemaker:CreateModelPackageGroup",
          "sagemaker:DescribeModelPackage",
          "sagemaker:DescribeModelPackageGroup",
          "sagemaker:UpdateModelPackage",
        ],
        Resource: [
          arn(env, "sagemaker", "model-package-group/*"),
          arn(env, "sagemaker", "model-package/*"),
        ],
      };
      this.role.addToPolicy(registry);
      for (const s of denyModelApproval()) this.role.addToPolicy(s, "guardrails");
    }
    this.server = new SagemakerMlflowTrackingServer(this, "server", {
      trackingServerName: props.name,
      artifactStoreUri: `s3://${props.artifactBucket.bucketName}`,
      roleArn: this.role.roleArn,
      trackingServerSize: props.size,
      mlflowVersion: props.mlflowVersion,
      weeklyMaintenanceWindowStart: props.weeklyMaintenanceWindowStart,
      automaticModelRegistration: props.automaticModelRegistration ?? false,
      lifecycle: { preventDestroy: true },
      // The role with its policies attached first: the server uses them as soon as it exists.
      dependsOn: this.role.node
        .findAll()
        .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)),
    });
  }
}

/**
 * What MLflow clients (Studio, jobs, people) may do with one managed tracking server: the
 * `sagemaker-mlflow` API only through the platform's MLflow interface endpoint, plus the
 * presigned URL of its UI.
 */
export function useManagedTrackingServer(
  serverArn: string,
  vpcEndpointId: string,
): PolicyStatement[] {
  return [
    {
      Sid: "UseTheTrackingServerThroughTheVpcEndpoint",
      Effect: "Allow",
      Action: "sagemaker-mlflow:*",
      Resource: serverArn,
      Condition: { StringEquals: { "aws:SourceVpce": vpcEndpointId } },
    },
    {
      // AccessUI has no resource type (IAM authorizes it on "*" only), so the grant above never
      // covered the UI. The server a person opens is chosen by the presigned URL, which only
      // CreatePresignedMlflowTrackingServerUrl on this server's ARN makes.
      Sid: "OpenTheTrackingServerUi",
      Effect: "Allow",
      Action: "sagemaker-mlflow:AccessUI",
      Resource: "*",
    },
    {
      Sid: "OpenTheTrackingServer",
      Effect: "Allow",
      Action: [
        "sagemaker:CreatePresignedMlflowTrackingServerUrl",
        "sagemaker:DescribeMlflowTrackingServer",
      ],
      Resource: serverArn,
    },
  ];
}
