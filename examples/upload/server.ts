// Serves the upload example on port 8000 (PORT to change it); files go to ./upfile.
import { join } from "node:path";
import { IOLoop } from "tornado-ts/ioloop";
import { makeUploadApp } from "./app.ts";

const port = Number(process.env.PORT ?? 8000);
const app = makeUploadApp(join(process.cwd(), "upfile"));
await app.listen(port, undefined, { maxBodySize: 1024 * 1024 * 1024 });
IOLoop.current().start();
