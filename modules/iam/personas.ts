/**
 * The personas: the people's roles of the data science account, one row each. Everything that
 * differs between personas is here; the config schema, the config checks, the naming, the roles
 * and their outputs iterate this table, so a new persona is one row (plus what its duty may do).
 *
 * The key is the persona's one spelling: the config key under `sagemaker.identity` (a permission
 * set or the roles that may assume it). The rest derives names that must not change for a
 * deployed platform (role names, construct ids, output keys).
 */
export interface PersonaSpec {
  /** The role's name after `<prefix>-<account>-`. */
  readonly roleName: string;
  /** The role's construct id (its Terraform address). */
  readonly constructId: string;
  /** Its key in the `sagemaker_role_arns` output. */
  readonly output: string;
  /**
   * Its duty on the promotion path: `build` (opens Studio, trains and registers, never approves)
   * or `approve` (sets approvals and tags artifacts, nothing else). No principal may hold both.
   */
  readonly duty: "build" | "approve";
  /** Whether it manages Studio user profiles and may pass SageMaker roles. */
  readonly managesProfiles: boolean;
  /** Whether it administers the Studio domain itself. */
  readonly administersDomain: boolean;
  /** The role's description in IAM. */
  readonly description: string;
  /** Who it is, for the config reference: "data scientists". */
  readonly who: string;
}

export const PERSONAS = {
  dataScientist: {
    roleName: "data-scientist",
    constructId: "data-scientist-role",
    output: "data_scientist",
    duty: "build",
    managesProfiles: false,
    administersDomain: false,
    description:
      "Data scientists: open their own Studio profile, register (never approve) model versions",
    who: "data scientists",
  },
  teamAdmin: {
    roleName: "team-admin",
    constructId: "team-admin-role",
    output: "team_admin",
    duty: "build",
    managesProfiles: true,
    administersDomain: false,
    description:
      "Data science team administrators: manage user profiles; never approve model versions",
    who: "team admins",
  },
  admin: {
    roleName: "ds-admin",
    constructId: "ds-admin-role",
    output: "ds_admin",
    duty: "build",
    managesProfiles: true,
    administersDomain: true,
    description:
      "Data science administrators: manage the Studio domain; never approve model versions",
    who: "platform admins",
  },
  modelApprover: {
    roleName: "model-approver",
    constructId: "model-approver-role",
    output: "model_approver",
    duty: "approve",
    managesProfiles: false,
    administersDomain: false,
    description: "Model approvers: the only ones who set model versions to Approved or Rejected",
    who: "model approvers",
  },
} as const satisfies Record<string, PersonaSpec>;

export type Persona = keyof typeof PERSONAS;

/** Every persona, in the table's order. */
export const PERSONA_IDS = Object.keys(PERSONAS) as Persona[];

/** The personas of a duty, in the table's order. */
export function personasOf(duty: PersonaSpec["duty"]): Persona[] {
  return PERSONA_IDS.filter((persona) => PERSONAS[persona].duty === duty);
}

/** One value per persona, made by `make`, keyed by persona (in the table's order). */
export function perPersona<T>(make: (persona: Persona) => T): Record<Persona, T> {
  return Object.fromEntries(PERSONA_IDS.map((persona) => [persona, make(persona)])) as Record<
    Persona,
    T
  >;
}
