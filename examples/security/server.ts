// The tutorial's security chapter as a server: `npx tsx examples/security/server.ts`, then open
// http://127.0.0.1:8000/postfile, /cookienum, /xsrf.html or /home (PORT=N to change the port).
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging } from "tornado-ts/log";
import { makeSecurityApp } from "./handlers.ts";

enablePrettyLogging();
const port = Number(process.env.PORT ?? 8000);
makeSecurityApp().listen(port);
IOLoop.current().start();
