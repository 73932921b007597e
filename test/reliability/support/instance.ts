/**
 * One tornado-ts instance for the load-balancer test, run as its own process: signed cookies and
 * XSRF with a secret shared by every instance, behind a proxy (xheaders). Prints its port once
 * listening. Usage: node --conditions=tornado-ts-source --import tsx instance.ts NAME SECRET
 */
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";

const [name = "instance", secret = "change-me"] = process.argv.slice(2);

class IdHandler extends RequestHandler {
  override get() {
    this.write({
      instance: name,
      remoteIp: this.request.remoteIp,
      protocol: this.request.protocol,
    });
  }
}

class LoginHandler extends RequestHandler {
  override get() {
    this.setSignedCookie("user", this.getQueryArgument("user"));
    this.write({ instance: name });
  }
}

class WhoAmIHandler extends RequestHandler {
  override get() {
    this.write({ instance: name, user: this.getSignedCookie("user") });
  }
}

class FormHandler extends RequestHandler {
  override get() {
    this.write({ instance: name, token: this.xsrfToken });
  }
  override post() {
    this.write({ instance: name, accepted: this.getBodyArgument("text") });
  }
}

const app = new Application(
  [
    ["/id", IdHandler],
    ["/login", LoginHandler],
    ["/whoami", WhoAmIHandler],
    ["/form", FormHandler],
  ],
  { cookieSecret: secret, xsrfCookies: true },
);
const server = new HTTPServer(app, { xheaders: true });
await server.listen(0, "127.0.0.1");
process.stdout.write(`${server.port}\n`);
process.on("SIGTERM", () => {
  server.stop().then(() => process.exit(0));
  server.closeAllConnections();
});
