// Type tests: `url(pattern, Handler, initArgs?, name?)` reads the pattern literal and checks the
// handler's methods and `initialize` against it; `urlReverser(routes)` checks names and counts.
import {
  type GroupsOf,
  type PathArgsOf,
  type PathKwargsOf,
  RequestHandler,
  type Route,
  type URLSpec,
  url,
  urlReverser,
} from "tornado-ts/web";
import { expectTypeOf } from "vitest";

class StudentHandler extends RequestHandler {
  override get(id: string, name: string) {
    this.write(`${id} ${name}`);
  }
}
class OneArgument extends RequestHandler {
  override get(id: string) {
    this.write(id);
  }
}
class NoArguments extends RequestHandler {
  override get() {}
}
class OptionalSecond extends RequestHandler {
  override get(id: string, page?: string) {
    this.write(`${id}${page}`);
  }
}
class OptionalFirst extends RequestHandler {
  override get(page?: string) {
    this.write(page ?? "1");
  }
}
class Rest extends RequestHandler {
  override post(...parts: string[]) {
    this.write(parts.join("/"));
  }
}
class PutTakesNone extends RequestHandler {
  override get(id: string) {
    this.write(id);
  }
  override put() {}
}
class NumberParameter extends RequestHandler {
  // Refused at the class already: path groups are strings.
  // @ts-expect-error: number is not a path argument type.
  override get(_id: number) {}
}

// ---- path arguments ---------------------------------------------------------------------------

url("/student/(\\d+)/(\\w+)", StudentHandler);
url("/student/(\\d+)", OptionalSecond);
url("/student/(\\d+)/(\\w+)", OptionalSecond);
url("/files/(.*)/(.*)/(.*)", Rest);
url("/", NoArguments);
// @ts-expect-error: get() takes one argument, the pattern has two groups.
url("/student/(\\d+)/(\\w+)", OneArgument);
// @ts-expect-error: get() needs a second argument the pattern does not give.
url("/student/(\\d+)", StudentHandler);
// @ts-expect-error: get() takes none.
url("/student/(\\d+)", NoArguments);
// @ts-expect-error: put() takes none (every method the handler defines is checked).
url("/student/(\\d+)", PutTakesNone);
// @ts-expect-error: get() takes numbers.
url("/student/(\\d+)", NumberParameter);

// Escapes, classes and non-capturing groups are not groups; lookbehinds neither.
url("/a\\(b\\)/(?:x|y)/[()]+/(?<=a)(\\d+)", OneArgument);
expectTypeOf<PathArgsOf<"/a\\(b\\)/(?:x|y)/[()]+/(\\d+)">>().toEqualTypeOf<[string]>();

// An optional group (`?`, `*`, `{0,}`, or a branch of `|`) may be undefined.
expectTypeOf<PathArgsOf<"/p/(\\d+)?">>().toEqualTypeOf<[string | undefined]>();
expectTypeOf<PathArgsOf<"/p/((\\d+)|x)/(y)*">>().toEqualTypeOf<
  [string, string | undefined, string | undefined]
>();
expectTypeOf<PathArgsOf<"/(a)|/(b)">>().toEqualTypeOf<[string | undefined, string | undefined]>();
// @ts-expect-error: the group may be missing and get() needs a string.
url("/p/(\\d+)?", OneArgument);
url("/p/(\\d+)?", OptionalFirst);
// @ts-expect-error: get()'s first parameter needs a string, and the group may be missing.
url("/p/(\\d+)?", OptionalSecond);

// ---- named groups -----------------------------------------------------------------------------
// They reach the method in pattern order, as positional groups do, and by name on
// `this.pathKwargs` (Tornado's keyword arguments): a method may take them all, or none.

class ByName extends RequestHandler {
  declare pathKwargs: { id: string; name: string };
  override get() {
    this.write(`${this.pathKwargs.id} ${this.pathKwargs.name}`);
  }
}
class ByNameOptional extends RequestHandler {
  declare pathKwargs: { id: string; page?: string };
  override get() {}
}

