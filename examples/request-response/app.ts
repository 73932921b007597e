// The route table of the tutorial's chapter 请求与响应 (the project's application.py).
import { join } from "node:path";
import { Application, type ApplicationSettings, type Route, url } from "tornado-ts/web";
import {
  CallOrderHandler,
  ErrorHandler,
  HeaderHandler,
  IndexHandler,
  Json1Handler,
  Json2Handler,
  KaigeHandler,
  LiuyifeiHandler,
  LiuyifeiNamedHandler,
  NextHandler,
  PostFileHandler,
  RedirectHandler,
  SetHeaderHandler,
  StatusCodeHandler,
  SunckHandler,
  UpFileHandler,
  WriteHandler,
  ZhangmanyuHandler,
  ZhuyinHandler,
} from "./handlers.ts";

/** The folder uploads go to by default (the tutorial's `upfile/`). */
export const UPLOAD_DIR = join(import.meta.dirname, "upfile");

/** Options of {@link routes}. */
export interface RouteOptions {
  /** Where uploaded files are saved (default {@link UPLOAD_DIR}). */
  uploadDir?: string;
  /** The path of the home page that links to `kaige` (default `/`). */
  indexPath?: string;
}

/** The chapter's routes, in the order the tutorial introduces them. */
export function routes(options: RouteOptions = {}): Route[] {
  return [
    [options.indexPath ?? "/", IndexHandler],
    // A route with init args, received by initialize().
    ["/sunck", SunckHandler, { word1: "good", word2: "nice" }],
    // A named route, for reverseUrl("kaige").
    url("/kaige", KaigeHandler, { word3: "handsome", word4: "cool" }, "kaige"),
    // Regex groups, positional and named; `/?` also accepts the tutorial's trailing slash.
    [String.raw`/liuyifei/(\w+)/(\w+)/(\w+)/?`, LiuyifeiHandler],
    [String.raw`/liuyifei2/(?P<p1>\w+)/(?P<p2>\w+)/(?P<p3>\w+)/?`, LiuyifeiNamedHandler],
    ["/zhangmanyu", ZhangmanyuHandler],
    ["/postfile", PostFileHandler],
    ["/next", NextHandler],
    ["/zhuyin", ZhuyinHandler],
    ["/upfile", UpFileHandler, { uploadDir: options.uploadDir ?? UPLOAD_DIR }],
    ["/write", WriteHandler],
    ["/json1", Json1Handler],
    ["/json2", Json2Handler],
    ["/setheader", SetHeaderHandler],
    ["/header", HeaderHandler],
    ["/status", StatusCodeHandler],
    ["/redirect", RedirectHandler],
    ["/error", ErrorHandler],
    ["/order", CallOrderHandler],
  ];
}

/** The chapter's application. */
export function makeApp(
  options: RouteOptions = {},
  settings: ApplicationSettings = {},
): Application {
  return new Application(routes(options), settings);
}
