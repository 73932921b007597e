// The tutorial's application.py: the Application subclass that holds the database connection, and
// the route table (project03 and project04 together). StaticFileHandler's catch-all comes last.
import { join } from "node:path";
import { loadTranslations } from "tornado-ts/locale";
import { Application, type ApplicationSettings, type Route, url } from "tornado-ts/web";
import {
  BASE_DIRS,
  LOCALE_PATH,
  makeSettings,
  openidConnectSettings,
  UPLOAD_DIR,
} from "./config.ts";
import type { Database } from "./db/database.ts";
import {
  IndexHandler,
  KaigeHandler,
  LiuyifeiHandler,
  PostFileHandler,
  SunckHandler,
  UpFileHandler,
  ZhangmanyuHandler,
  ZhuyinHandler,
} from "./views/index.ts";
import { LanguageHandler } from "./views/languages.ts";
import {
  ErrorHandler,
  HeaderHandler,
  Json1Handler,
  Json2Handler,
  OrderHandler,
  OutputHandler,
  RedirectHandler,
  StatusCodeHandler,
  WriteHandler,
} from "./views/output.ts";
import {
  ClearPCookieHandler,
  CookieNumHandler,
  GetPCookieHandler,
  GetSCookieHandler,
  HomeHandler,
  LoginHandler,
  LogoutHandler,
  PCookieHandler,
  SCookieHandler,
  SetXSRFCookieHandler,
  StaticFileHandler,
} from "./views/security.ts";
import { OidcLoginHandler } from "./views/sign-in.ts";
import { StudentsHandler } from "./views/students.ts";
import {
  CartHandler,
  FunctionHandler,
  HomeTemplateHandler,
  TransHandler,
} from "./views/templates.ts";

/** The route table, in the tutorial's order; the static catch-all must stay last. */
export function routes(): Route[] {
  // #region routes
  return [
    // 请求与响应: routes, init args, reverse URLs, path groups, arguments, the request object
    ["/", IndexHandler],
    ["/sunck", SunckHandler, { word1: "good", word2: "nice" }],
    url("/kaige", KaigeHandler, { word3: "handsome", word4: "cool" }, "kaige"),
    ["/liuyifei/(\\w+)/(\\w+)/(\\w+)", LiuyifeiHandler],
    ["/zhangmanyu", ZhangmanyuHandler],
    ["/zhuyin", ZhuyinHandler],
    ["/postfile", PostFileHandler],
    ["/upfile", UpFileHandler],
    // 响应: write, JSON, headers, status, redirect, errors; then the call order
    ["/write", WriteHandler],
    ["/json1", Json1Handler],
    ["/json2", Json2Handler],
    ["/header", HeaderHandler],
    ["/status", StatusCodeHandler],
    ["/redirect", RedirectHandler],
    ["/error", ErrorHandler],
    ["/order", OrderHandler],
    // 模板
    ["/home-template", HomeTemplateHandler],
    ["/function", FunctionHandler],
    ["/trans", TransHandler],
    ["/cart", CartHandler],
    // 数据库
    ["/students", StudentsHandler],
    // 应用安全: cookies, signed cookies, the counter, XSRF, login
    ["/pcookie", PCookieHandler],
    ["/getpcookie", GetPCookieHandler],
    ["/clearpcookie", ClearPCookieHandler],
    ["/scookie", SCookieHandler],
    ["/getscookie", GetSCookieHandler],
    ["/cookienum", CookieNumHandler],
    ["/setxsrfcookie", SetXSRFCookieHandler],
    ["/login", LoginHandler],
    ["/logout", LogoutHandler],
    ["/home", HomeHandler],
    // Static pages: /index.html and / fall through to static/html (index.html by default).
    [
      "/(.*)$",
      StaticFileHandler,
      { path: join(BASE_DIRS, "static/html"), defaultFilename: "index.html" },
    ],
  ];
  // #endregion
}

/**
 * The site's own routes, beyond the tutorial's: the output chapter's page, the language switch
 * and sign-in with OpenID Connect. They go first, so the static catch-all stays last.
 */
export function siteRoutes(): Route[] {
  return [
    ["/output", OutputHandler],
    ["/lang/(\\w+)", LanguageHandler],
    ["/login/oidc", OidcLoginHandler],
  ];
}

/** What {@link TutorialApplication} is made from. */
export interface TutorialOptions {
  /** The open database (see `openDatabase`); the application does not close it. */
  db: Database;
  /** Where uploads go (default: the project's `upfile/`). */
  uploadDir?: string;
  /** Settings that override `config.ts`'s (tests use this). */
  settings?: ApplicationSettings;
  /** The environment `config.ts` reads (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The tutorial's `class Application(tornado.web.Application)`: the routes and settings, plus the
 * database connection made once at start-up, which handlers reach as `this.application.db`.
 * Making one loads the site's translations (tornado-ts/locale keeps them for the process).
 */
export class TutorialApplication extends Application {
  /** The database every handler shares. */
  readonly db: Database;
  /** The folder uploads are saved in. */
  readonly uploadDir: string;

  constructor(options: TutorialOptions) {
    const env = options.env ?? process.env;
    // A secret given in the settings wins; config.ts is told there is one, so it makes no file.
    const given = options.settings?.cookieSecret === undefined ? {} : { COOKIE_SECRET: "given" };
    super([...siteRoutes(), ...routes()], {
      ...makeSettings({ ...env, ...given }),
      ...openidConnectSettings(env),
      ...options.settings,
    });
    // The pages are written in English; the CSV files translate them (see views/languages.ts).
    loadTranslations(LOCALE_PATH);
    this.db = options.db;
    this.uploadDir = options.uploadDir ?? UPLOAD_DIR;
  }
}
