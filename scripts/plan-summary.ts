/**
 * Summarizes Terraform JSON plans, per stack, and fails on the destruction of data-bearing
 * resources unless it is declared intended.
 *
 *   terraform show -json plan.tfplan > plan.json
 *   npm run plan-summary -- [--intended <address>]... [<stack>=]<plan.json>...
 *
 * Without `<stack>=`, the stack is the plan file's folder name (cdktf.out/stacks/<stack>/plan.json)
 * or, for other paths, the file name. Exit 1 on unintended data loss, 2 on bad input.
 */
import { formatPlanCost, planCost, type CostPlanJson } from "../review/plan-cost";
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import {
  formatPlanSummary,
  summarizePlan,
  unintendedDataLoss,
  type PlanJson,
} from "../review/plan-summary";

function stackName(path: string): string {
  const folder = basename(dirname(path));
  return folder && folder !== "." && basename(path) === "plan.json"
    ? folder
    : basename(path).replace(/\.json$/, "");
}

function main(argv: string[]): number {
  const intended = new Set<string>();
  const plans: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--intended") {
      intended.add(argv[++i] ?? "");
    } else {
      const [name, path] = argv[i].includes("=")
        ? argv[i].split("=", 2)
        : [stackName(argv[i]), argv[i]];
      plans.push([name, path]);
    }
  }
  if (plans.length === 0) {
    process.stderr.write(
      "usage: npm run plan-summary -- [--intended <address>]... [<stack>=]<plan.json>...\n",
    );
    return 2;
  }
  const summaries = [];
  const reports: string[] = [];
  for (const [stack, path] of plans) {
    let plan: PlanJson;
    try {
      plan = JSON.parse(readFileSync(path, "utf8"));
      const summary = summarizePlan(stack, plan);
      summaries.push(summary);
      // The same report CI posts: the changes, then the cost difference they make.
      reports.push(
        `${formatPlanSummary(summary, intended)}\n${formatPlanCost(planCost(plan as CostPlanJson))}`,
      );
    } catch (error) {
      process.stderr.write(`${path}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  process.stdout.write(`${reports.join("\n\n")}\n`);
  const loss = unintendedDataLoss(summaries, intended);
  if (loss.length > 0) {
    process.stderr.write(
      `\n${loss.length} data-bearing resource(s) would be destroyed without being declared intended.\n`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
