/**
 * An offline matcher of EventBridge event patterns, for the operators the platform's patterns
 * use, with EventBridge's documented semantics
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 *
 * - a field's array of tests matches when any test matches (OR); every field must match (AND);
 * - an event value that is an array matches when any element matches;
 * - a literal matches an equal value (strings exactly, case-sensitive); `null` matches null;
 * - `prefix` matches strings that start with it;
 * - `anything-but` matches a present value that is none of those listed;
 * - `exists: true` matches a present leaf, `exists: false` a field that is absent (with any of
 *   its parents absent); every other test needs the field present;
 * - `$or` matches when any of its sub-patterns matches at that level.
 *
 * Any other operator throws, so a pattern using one cannot pass a test by being misread. AWS's
 * own matcher (event-ruler) is Java; the npm registry here has none.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Pattern = { readonly [field: string]: unknown };
const KNOWN_OPERATORS = new Set(["prefix", "anything-but", "exists"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function testValue(test: unknown, value: Json | undefined): boolean {
  if (!isObject(test)) return value !== undefined && test === value;
  const [operator, ...more] = Object.keys(test);
  if (more.length > 0 || !KNOWN_OPERATORS.has(operator)) {
    throw new Error(`unsupported matcher ${JSON.stringify(test)}`);
  }
  const operand = test[operator];
  if (operator === "exists") {
    const present = value !== undefined && !isObject(value);
    return operand === true ? present : value === undefined;
  }
  if (value === undefined) return false;
  if (operator === "prefix") {
    return typeof value === "string" && typeof operand === "string" && value.startsWith(operand);
  }
  // anything-but
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.some((e) => e === value);
}

function fieldMatches(tests: readonly unknown[], value: Json | undefined): boolean {
  const values = Array.isArray(value) ? (value.length === 0 ? [undefined] : value) : [value];
  return tests.some((test) => values.some((v) => testValue(test, v)));
}

/** Whether `event` matches `pattern`. */
export function matchesPattern(pattern: Pattern, event: Json | undefined): boolean {
  const object = isObject(event) ? (event as Record<string, Json>) : {};
  return Object.entries(pattern).every(([field, expected]) => {
    if (field === "$or") {
      if (!Array.isArray(expected)) throw new Error("$or must be a list of patterns");
      return expected.some((sub) => matchesPattern(sub as Pattern, event));
    }
    const value = object[field];
    if (Array.isArray(expected)) return fieldMatches(expected, value);
    if (isObject(expected)) {
      const children = Array.isArray(value) ? value : [value];
      return children.some((child) => matchesPattern(expected, child));
    }
    throw new Error(`pattern field ${field} must be a list of tests or an object`);
  });
}
