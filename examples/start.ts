// `npm start`: serves the tutorial application (examples/tutorial-app) on 127.0.0.1, port 8000;
// `npm start -- --port=9000` or PORT=9000 changes the port, `npm start -- --address=0.0.0.0` (or
// ADDRESS=0.0.0.0) opens it to the network.
import { main } from "./tutorial-app/server.ts";

await main();
