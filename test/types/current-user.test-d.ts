// Type tests: `this.currentUser` has the type `getCurrentUser()` returns (awaited when async).
import { type CurrentUserOf, RequestHandler } from "tornado-ts/web";
import { expectTypeOf } from "vitest";

interface User {
  name: string;
  admin: boolean;
}

export class SyncUser extends RequestHandler {
  override getCurrentUser(): User | null {
    const name = this.getSignedCookie("user");
    return name === null ? null : { name, admin: false };
  }

  override get() {
    // Inside the class `this` is generic: the user type is checked by assignment both ways.
    const user: User | null = this.currentUser;
    if (this.currentUser) greet(this.currentUser);
    // @ts-expect-error: the user may be null.
    greet(this.currentUser);
    this.write(user?.name ?? "");
    // @ts-expect-error: User has no `email`.
    this.write(this.currentUser?.email ?? "");
  }
}

export class AsyncUser extends RequestHandler {
  override async getCurrentUser(): Promise<string | undefined> {
    return this.getCookie("name");
  }

  override async get() {
    const name: string | undefined = await this.loadCurrentUser();
    // @ts-expect-error: the name may be undefined.
    const sure: string = this.currentUser;
    this.write(`${name}${sure}`);
    // Assigning stays open (in `prepare`, say): the setter takes any value.
    this.currentUser = "guest";
  }
}

export class NoUser extends RequestHandler {}

function greet(user: User): string {
  return user.name;
}

expectTypeOf<CurrentUserOf<SyncUser>>().toEqualTypeOf<User | null>();
expectTypeOf<CurrentUserOf<AsyncUser>>().toEqualTypeOf<string | undefined>();
expectTypeOf<CurrentUserOf<NoUser>>().toBeUnknown();
expectTypeOf(new AsyncUser(null!, null!).loadCurrentUser()).resolves.toEqualTypeOf<
  string | undefined
>();
expectTypeOf(new SyncUser(null!, null!).currentUser).toEqualTypeOf<User | null>();
// @ts-expect-error: a string is not a User.
expectTypeOf(new SyncUser(null!, null!).currentUser).toEqualTypeOf<string>();
