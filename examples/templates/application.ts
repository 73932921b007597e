// The tutorial's application.py for the 模板 chapter: the routes, then StaticFileHandler as the
// catch-all last route, in one of the tutorial's forms.
import { join } from "node:path";
import { Application, type Route, StaticFileHandler } from "tornado-ts/web";
import { BASE_DIRS, settings } from "./config.ts";
import {
  CartHandler,
  FlowHandler,
  FunctionHandler,
  HomeHandler,
  StaticUrlHandler,
  Trans2Handler,
  TransHandler,
  XsrfStaticFileHandler,
} from "./views.ts";

/**
 * How `/(.*)$` serves static/html: `path` only (改进方式一, /index.html), with `defaultFilename`
 * too (改进方式二, / as well), or through the XSRF-cookie subclass (应用安全).
 */
export type StaticForm = "path" | "defaultFilename" | "xsrf";

export function createApplication(form: StaticForm = "defaultFilename"): Application {
  const html = join(BASE_DIRS, "static/html");
  const catchAll: Route =
    form === "path"
      ? ["/(.*)$", StaticFileHandler, { path: html }]
      : [
          "/(.*)$",
          form === "xsrf" ? XsrfStaticFileHandler : StaticFileHandler,
          { path: html, defaultFilename: "index.html" },
        ];
  return new Application(
    [
      ["/home", HomeHandler],
      ["/flow", FlowHandler],
      ["/func", FunctionHandler],
      ["/trans", TransHandler],
      ["/trans2", Trans2Handler],
      ["/cart", CartHandler],
      ["/static-url", StaticUrlHandler],
      // StaticFileHandler must be the last route, or it would answer every URL.
      catchAll,
    ],
    form === "xsrf" ? { ...settings, xsrfCookies: true } : settings,
  );
}
