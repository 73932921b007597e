/**
 * Request bodies checked by a schema: any validator that implements Standard Schema (zod,
 * valibot, arktype and others, through their `~standard` property; no one library is required).
 * Not in Tornado, where handlers parse and check `self.request.body` themselves.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { isPromise } from "../promise.ts";
import { Finish, HTTPError } from "./errors.ts";

/**
 * What validation reads of the handler (RequestHandler has it): named here, so this file needs no
 * import of request-handler.ts, which imports it.
 */
interface BodyHandler {
  setStatus(statusCode: number): void;
  getJsonBody(): unknown;
  getBodyArguments(name: string): string[];
  readonly request: { readonly bodyArguments: Readonly<Record<string, unknown>> };
}

export type { StandardSchemaV1 };

/** A schema's output type: what a valid body becomes. */
export type SchemaOutput<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;

/**
 * What `getJsonBody(schema)` and `getFormBody(schema)` return: the validated value, or a promise
 * of it when the validator is asynchronous. `await` it: that works for both.
 */
export type ValidatedBody<S extends StandardSchemaV1> = SchemaOutput<S> | Promise<SchemaOutput<S>>;

/** One entry of a 400 answer's `errors` list: where in the body, and what is wrong there. */
export interface BodyError {
  /** The keys from the body's root to the failing value (`[]` for the body itself). */
  path: (string | number)[];
  /** The validator's message. */
  message: string;
}

/** Keys as JSON can carry them: a symbol by its description. */
function pathOf(issue: StandardSchemaV1.Issue): (string | number)[] {
  return (issue.path ?? []).map((segment) => {
    const key = typeof segment === "object" ? segment.key : segment;
    return typeof key === "symbol" ? (key.description ?? key.toString()) : key;
  });
}

/** Ends the request with `status` and the JSON `{"errors": [...]}`; never returns. */
function refuse(handler: BodyHandler, status: number, errors: BodyError[]): never {
  handler.setStatus(status);
  throw new Finish({ errors });
}

/** The validated value, or the 400 answer listing every issue. */
function outcome<S extends StandardSchemaV1>(
  handler: BodyHandler,
  result: StandardSchemaV1.Result<SchemaOutput<S>>,
): SchemaOutput<S> {
  if (result.issues === undefined) return result.value;
  refuse(
    handler,
    400,
    result.issues.map((issue) => ({ path: pathOf(issue), message: issue.message })),
  );
}

/** Runs `schema` over `value`, synchronously when the validator is. */
function validate<S extends StandardSchemaV1>(
  handler: BodyHandler,
  schema: S,
  value: unknown,
): ValidatedBody<S> {
  const standard = schema?.["~standard"];
  if (typeof standard?.validate !== "function") {
    throw new TypeError(
      "The schema must implement Standard Schema (a `~standard.validate` function)",
    );
  }
  const result = standard.validate(value) as
    | StandardSchemaV1.Result<SchemaOutput<S>>
    | Promise<StandardSchemaV1.Result<SchemaOutput<S>>>;
  return isPromise(result)
    ? Promise.resolve(result).then((settled) => outcome<S>(handler, settled))
    : outcome<S>(handler, result);
}

/**
 * The JSON body validated by `schema` (`RequestHandler.getJsonBody(schema)`). A body that is not
 * JSON answers 415 (another content type) or 400 (not valid JSON), and one the schema refuses
 * answers 400; each with the JSON `{"errors": [{"path": [...], "message": "..."}, ...]}`.
 * @internal
 */
export function validateJsonBody<S extends StandardSchemaV1>(
  handler: BodyHandler,
  schema: S,
): ValidatedBody<S> {
  let value: unknown;
  try {
    value = handler.getJsonBody();
  } catch (error) {
    if (!(error instanceof HTTPError)) throw error;
    // The HTTPError's own text is for the log; the client gets a fixed message.
    const message =
      error.statusCode === 415
        ? "Expected a JSON body (Content-Type: application/json)"
        : "The body is not valid JSON";
    refuse(handler, error.statusCode, [{ path: [], message }]);
  }
  return validate(handler, schema, value);
}

/**
 * The form body (urlencoded or multipart fields, uploaded files aside) as an object validated by
 * `schema` (`RequestHandler.getFormBody(schema)`): a field sent once is a string, one sent
 * several times an array of strings, each stripped as `getBodyArgument` does. One the schema
 * refuses answers 400 with the JSON `{"errors": [...]}` as {@link validateJsonBody} does.
 * @internal
 */
export function validateFormBody<S extends StandardSchemaV1>(
  handler: BodyHandler,
  schema: S,
): ValidatedBody<S> {
  const fields: Record<string, string | string[]> = {};
  for (const name of Object.keys(handler.request.bodyArguments)) {
    // As getJsonBody drops `__proto__` keys: assigning one would change the object's prototype.
    if (name === "__proto__") continue;
    const values = handler.getBodyArguments(name);
    if (values.length > 0) fields[name] = values.length === 1 ? values[0]! : values;
  }
  return validate(handler, schema, fields);
}
