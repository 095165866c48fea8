data "aws_caller_identity" "current" {
}

data "aws_partition" "current_partition" {
}

data "aws_region" "current_region" {
}

resource "aws_kms_alias" "this" {
  name          = var.alias
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_kms_key" "this" {
  deletion_window_in_days = var.deletion_window_in_days
  description             = var.description
  enable_key_rotation     = true
  policy = jsonencode(
    {
      "Version" = "2012-10-17",
      "Statement" = concat(
        [
          {
            "Sid"       = "KeyAdministration",
            "Effect"    = "Allow",
            "Principal" = { "AWS" = var.administrator_arns },
            "Action" = [
              "kms:CancelKeyDeletion",
              "kms:CreateAlias",
              "kms:DeleteAlias",
              "kms:DescribeKey",
              "kms:DisableKey",
              "kms:DisableKeyRotation",
              "kms:EnableKey",
              "kms:EnableKeyRotation",
              "kms:GetKeyPolicy",
              "kms:GetKeyRotationStatus",
              "kms:ListGrants",
              "kms:ListKeyPolicies",
              "kms:ListResourceTags",
              "kms:PutKeyPolicy",
              "kms:RevokeGrant",
              "kms:RotateKeyOnDemand",
              "kms:ScheduleKeyDeletion",
              "kms:TagResource",
              "kms:UntagResource",
              "kms:UpdateAlias",
              "kms:UpdateKeyDescription",
            ],
            "Resource" = "*",
          },
          {
            "Sid"       = "UseThroughServices",
            "Effect"    = "Allow",
            "Principal" = { "AWS" = var.user_arns },
            "Action" = [
              "kms:Decrypt",
              "kms:DescribeKey",
              "kms:Encrypt",
              "kms:GenerateDataKey*",
              "kms:ReEncrypt*",
            ],
            "Resource" = "*",
            "Condition" = {
              "StringEquals" = {
                "kms:ViaService" = formatlist(
                  "%s.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
                  var.via_services,
                ),
                "kms:CallerAccount" = data.aws_caller_identity.current.account_id,
              },
            },
          },
          {
            "Sid"       = "GrantsForAwsResources",
            "Effect"    = "Allow",
            "Principal" = { "AWS" = var.user_arns },
            "Action"    = "kms:CreateGrant",
            "Resource"  = "*",
            "Condition" = {
              "StringEquals" = {
                "kms:ViaService" = formatlist(
                  "%s.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
                  var.via_services,
                ),
                "kms:CallerAccount" = data.aws_caller_identity.current.account_id,
              },
              "Bool" = { "kms:GrantIsForAWSResource" = "true" },
            },
          },
        ],
        var.allow_cloudwatch_logs ? [
          {
            "Sid"    = "CloudWatchLogsOfThisAccount",
            "Effect" = "Allow",
            "Principal" = {
              "Service" = "logs.${data.aws_region.current_region.region}.${data.aws_partition.current_partition.dns_suffix}",
            },
            "Action" = [
              "kms:Decrypt*",
              "kms:Describe*",
              "kms:Encrypt*",
              "kms:GenerateDataKey*",
              "kms:ReEncrypt*",
            ],
            "Resource" = "*",
            "Condition" = {
              "ArnLike" = {
                "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current_partition.partition}:logs:${data.aws_region.current_region.region}:${data.aws_caller_identity.current.account_id}:log-group:*",
              },
            },
          },
        ] : [],
      ),
    },
  )
  rotation_period_in_days = var.rotation_period_in_days
  tags                    = var.tags
  lifecycle {
    prevent_destroy = true
  }
}
