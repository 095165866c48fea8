import type { AccessCell, AccessTable } from "./evaluate";

/**
 * The separation of duties the platform promises, as named checks over the access table (so
 * they hold whatever statement grants the access, and through assumed roles). A principal's duty
 * comes from its role name, as accounts/naming.ts makes them (`<prefix>-<account>-<suffix>`), or
 * from the Identity Center permission set it is.
 */

export type Duty =
  | "build"
  | "approve"
  | "deploy"
  | "run-models"
  | "ci-plan"
  | "ci-apply"
  | "mlflow"
  | "other";

const DUTIES: [RegExp, Duty][] = [
  [
    /-(studio-execution|team-admin-execution|pipeline-execution|data-scientist|team-admin|ds-admin)$/,
    "build",
  ],
  [/-user-[a-z0-9-]+$/, "build"],
  [/^AmazonSageMakerServiceCatalogProducts\w+Role$/, "build"],
  [/^AWSReservedSSO_(DataScientist|DataScienceTeamAdmin|DataScienceAdmin)_/, "build"],
  [/-model-approver$/, "approve"],
  [/^AWSReservedSSO_ModelApprover_/, "approve"],
  [/-model-(deployer|deployment)$/, "deploy"],
  [/-model-execution$/, "run-models"],
  [/-ci-plan$/, "ci-plan"],
  [/-ci-apply$/, "ci-apply"],
  [/-mlflow-server$/, "mlflow"],
  // The managed MLflow server's role: assumed by SageMaker alone, which reaches the bucket from
  // AWS's network (the bucket policy exempts the role from the endpoint rule by name).
  [/-mlflow-tracking$/, "other"],
];

export function dutyOf(label: string): Duty {
  return DUTIES.find(([pattern]) => pattern.test(label))?.[1] ?? "other";
}

export interface InvariantResult {
  readonly id: string;
  readonly promise: string;
  /** One line per cell that breaks it. */
  readonly violations: readonly string[];
}

interface Invariant {
  readonly id: string;
  readonly promise: string;
  breaks(cell: AccessCell, table: Context): boolean;
}

interface Context {
  readonly duty: (principal: string) => Duty;
  readonly principalAccount: (principal: string) => string;
  readonly capabilityAccount: (capability: string) => string;
  readonly kind: (capability: string) => string;
  /** Accounts that hold a deployment target's roles. */
  readonly targets: ReadonlySet<string>;
}

const S3_DATA = /^(read|write|read-approved|tag-approved) s3:\/\/(?!.*-(tfstate|access-logs)-)/;

export const INVARIANTS: readonly Invariant[] = [
  {
    id: "build-cannot-approve",
    promise:
      "who builds models (Studio, pipelines, their personas) cannot approve a model version or tag an artifact approved",
    breaks: (c, t) =>
      t.duty(c.principal) === "build" && ["approve", "tag-approved"].includes(t.kind(c.capability)),
  },
  {
    id: "approve-cannot-deploy",
    promise: "who approves cannot deploy: no model approver assumes a deployer or deployment role",
    breaks: (c, t) =>
      t.duty(c.principal) === "approve" &&
      t.kind(c.capability) === "assume" &&
      /-model-(deployer|deployment)$/.test(c.capability),
  },
  {
    id: "build-cannot-deploy",
    promise:
      "who builds cannot deploy: no Studio or pipeline role assumes a deployer or deployment role",
    breaks: (c, t) =>
      t.duty(c.principal) === "build" &&
      t.kind(c.capability) === "assume" &&
      /-model-(deployer|deployment)$/.test(c.capability),
  },
  {
    id: "studio-stays-out-of-targets",
    promise: "Studio and pipelines reach nothing in a deployment target account",
    breaks: (c, t) =>
      t.duty(c.principal) === "build" &&
      t.targets.has(t.capabilityAccount(c.capability)) &&
      t.capabilityAccount(c.capability) !== t.principalAccount(c.principal),
  },
  {
    id: "plan-reads-no-secret",
    promise:
      "the CI plan role reads no secret, no data object, and uses no key outside S3's state reads",
    breaks: (c, t) =>
      t.duty(c.principal) === "ci-plan" &&
      (t.kind(c.capability) === "read-secret" ||
        t.kind(c.capability) === "decrypt" ||
        S3_DATA.test(c.capability)),
  },
  {
    id: "nobody-changes-ci-roles",
    promise: "no principal of the platform can change a CI role (only the deploy role, outside it)",
    breaks: (c, t) => t.kind(c.capability) === "change-role",
  },
  {
    id: "targets-read-only-approved",
    promise: "a deployment target reads model artifacts only once they are tagged approved",
    breaks: (c, t) =>
      ["deploy", "run-models"].includes(t.duty(c.principal)) &&
      t.principalAccount(c.principal) !== t.capabilityAccount(c.capability) &&
      /^(read|write) s3:\/\//.test(c.capability),
  },
  {
    id: "data-only-through-the-vpc",
    promise:
      "Studio, pipelines and MLflow read and write the platform's data only through a VPC endpoint",
    breaks: (c, t) =>
      ["build", "mlflow"].includes(t.duty(c.principal)) &&
      S3_DATA.test(c.capability) &&
      c.contexts.includes("outside any VPC endpoint"),
  },
];

export function checkInvariants(table: AccessTable): InvariantResult[] {
  const principals = new Map(table.principals.map((p) => [p.arn, p]));
  const capabilities = new Map(table.capabilities.map((c) => [c.id, c]));
  const context: Context = {
    duty: (arn) => dutyOf(principals.get(arn)?.label ?? arn),
    principalAccount: (arn) => principals.get(arn)?.account ?? "",
    capabilityAccount: (id) => capabilities.get(id)?.account ?? "",
    kind: (id) => capabilities.get(id)?.kind ?? "",
    targets: new Set(
      table.principals.filter((p) => /-model-deployment$/.test(p.label)).map((p) => p.account),
    ),
  };
  return INVARIANTS.map((invariant) => ({
    id: invariant.id,
    promise: invariant.promise,
    violations: table.cells
      .filter((cell) => invariant.breaks(cell, context))
      .map(
        (cell) =>
          `${principals.get(cell.principal)?.label ?? cell.principal} may ${cell.capability}${cell.via ? ` (via ${cell.via.map((v) => v.split("/").pop()).join(" > ")})` : ""}: ${cell.decidedBy.join(", ")}`,
      ),
  }));
}
