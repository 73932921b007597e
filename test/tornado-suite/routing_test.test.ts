// Port of Tornado's tornado/test/routing_test.py: one top-level test per Python test function,
// named after the class that defines it, each over a real socket (TestServer on 127.0.0.1).
// Where Tornado hands the router a connection delegate, a WSGI app or a request callable, the
// TypeScript counterparts are an HTTPServerDelegate object, a Node request listener and a Node
// request listener; a handler named by its dotted import string is passed as the class itself.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import type { HTTPServerDelegate } from "tornado-ts/httpserver";
import type { HTTPServerRequest } from "tornado-ts/httputil";
import {
  HostMatches,
  PathMatches,
  type RequestDelegate,
  ReversibleRouter,
  Router,
  Rule,
  RuleRouter,
} from "tornado-ts/routing";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, type ApplicationSettings, HTTPError, RequestHandler } from "tornado-ts/web";

/** Serves `app` on a free port for the length of `body`. */
async function serving(app: HTTPServerDelegate, body: (server: TestServer) => Promise<void>) {
  const server = await TestServer.start(app);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Tornado's MessageDelegate of BasicRouter: answers 200 "OK" with a Content-Length of 2. */
function sendOk(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, "OK", { "Content-Length": "2" });
  res.end("OK");
}

class BasicRouter extends Router {
  findHandler(_request: HTTPServerRequest): RequestDelegate {
    return sendOk;
  }
}

test("BasicRouterTestCase.test_basic_router", async () => {
  await serving(new BasicRouter(), async (server) => {
    const response = await server.fetch("/any_request");
    assert.equal(response.text, "OK");
  });
});

const resources = new Map<string, Buffer>();

class GetResource extends RequestHandler {
  override get(path: string) {
    const body = resources.get(path);
    if (body === undefined) throw new HTTPError(404);
    return this.finish(body);
  }
}

class PostResource extends RequestHandler {
  override post(path: string) {
    resources.set(path, Buffer.from(this.request.body));
  }
}

class HTTPMethodRouter extends Router {
  readonly app: Application;

  constructor(app: Application) {
    super();
    this.app = app;
  }

  findHandler(request: HTTPServerRequest): RequestDelegate {
    const handler = request.method === "GET" ? GetResource : PostResource;
    return this.app.getHandlerDelegate(handler, { pathArgs: [request.path] });
  }
}

test("HTTPMethodRouterTestCase.test_http_method_router", async () => {
  await serving(new HTTPMethodRouter(new Application()), async (server) => {
    let response = await server.fetch("/post_resource", { method: "POST", body: "data" });
    assert.equal(response.code, 200);

    response = await expectLog("404 GET /get_resource", () => server.fetch("/get_resource"));
    assert.equal(response.code, 404);

    response = await server.fetch("/post_resource");
    assert.equal(response.code, 200);
    assert.equal(response.text, "data");
  });
});

declare module "tornado-ts/web" {
  interface ApplicationSettings {
    /** The app name the test handlers print (routing_test's `app_name`). */
    appName?: string;
  }
}

function getNamedHandler(handlerName: string): typeof RequestHandler {
  return class Handler extends RequestHandler {
    override get() {
      const appName = this.application.settings.appName;
      if (appName !== undefined) this.write(`${appName}: `);
      return this.finish(`${handlerName}: ${this.reverseUrl(handlerName)}`);
    }
  };
}

const FirstHandler = getNamedHandler("first_handler");
const SecondHandler = getNamedHandler("second_handler");

class CustomRouter extends ReversibleRouter {
  readonly routes = new Map<string, readonly [Application, typeof RequestHandler]>();

  addRoutes(routes: Record<string, readonly [Application, typeof RequestHandler]>): void {
    for (const [path, route] of Object.entries(routes)) this.routes.set(path, route);
  }

  findHandler(request: HTTPServerRequest): RequestDelegate | null {
    const route = this.routes.get(request.path);
    if (route === undefined) return null;
    const [app, handler] = route;
    return app.getHandlerDelegate(handler);
  }

  reverseUrl(name: string, ..._args: unknown[]): string | null {
    const handlerPath = `/${name}`;
    return this.routes.has(handlerPath) ? handlerPath : null;
  }
}

