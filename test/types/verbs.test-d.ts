// Type tests (checked by `tsc -p tsconfig.json`, never run): RequestHandler declares the HTTP
// methods, so an override is checked against them. Each `@ts-expect-error` must meet an error:
// an unused one is itself an error (TS2578), so these cannot pass vacuously.
import { RequestHandler } from "tornado-ts/web";
import { expectTypeOf } from "vitest";

export class Student extends RequestHandler {
  override get(id: string, name?: string) {
    this.write(`${id} ${name ?? ""}`);
  }
  override async post(...parts: string[]) {
    await this.finish(parts.join("/"));
  }
  override delete() {}
}

export class Misspelt extends RequestHandler {
  // @ts-expect-error: RequestHandler has no `Get` to override (it suggests `get`).
  override Get() {}
}

export class NumberArgument extends RequestHandler {
  // @ts-expect-error: path groups arrive as strings, not numbers.
  override get(_id: number) {}
}

export class MissingOverride extends RequestHandler {
  // @ts-expect-error: with noImplicitOverride, a handler method needs `override` like any other.
  put() {}
}

// A handler that does not define a method has none (it answers 405), as the type says.
expectTypeOf<RequestHandler["get"]>().toEqualTypeOf<
  ((...pathArgs: string[]) => unknown) | undefined
>();
expectTypeOf<Student["get"]>().toEqualTypeOf<(id: string, name?: string) => void>();
