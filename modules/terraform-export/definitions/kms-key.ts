import { KMS_ALIAS } from "../../core/patterns";
import type { Construct } from "constructs";
import { arn, type AwsService } from "../../core/aws-environment";
import { cloudWatchLogsKeyStatement } from "../../logs/encrypted-log-group";
import {
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  KmsKey,
  MAX_DELETION_WINDOW_DAYS,
  MIN_DELETION_WINDOW_DAYS,
} from "../../kms/kms-key";
import type { ModuleDefinition, ModuleInputs } from "../module-definition";
import { moduleTests } from "../module-definition";
import {
  everyMatches,
  matches,
  noRepeats,
  notEmpty,
  roleArns,
  wholeNumberBetween,
} from "../validations";

export const kmsKeyModule: ModuleDefinition = {
  name: "kms-key",
  title: "KMS key",
  summary: [
    "A customer managed KMS key with yearly (configurable) rotation, the longest deletion window,",
    "an alias, and protection from `terraform destroy` (`prevent_destroy`). The key policy does not",
    "delegate to IAM: no `arn:aws:iam::<account>:root` statement. The administrators may manage",
    "the key but not use it; the users may use it only through the listed AWS services of this",
    "account (`kms:ViaService`, `kms:CallerAccount`), and may let those services create grants",
    "only for AWS resources (`kms:GrantIsForAWSResource`).",
  ].join("\n"),
  notes: [
    "`prevent_destroy` is on: deleting the key means removing the module call and the key's state, a deliberate act.",
    "Set `allow_cloudwatch_logs` for a key that encrypts log groups (VPC flow logs, the MLflow server's logs): CloudWatch Logs of this account and region may then use it for log groups of this account only.",
  ],
  variables: [
    {
      name: "alias",
      type: "string",
      description: 'Alias of the key, "alias/<name>".',
      validation: [
        matches("alias", KMS_ALIAS, 'alias/ followed by 1 to 250 letters, digits, "/", "_" or "-"'),
        {
          condition: '!startswith(var.alias, "alias/aws/")',
          message:
            'alias is "${var.alias}"; aliases under alias/aws/ are reserved for AWS managed keys.',
        },
      ],
    },
    {
      name: "description",
      type: "string",
      description: "What the key protects; shown in the console and in plans.",
      validation: [
        {
          condition: "length(var.description) <= 8192",
          message: "description is longer than the 8192 characters KMS allows.",
        },
      ],
    },
    {
      name: "administrator_arns",
      type: "list(string)",
      description:
        "Roles that administer the key (the role Terraform runs as): they may change the key and its policy but not use it for data.",
      validation: [
        notEmpty("administrator_arns", "name at least the role Terraform runs as"),
        roleArns("administrator_arns"),
      ],
    },
    {
      name: "user_arns",
      type: "list(string)",
      description: "Roles that may use the key, through the services in via_services only.",
      validation: [notEmpty("user_arns", "name the roles that use the key"), roleArns("user_arns")],
    },
    {
      name: "via_services",
      type: "list(string)",
      description:
        'AWS services through which the users may use the key, by endpoint prefix ("s3", "sagemaker", "ec2", "secretsmanager").',
      default: ["s3"],
      validation: [
        notEmpty("via_services", "name at least one service"),
        everyMatches("via_services", "^[a-z0-9-]+$", "a service endpoint prefix such as s3"),
        noRepeats("via_services"),
      ],
    },
    {
      name: "allow_cloudwatch_logs",
      type: "bool",
      description:
        "Let CloudWatch Logs of this account and region encrypt log groups of this account with the key.",
      default: false,
    },
    {
      name: "deletion_window_in_days",
      type: "number",
      description: "Days between scheduling deletion and the key's destruction.",
      default: MAX_DELETION_WINDOW_DAYS,
      validation: [
        wholeNumberBetween(
          "deletion_window_in_days",
          MIN_DELETION_WINDOW_DAYS,
          MAX_DELETION_WINDOW_DAYS,
        ),
      ],
    },
    {
      name: "rotation_period_in_days",
      type: "number",
      description: "Days between automatic rotations of the key material.",
      default: 365,
      validation: [wholeNumberBetween("rotation_period_in_days", 90, 2560)],
    },
  ],
  build(scope: Construct, inputs: ModuleInputs) {
    const env = inputs.environment;
    const key = new KmsKey(scope, "key", {
      alias: inputs.string("alias"),
      description: inputs.string("description"),
      administratorArns: inputs.list("administrator_arns"),
      deletionWindowInDays: inputs.number("deletion_window_in_days"),
      rotationPeriodInDays: inputs.number("rotation_period_in_days"),
    });
    const users = inputs.list("user_arns");
    // A module variable: service names by the caller, checked by its validation's pattern.
    const services = inputs.list("via_services") as AwsService[];
    key.grantThroughService({
      sid: "UseThroughServices",
      principals: users,
      actions: KMS_ENCRYPT_DECRYPT_ACTIONS,
      via: services,
      env,
    });
    key.grantCreateGrantForAwsResources({
      sid: "GrantsForAwsResources",
      principals: users,
      via: services,
      env,
    });
    key.addToPolicyWhen(
      inputs.bool("allow_cloudwatch_logs"),
      cloudWatchLogsKeyStatement(
        "CloudWatchLogsOfThisAccount",
        env,
        arn(env, "logs", "log-group:*"),
      ),
    );
    return [
      { name: "key_arn", description: "ARN of the key.", value: key.keyArn },
      { name: "key_id", description: "Id of the key.", value: key.keyId },
      { name: "alias_name", description: "Name of the alias.", value: key.aliasName },
      { name: "alias_arn", description: "ARN of the alias.", value: key.aliasArn },
    ];
  },
  tests: moduleTests("kms-key"),
  example: {
    alias: '"alias/mlops-dev-data"',
    description: '"Training data and model artifacts"',
    administrator_arns: '["arn:aws:iam::111111111111:role/terraform-deploy"]',
    user_arns: '["arn:aws:iam::111111111111:role/ml-training"]',
    via_services: '["s3", "sagemaker"]',
  },
};
