// The route table (the Tornado tutorial's application.py).
import { Application, type ApplicationSettings } from "tornado-ts/web";
import { makeSettings } from "./config.ts";
import { IndexHandler, LoginHandler, LogoutHandler, UpFileHandler } from "./views/index.ts";

/** The application; `settings` override config.ts's (tests use this). */
export function makeApp(settings: ApplicationSettings = {}): Application {
  return new Application(
    [
      ["/", IndexHandler],
      ["/login", LoginHandler],
      ["/logout", LogoutHandler],
      ["/upfile", UpFileHandler],
    ],
    makeSettings(settings),
  );
}
