// `npm run dev:oidc`: the tutorial application with a development OpenID Connect provider started
// beside it, so that /login's "Sign in with OpenID Connect" works on this machine. The provider
// listens on 127.0.0.1, port OIDC_PORT (default 8001), and accepts any login name and password;
// the application gets its issuer, client id and a client secret made for this run. Takes the
// same options as `npm start` (`--port=N`, ...).
import { randomBytes } from "node:crypto";
import { startDevOidcProvider } from "./oidc-dev-provider.ts";
import { main, parseServerOptions } from "./server.ts";

const argv = process.argv.slice(2);
const { port } = parseServerOptions(argv, process.env, { final: false });
const clientSecret = randomBytes(24).toString("base64url");
const provider = await startDevOidcProvider(
  [
    {
      clientId: "tutorial",
      clientSecret,
      redirectUris: [`http://127.0.0.1:${port}/login/oidc`, `http://localhost:${port}/login/oidc`],
    },
  ],
  Number(process.env.OIDC_PORT ?? 8001),
);
process.stdout.write(
  `development OpenID Connect provider: ${provider.issuer} (any name and password)\n`,
);
await main(argv, {
  ...process.env,
  OIDC_ISSUER: provider.issuer,
  OIDC_CLIENT_ID: "tutorial",
  OIDC_CLIENT_SECRET: clientSecret,
});