url("/s/(?<id>\\d+)/(?<name>\\w+)", ByName);
url("/s/(?P<id>\\d+)/(?P<name>\\w+)", ByName);
url("/s/(?P<id>\\d+)/(?P<name>\\w+)", StudentHandler);
url("/s/(?<id>\\d+)(?:/(?<page>\\d+))?", ByNameOptional);
// @ts-expect-error: the handler reads pathKwargs.name, which this pattern does not capture.
url("/s/(?<id>\\d+)/(?<nom>\\w+)", ByName);
// @ts-expect-error: positional groups fill no pathKwargs.
url("/s/(\\d+)/(\\w+)", ByName);
// @ts-expect-error: one of two named groups: take them all or none.
url("/s/(?<id>\\d+)/(?<name>\\w+)", OneArgument);
// @ts-expect-error: groups in url regexes must either be all named or all positional.
url("/s/(?<id>\\d+)/(\\w+)", StudentHandler);
expectTypeOf<PathKwargsOf<"/s/(?<id>\\d+)(?:/(?<page>\\d+))?">>().toEqualTypeOf<
  { id: string } & { page?: string }
>();
expectTypeOf<GroupsOf<"/s/(?P<id>\\d+)">>().toEqualTypeOf<{ names: ["id"]; optional: never }>();

// ---- patterns the compiler cannot read are not checked ------------------------------------------

declare const dynamic: string;
url(dynamic, OneArgument);
url(/^\/student\/(\d+)\/(\w+)$/, OneArgument);
url("/unbalanced/(", OneArgument);
expectTypeOf<GroupsOf<string>>().toBeNull();

// ---- init arguments ---------------------------------------------------------------------------

class Greeting extends RequestHandler {
  word = "";
  override initialize(initArgs: { word: string; times?: number }) {
    this.word = initArgs.word.repeat(initArgs.times ?? 1);
  }
}
class OptionalInit extends RequestHandler {
  override initialize(initArgs: { word?: string }) {
    this.write(initArgs.word ?? "");
  }
}
class NoInit extends RequestHandler {
  override initialize() {}
}

url("/hello", Greeting, { word: "hi" });
url("/hello", Greeting, { word: "hi", times: 2 }, "hello");
url("/hello", OptionalInit);
url("/hello", OptionalInit, undefined, "hello");
url("/hello", NoInit);
url("/hello", NoInit, {});
url("/any", OneArgument.bind(null) as unknown as typeof NoArguments, { anything: 1 });
// @ts-expect-error: Greeting's initialize needs { word }.
url("/hello", Greeting);
// @ts-expect-error: `wrd` is not one of initialize's arguments.
url("/hello", Greeting, { wrd: "hi" });
// @ts-expect-error: `word` is a string.
url("/hello", Greeting, { word: 1 });
// @ts-expect-error: NoInit's initialize takes no arguments.
url("/hello", NoInit, { word: "hi" });

// ---- reverse URLs -----------------------------------------------------------------------------

const routes = [
  url("/student/(\\d+)/(\\w+)", StudentHandler, undefined, "student"),
  url("/hello", Greeting, { word: "hi" }, "hello"),
  url("/", NoArguments),
  ["/s/(?<id>\\d+)/(?<name>\\w+)", ByName, {}, "by-name"],
] as const;
const reverseUrl = urlReverser(routes);
expectTypeOf(reverseUrl("student", 12, "ann")).toBeString();
reverseUrl("hello");
reverseUrl("by-name", "1", "x");
// @ts-expect-error: no route is named "students".
reverseUrl("students", 12, "ann");
// @ts-expect-error: "student" takes two arguments.
reverseUrl("student", 12);
// @ts-expect-error: "hello" takes none.
reverseUrl("hello", 1);
// @ts-expect-error: a route name is required.
reverseUrl();

// A list typed only as Route[] still works, unchecked.
const loose: Route[] = [...routes];
urlReverser(loose)("anything", 1, 2, 3);
expectTypeOf(url("/student/(\\d+)", OneArgument)).toExtend<URLSpec>();
