/**
 * tornado-ts: Tornado's web framework for TypeScript on Node.js. The package root re-exports the
 * public names of every module; import from the subpaths (`tornado-ts/web`, ...) to keep bundles small.
 * @module tornado-ts
 */

export * from "./auth/index.ts";
export * as autoreload from "./autoreload.ts";
export * from "./concurrent.ts";
export * from "./escape.ts";
export * from "./gen.ts";
export * from "./httpclient.ts";
export * from "./httpserver.ts";
export * from "./httputil/index.ts";
export * from "./ioloop.ts";
export * from "./iostream.ts";
export * from "./locale.ts";
export * from "./locks.ts";
export * from "./log.ts";
export * from "./netutil.ts";
export * from "./options.ts";
export * from "./process.ts";
export * from "./queues.ts";
export * from "./routing.ts";
export * from "./tcpclient.ts";
export * from "./tcpserver.ts";
export * from "./template/index.ts";
export * from "./web/index.ts";
export * from "./websocket.ts";
