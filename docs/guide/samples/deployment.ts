// Guide sample: one process, n processes, and behind nginx.
import { HTTPServer } from "tornado-ts/httpserver";
import { Application } from "tornado-ts/web";

const app = new Application([]);

// #region one
await app.listen(8000); // one process
// #endregion

// #region many
const server = new HTTPServer(app);
server.bind(8001);
await server.start(4); // 4 workers (null or 0: one per CPU); code after this runs in workers only
// #endregion

// #region proxy
// Behind nginx: trust X-Real-IP / X-Forwarded-For and X-Scheme / X-Forwarded-Proto.
const proxied = new HTTPServer(app, { xheaders: true });
await proxied.listen(8002, "127.0.0.1");
// #endregion
