/**
 * `isReadonlyArray`: `Array.isArray` for values typed as a readonly array or something else, which
 * the standard declaration (`value is any[]`) narrows to `any[]` in one branch and not at all in
 * the other (microsoft/TypeScript#17002).
 * @module
 */

/** Whether `value` is an array: narrows `readonly T[] | U` to `readonly T[]`, or else to `U`. */
export function isReadonlyArray<T, U>(value: readonly T[] | U): value is readonly T[] {
  return Array.isArray(value);
}
