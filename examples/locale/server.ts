// Run: node --conditions=tornado-ts-source --import tsx examples/locale/server.ts, then open http://127.0.0.1:8000/ with your browser's
// language set to Chinese or English (or add ?lang=zh_CN / ?lang=en_US).
import { enablePrettyLogging } from "tornado-ts/log";
import { makeApp } from "./app.ts";

enablePrettyLogging();
await makeApp().listen(Number(process.env.PORT ?? 8000));
