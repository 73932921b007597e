/**
 * `isPromise`: whether a value is a promise or another thenable, the one test the framework uses
 * where a callback may answer synchronously or with a promise (Tornado's `is_future`).
 * @module
 */

/** Whether `value` is a promise or any other object with a `then` method. */
export function isPromise<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
