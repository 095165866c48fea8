import { Fn, Op, TerraformStack, Token, ref, type TerraformResource } from "./cdktf";

/**
 * Whether something exists: known now (`true`/`false`), or a boolean Terraform expression when
 * it depends on a module variable (`var.nat_gateways != "none"`). Constructs that accept
 * Terraform variables use this to keep one code path: a known presence makes a plain resource,
 * an expression makes the resource `count = cond ? 1 : 0`.
 */
export type Presence = boolean | { readonly expression: unknown };

export function when(expression: unknown): Presence {
  return { expression };
}

export function both(a: Presence, b: Presence): Presence {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return { expression: Op.and(a.expression, b.expression) };
}

/** Gives a resource `count = cond ? 1 : 0` when its presence is an expression. */
export function existsWhen<T extends TerraformResource>(resource: T, presence: Presence): T {
  if (presence === false) {
    throw new Error(`${resource.node.path}: created although it must not exist`);
  }
  if (presence !== true) {
    resource.count = Token.asNumber(Fn.conditional(presence.expression, 1, 0));
  }
  return resource;
}

/**
 * A string attribute of a resource that may have `count` 0 or 1: the plain reference when it has
 * no count, else `one(<resource>[*].<attribute>)` (null when it does not exist).
 */
export function attributeOf(resource: TerraformResource, attribute: string): string {
  if (resource.count === undefined) return resource.getStringAttribute(attribute);
  return Token.asString(Fn.one(splatOf(resource, attribute)));
}

/** `<resource>[*].<attribute>`: a list of zero or one values for a counted resource. */
export function splatOf(resource: TerraformResource, attribute: string): string[] {
  const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  return Token.asList(ref(`${address}[*].${attribute}`, TerraformStack.of(resource)));
}

/** The attribute of each resource that exists, as one list. */
export function attributesOf(resources: TerraformResource[], attribute: string): string[] {
  if (resources.every((r) => r.count === undefined)) {
    return resources.map((r) => r.getStringAttribute(attribute));
  }
  return Fn.concat(resources.map((r) => splatOf(r, attribute)));
}