test("CustomRouterTestCase.test_custom_router", async () => {
  const router = new CustomRouter();

  class CustomApplication extends Application {
    override reverseUrl(name: string, ...args: unknown[]): string {
      return String(router.reverseUrl(name, ...args));
    }
  }

  const app1 = new CustomApplication([], { appName: "app1" } satisfies ApplicationSettings);
  const app2 = new CustomApplication([], { appName: "app2" });
  router.addRoutes({
    "/first_handler": [app1, FirstHandler],
    "/second_handler": [app2, SecondHandler],
    "/first_handler_second_app": [app2, FirstHandler],
  });

  await serving(router, async (server) => {
    let response = await server.fetch("/first_handler");
    assert.equal(response.text, "app1: first_handler: /first_handler");
    response = await server.fetch("/second_handler");
    assert.equal(response.text, "app2: second_handler: /second_handler");
    response = await server.fetch("/first_handler_second_app");
    assert.equal(response.text, "app2: first_handler: /first_handler");
  });
});

/** Tornado's ConnectionDelegate: a delegate that makes the listener for the server's options. */
const connectionDelegate: HTTPServerDelegate = {
  createListener: () => (_req, res) => {
    const responseBody = "OK";
    res.writeHead(200, "OK", { "Content-Length": String(responseBody.length) });
    res.write(responseBody);
    res.end();
  },
};

test("RuleRouterTest.test_rule_based_router", async () => {
  const app = new Application();

  const requestCallable = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, "OK", { "Content-Length": "2" });
    res.write("OK");
    res.end();
  };

  const router = new CustomRouter();
  router.addRoutes({ "/nested_handler": [app, getNamedHandler("nested_handler")] });

  app.addHandlers(".*", [
    [
      new HostMatches("www.example.com"),
      [[new PathMatches("/first_handler"), SecondHandler, {}, "second_handler"]],
    ],
    new Rule(new PathMatches("/.*handler"), router),
    new Rule(new PathMatches("/first_handler"), FirstHandler, {}, "first_handler"),
    new Rule(new PathMatches("/request_callable"), requestCallable),
    ["/connection_delegate", connectionDelegate],
  ]);

  await serving(app, async (server) => {
    let response = await server.fetch("/first_handler");
    assert.equal(response.text, "first_handler: /first_handler");

    response = await server.fetch("/first_handler", { headers: { Host: "www.example.com" } });
    assert.equal(response.text, "second_handler: /first_handler");

    response = await server.fetch("/nested_handler");
    assert.equal(response.text, "nested_handler: /nested_handler");

    response = await expectLog("404 GET /nested_not_found_handler", () =>
      server.fetch("/nested_not_found_handler"),
    );
    assert.equal(response.code, 404);

    response = await server.fetch("/connection_delegate");
    assert.equal(response.text, "OK");

    response = await server.fetch("/request_callable");
    assert.equal(response.text, "OK");

    response = await expectLog("404 GET /404", () => server.fetch("/404"));
    assert.equal(response.code, 404);
  });
});

/** WSGIContainerTestCase's app: a Node request listener stands where Tornado has a WSGI app. */
function wsgiContainerApp(): RuleRouter {
  const nodeApp = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, "OK");
    res.end("WSGI");
  };

  class Handler extends RequestHandler {
    override get() {
      return this.finish(this.reverseUrl("tornado"));
    }
  }

  return new RuleRouter([
    [new PathMatches("/tornado.*"), new Application([["/tornado/test", Handler, {}, "tornado"]])],
    [new PathMatches("/wsgi"), nodeApp],
  ]);
}

test("WSGIContainerTestCase.test_wsgi_container", async () => {
  await serving(wsgiContainerApp(), async (server) => {
    let response = await server.fetch("/tornado/test");
    assert.equal(response.text, "/tornado/test");

    response = await server.fetch("/wsgi");
    assert.equal(response.text, "WSGI");
  });
});

test("WSGIContainerTestCase.test_delegate_not_found", async () => {
  await serving(wsgiContainerApp(), async (server) => {
    const response = await server.fetch("/404");
    assert.equal(response.code, 404);
  });
});
