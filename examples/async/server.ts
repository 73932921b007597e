// Serves examples/async/app.ts on port 8000 (PORT overrides it). Open /reqA/timer (or /thread,
// /fetch) in one tab and /reqB in another: reqB answers at once while reqA waits 5 seconds.
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging } from "tornado-ts/log";
import { makeApp } from "./app.ts";

enablePrettyLogging();
const port = Number(process.env.PORT ?? 8000);
await makeApp().listen(port);
console.log(`listening on http://127.0.0.1:${port}/reqA/timer and /reqB`);
IOLoop.current().start();
