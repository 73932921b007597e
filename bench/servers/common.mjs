// Shared pieces of the benchmark servers: the port, the scenario data and the ready signal.
export const port = Number(process.env.PORT ?? 0);
export const routeCount = Number(process.env.ROUTES ?? 100);
export const jsonBody = { message: "Hello, World!" };
export const plainText = "Hello, World!";
export const routeIndexes = Array.from({ length: routeCount }, (_, i) => i);

export function ready(server) {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" ? address.port : port}\n`);
}
