// Type tests: getJsonBody(schema) and getFormBody(schema) are typed by the schema, whichever
// Standard Schema library made it.
import { RequestHandler, type SchemaOutput, type ValidatedBody } from "tornado-ts/web";
import * as v from "valibot";
import { expectTypeOf } from "vitest";
import { z } from "zod";

const zodOrder = z.object({ item: z.string(), qty: z.number(), note: z.string().optional() });
const valibotOrder = v.object({ item: v.string(), qty: v.number() });
const parsedDate = z.string().transform((text) => new Date(text));

export class Orders extends RequestHandler {
  override async post() {
    const order = await this.getJsonBody(zodOrder);
    expectTypeOf(order).toEqualTypeOf<{ item: string; qty: number; note?: string | undefined }>();
    const other = await this.getJsonBody(valibotOrder);
    expectTypeOf(other).toEqualTypeOf<{ item: string; qty: number }>();
    // The output type, after transforms, not the input type.
    expectTypeOf(await this.getJsonBody(parsedDate)).toEqualTypeOf<Date>();
    // Without await, the value or a promise of it (an async validator gives a promise).
    expectTypeOf(this.getJsonBody(zodOrder)).toEqualTypeOf<ValidatedBody<typeof zodOrder>>();
    expectTypeOf(await this.getFormBody(valibotOrder)).toEqualTypeOf<
      SchemaOutput<typeof valibotOrder>
    >();
    // @ts-expect-error: qty is a number.
    const text: string = order.qty;
    // @ts-expect-error: a plain object is not a schema.
    this.getJsonBody({ item: "string" });
    // @ts-expect-error: getFormBody needs a schema.
    this.getFormBody();
    // Without a schema, as before: unknown, or an unchecked cast.
    expectTypeOf(this.getJsonBody()).toBeUnknown();
    expectTypeOf(this.getJsonBody<{ a: 1 }>()).toEqualTypeOf<{ a: 1 }>();
    this.write(text);
  }
}
