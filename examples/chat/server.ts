// Serves the chat room on port 8000 (PORT, or --port=N). With REDIS_URL set, rooms span every
// process that uses the same Redis server (run several, on one machine or many).
import { enablePrettyLogging, genLog } from "tornado-ts/log";
import { makeChatApp } from "./app.ts";
import { type ChatBroker, MemoryBroker, RedisBroker } from "./broker.ts";

enablePrettyLogging();
const portArg = process.argv.slice(2).find((arg) => arg.startsWith("--port="));
const port = Number(portArg?.slice("--port=".length) ?? process.env.PORT ?? 8000);
const redisUrl = process.env.REDIS_URL;
const broker: ChatBroker = redisUrl ? await RedisBroker.connect(redisUrl) : new MemoryBroker();
const server = await makeChatApp(broker).listen(port, process.env.HOST ?? "127.0.0.1");
genLog.info(
  `chat listening on port ${server.port}${redisUrl ? " (rooms shared through Redis)" : ""}`,
);

process.once("SIGTERM", () => {
  server.closeAllConnections();
  void server.stop().then(() => broker.close());
});
