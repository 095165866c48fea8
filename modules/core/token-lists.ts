import { Fn, Token } from "./cdktf";

/**
 * Lists that may be Terraform variables (an exported module's `list(string)` inputs), whose
 * elements are known only at plan time: JavaScript cannot map or spread them, Terraform can.
 */

/** `template` applied to each element: in JavaScript for a known list, by `formatlist()` otherwise. */
export function mapList(list: string[], template: (element: string) => string): string[] {
  if (!Token.isUnresolved(list)) return list.map(template);
  return Fn.formatlist(template("%s"), [list]);
}

/** The lists joined: in JavaScript when all are known, by `concat()` otherwise. */
export function concatLists(...lists: string[][]): string[] {
  if (!lists.some((l) => Token.isUnresolved(l))) return lists.flat();
  return Fn.concat(lists);
}
