data "aws_caller_identity" "current" {
}

data "aws_partition" "current_partition" {
}

data "aws_region" "current_region" {
}

resource "aws_iam_policy" "model_deployment_role_policy_permissions" {
  description = "permissions of ${var.deployment_role_name}"
  name        = "${var.deployment_role_name}-permissions"
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = [
        {
          "Effect"   = "Allow",
          "Sid"      = "CreateModelsInThisVpc",
          "Action"   = "sagemaker:CreateModel",
          "Resource" = "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:model/${var.resource_name_prefix}-*",
          "Condition" = {
            "ForAllValues:StringEquals" = {
              "sagemaker:VpcSubnets"          = var.subnet_ids,
              "sagemaker:VpcSecurityGroupIds" = var.security_group_ids,
            },
            "Null" = {
              "sagemaker:VpcSubnets"          = "false",
              "sagemaker:VpcSecurityGroupIds" = "false",
            },
          },
        },
        {
          "Effect"   = "Allow",
          "Sid"      = "CreateEndpointConfigsWithTheEndpointKey",
          "Action"   = "sagemaker:CreateEndpointConfig",
          "Resource" = "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.resource_name_prefix}-*",
          "Condition" = {
            "StringEquals" = { "sagemaker:VolumeKmsKeyArn" = var.endpoint_kms_key_arn },
            "ForAllValues:StringEquals" = {
              "sagemaker:VpcSubnets"          = var.subnet_ids,
              "sagemaker:VpcSecurityGroupIds" = var.security_group_ids,
            },
          },
        },
        {
          "Effect"   = "Allow",
          "Sid"      = "CreateEndpointConfigsOnLocalNvmeInstances",
          "Action"   = "sagemaker:CreateEndpointConfig",
          "Resource" = "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.resource_name_prefix}-*",
          "Condition" = {
            "Null" = {
              "sagemaker:VolumeKmsKeyArn" = "true",
              "sagemaker:InstanceTypes"   = "false",
            },
            "ForAllValues:StringLike" = {
              "sagemaker:InstanceTypes" = [
                "ml.c5d.*",
                "ml.c6id.*",
                "ml.g4dn.*",
                "ml.g5.*",
                "ml.g6.*",
                "ml.g6e.*",
                "ml.gr6.*",
                "ml.m5d.*",
                "ml.m6id.*",
                "ml.p3dn.*",
                "ml.p4d.*",
                "ml.p4de.*",
                "ml.p5.*",
                "ml.p5e.*",
                "ml.p5en.*",
                "ml.p6-b200.*",
                "ml.p6e-gb200.*",
                "ml.r5d.*",
                "ml.r6id.*",
                "ml.trn1.*",
                "ml.trn1n.*",
                "ml.trn2.*",
              ],
            },
            "ForAllValues:StringEquals" = {
              "sagemaker:VpcSubnets"          = var.subnet_ids,
              "sagemaker:VpcSecurityGroupIds" = var.security_group_ids,
            },
          },
        },
        {
          "Effect"   = "Allow",
          "Sid"      = "CreateServerlessEndpointConfigs",
          "Action"   = "sagemaker:CreateEndpointConfig",
          "Resource" = "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.resource_name_prefix}-*",
          "Condition" = {
            "Null" = {
              "sagemaker:VolumeKmsKeyArn" = "true",
              "sagemaker:InstanceTypes"   = "true",
            },
          },
        },
        {
          "Effect" = "Allow",
          "Sid"    = "CreateAndUpdateOwnEndpoints",
          "Action" = ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
          "Resource" = [
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint/${var.resource_name_prefix}-*",
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.resource_name_prefix}-*",
          ],
        },
        {
          "Effect" = "Allow",
          "Sid"    = "TidyOwnModelsAndEndpoints",
          "Action" = [
            "sagemaker:AddTags",
            "sagemaker:DeleteEndpoint",
            "sagemaker:DeleteEndpointConfig",
            "sagemaker:DeleteModel",
          ],
          "Resource" = [
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:model/${var.resource_name_prefix}-*",
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint/${var.resource_name_prefix}-*",
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/${var.resource_name_prefix}-*",
          ],
        },
        {
          "Effect" = "Allow",
          "Sid"    = "InspectModelsAndEndpoints",
          "Action" = [
            "sagemaker:DescribeEndpoint",
            "sagemaker:DescribeEndpointConfig",
            "sagemaker:DescribeModel",
          ],
          "Resource" = [
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:model/*",
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint/*",
            "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:endpoint-config/*",
          ],
        },
        {
          "Effect" = "Allow",
          "Sid"    = "ListModelsAndEndpoints",
          "Action" = [
            "sagemaker:ListEndpointConfigs",
            "sagemaker:ListEndpoints",
            "sagemaker:ListModels",
          ],
          "Resource" = "*",
        },
        {
          "Effect"    = "Allow",
          "Sid"       = "PassOnlyTheModelExecutionRole",
          "Action"    = "iam:PassRole",
          "Resource"  = "arn:${data.aws_partition.current_partition.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.execution_role_name}",
          "Condition" = { "StringEquals" = { "iam:PassedToService" = "sagemaker.amazonaws.com" } },
        },
        {
          "Effect"   = "Allow",
          "Sid"      = "UseTheEndpointKeyForEndpoints",
          "Action"   = ["kms:CreateGrant", "kms:DescribeKey"],
          "Resource" = var.endpoint_kms_key_arn,
          "Condition" = {
            "StringEquals" = {
              "kms:ViaService" = "sagemaker.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
            },
          },
        },
        {
          "Sid"    = "DenyVolumesWithOtherKeys",
          "Effect" = "Deny",
          "Action" = [
            "sagemaker:CreateEndpointConfig",
            "sagemaker:CreateHyperParameterTuningJob",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateProcessingJob",
            "sagemaker:CreateTrainingJob",
            "sagemaker:CreateTransformJob",
          ],
          "Resource" = "*",
          "Condition" = {
            "StringNotEquals" = { "sagemaker:VolumeKmsKeyArn" = var.endpoint_kms_key_arn },
            "Null"            = { "sagemaker:VolumeKmsKeyArn" = "false" },
          },
        },
        {
          "Sid"    = "DenyVolumesWithoutKmsKey",
          "Effect" = "Deny",
          "Action" = [
            "sagemaker:CreateEndpointConfig",
            "sagemaker:CreateHyperParameterTuningJob",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateProcessingJob",
            "sagemaker:CreateTrainingJob",
            "sagemaker:CreateTransformJob",
          ],
          "Resource" = "*",
          "Condition" = {
            "Null" = { "sagemaker:VolumeKmsKeyArn" = "true" },
            "ForAnyValue:StringNotLike" = {
              "sagemaker:InstanceTypes" = [
                "ml.c5d.*",
                "ml.c6id.*",
                "ml.g4dn.*",
                "ml.g5.*",
                "ml.g6.*",
                "ml.g6e.*",
                "ml.gr6.*",
                "ml.m5d.*",
                "ml.m6id.*",
                "ml.p3dn.*",
                "ml.p4d.*",
                "ml.p4de.*",
                "ml.p5.*",
                "ml.p5e.*",
                "ml.p5en.*",
                "ml.p6-b200.*",
                "ml.p6e-gb200.*",
                "ml.r5d.*",
                "ml.r6id.*",
                "ml.trn1.*",
                "ml.trn1n.*",
                "ml.trn2.*",
              ],
            },
          },
        },
      ],
    },
  )
  tags = var.tags
}

resource "aws_iam_policy" "model_execution_role_policy_permissions" {
  description = "permissions of ${var.execution_role_name}"
  name        = "${var.execution_role_name}-permissions"
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = concat(
        (length(var.ecr_repository_names) >= 1) ? [
          {
            "Sid"    = "PullModelImagesFromDataScience",
            "Effect" = "Allow",
            "Action" = [
              "ecr:BatchCheckLayerAvailability",
              "ecr:BatchGetImage",
              "ecr:GetDownloadUrlForLayer",
            ],
            "Resource" = formatlist(
              "arn:${data.aws_partition.current_partition.partition}:ecr:${data.aws_region.current_region.region}:${var.source_account_id}:repository/%s",
              var.ecr_repository_names,
            ),
          },
        ] : [],
        (length(var.prebuilt_image_account_ids) >= 1) ? [
          {
            "Sid"    = "PullSageMakerPrebuiltImages",
            "Effect" = "Allow",
            "Action" = [
              "ecr:BatchCheckLayerAvailability",
              "ecr:BatchGetImage",
              "ecr:GetDownloadUrlForLayer",
            ],
            "Resource" = formatlist(
              "arn:${data.aws_partition.current_partition.partition}:ecr:${data.aws_region.current_region.region}:%s:repository/*",
              var.prebuilt_image_account_ids,
            ),
          },
        ] : [],
        [
          {
            "Sid"      = "ListTheModelArtifacts",
            "Effect"   = "Allow",
            "Action"   = "s3:ListBucket",
            "Resource" = "arn:${data.aws_partition.current_partition.partition}:s3:::${var.model_bucket_name}",
            "Condition" = {
              "StringLike" = {
                "s3:prefix" = [var.model_artifacts_prefix, "${var.model_artifacts_prefix}*"],
              },
            },
          },
          {
            "Sid"       = "ReadApprovedModelArtifacts",
            "Effect"    = "Allow",
            "Action"    = ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource"  = "arn:${data.aws_partition.current_partition.partition}:s3:::${var.model_bucket_name}/${var.model_artifacts_prefix}*",
            "Condition" = { "StringEquals" = { "s3:ExistingObjectTag/model-approval" = "Approved" } },
          },
          {
            "Sid"      = "FindTheModelBucket",
            "Effect"   = "Allow",
            "Action"   = "s3:GetBucketLocation",
            "Resource" = "arn:${data.aws_partition.current_partition.partition}:s3:::${var.model_bucket_name}",
          },
          {
            "Sid"      = "DecryptTheModelArtifacts",
            "Effect"   = "Allow",
            "Action"   = ["kms:Decrypt", "kms:DescribeKey"],
            "Resource" = var.model_data_key_arn,
            "Condition" = {
              "StringEquals" = {
                "kms:ViaService" = "s3.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
              },
              "StringLikeIfExists" = {
                "kms:EncryptionContext:aws:s3:arn" = [
                  "arn:${data.aws_partition.current_partition.partition}:s3:::${var.model_bucket_name}",
                  "arn:${data.aws_partition.current_partition.partition}:s3:::${var.model_bucket_name}/*",
                ],
              },
            },
          },
          {
            "Sid"    = "UseTheEndpointKey",
            "Effect" = "Allow",
            "Action" = [
              "kms:Decrypt",
              "kms:DescribeKey",
              "kms:Encrypt",
              "kms:GenerateDataKey*",
              "kms:ReEncrypt*",
              "kms:CreateGrant",
            ],
            "Resource" = var.endpoint_kms_key_arn,
            "Condition" = {
              "StringEquals" = {
                "kms:ViaService" = [
                  "sagemaker.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
                  "ec2.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
                ],
              },
            },
          },
          {
            "Sid"    = "WriteSageMakerLogs",
            "Effect" = "Allow",
            "Action" = [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:DescribeLogStreams",
              "logs:PutLogEvents",
            ],
            "Resource" = [
              "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/sagemaker/*",
              "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/sagemaker/*:log-stream:*",
            ],
          },
          {
            "Sid"      = "PutSageMakerMetrics",
            "Effect"   = "Allow",
            "Action"   = "cloudwatch:PutMetricData",
            "Resource" = "*",
            "Condition" = {
              "StringLike" = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] },
            },
          },
          {
            "Sid"      = "AuthenticateToEcr",
            "Effect"   = "Allow",
            "Action"   = "ecr:GetAuthorizationToken",
            "Resource" = "*",
          },
          {
            "Sid"    = "DescribeNetwork",
            "Effect" = "Allow",
            "Action" = [
              "ec2:DescribeDhcpOptions",
              "ec2:DescribeNetworkInterfaces",
              "ec2:DescribeSecurityGroups",
              "ec2:DescribeSubnets",
              "ec2:DescribeVpcs",
            ],
            "Resource" = "*",
          },
          {
            "Sid"    = "NetworkInterfacesInThePlatformSubnets",
            "Effect" = "Allow",
            "Action" = [
              "ec2:CreateNetworkInterface",
              "ec2:CreateNetworkInterfacePermission",
              "ec2:DeleteNetworkInterface",
              "ec2:DeleteNetworkInterfacePermission",
            ],
            "Resource" = concat(
              [
                "arn:${data.aws_partition.current_partition.partition}:ec2:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:network-interface/*",
              ],
              formatlist(
                "arn:${data.aws_partition.current_partition.partition}:ec2:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:subnet/%s",
                var.subnet_ids,
              ),
              formatlist(
                "arn:${data.aws_partition.current_partition.partition}:ec2:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:security-group/%s",
                var.security_group_ids,
              ),
            ),
          },
        ],
      ),
    },
  )
  tags = var.tags
}

resource "aws_iam_role" "model_deployment_role" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "DataScienceDeployerOnly"
        Effect = "Allow"
        Principal = {
          AWS = "arn:${data.aws_partition.current_partition.partition}:iam::${var.source_account_id}:root"
        }
        Action = "sts:AssumeRole"
        Condition = {
          ArnEquals = {
            "aws:PrincipalArn" = var.deployer_role_arn
          }
          StringEquals = {
            "sts:ExternalId" = var.external_id
          }
        }
      },
    ]
  })
  description          = "Assumed by the data science deployer to deploy approved models into this account"
  max_session_duration = 3600
  name                 = var.deployment_role_name
  tags                 = var.tags
}

resource "aws_iam_role" "model_execution_role" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "SageMakerOfThisAccount"
        Effect = "Allow"
        Principal = {
          Service = "sagemaker.amazonaws.com"
        }
        Action = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
          ArnLike = {
            "aws:SourceArn" = "arn:${data.aws_partition.current_partition.partition}:sagemaker:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:*"
          }
        }
      },
    ]
  })
  description          = "Runs models deployed from the data science account; reads approved artifacts"
  max_session_duration = 3600
  name                 = var.execution_role_name
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "model_deployment_role_attach_permissions" {
  policy_arn = aws_iam_policy.model_deployment_role_policy_permissions.arn
  role       = aws_iam_role.model_deployment_role.name
}

resource "aws_iam_role_policy_attachment" "model_execution_role_attach_permissions" {
  policy_arn = aws_iam_policy.model_execution_role_policy_permissions.arn
  role       = aws_iam_role.model_execution_role.name
}
