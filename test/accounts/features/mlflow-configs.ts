/**
 * The data science stack in the MLflow modes the MLflow feature tests share: each is synthesized
 * once per test run (synthPlatform keeps the JSON per config).
 */
import { exampleInput, parse, synthPlatform, type StackJson } from "../../helpers";

/** The data science stack of the example, after a change to its account config. */
export function devWith(change: (dev: any) => void): StackJson {
  const input = exampleInput() as any;
  change(input.accounts.dev);
  return synthPlatform(parse(input)).json.dev;
}

/** The self-hosted server on (with the NAT it installs through). */
export const mlflowServerOn = (): StackJson =>
  devWith((dev) => {
    dev.vpc.natGateways = "single";
    dev.mlflow = { server: { enabled: true } };
  });

/** The example: no MLflow server. */
export const mlflowOff = (): StackJson => synthPlatform().json.dev;

/** SageMaker's managed tracking server. */
export const mlflowManaged = (): StackJson =>
  devWith((dev) => {
    dev.mlflow = {
      mode: "managed",
      managed: { size: "Medium", weeklyMaintenanceWindowStart: "Tue:02:30" },
    };
  });

/** What the self-hosted server adds. */
export const SERVER_TYPES = [
  "aws_instance",
  "aws_launch_template",
  "aws_db_instance",
  "aws_db_parameter_group",
  "aws_db_subnet_group",
];
