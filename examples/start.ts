// `npm start`: serves the tutorial application (examples/tutorial-app) on port 8000;
// `npm start -- --port=9000` or PORT=9000 changes the port.
import { main } from "./tutorial-app/server.ts";

await main();
