// A development OpenID Connect provider (the `oidc-provider` package, a dev dependency) on this
// machine, for the tutorial application's sign-in page and for the tests: any login name with any
// password signs in, as that name. Its signing key is made at random on each start, so tokens
// from an earlier run do not verify. Never expose it to a network.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata } from "oidc-provider";

/** A client the provider knows. */
export interface DevOidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** A running development provider. */
export interface DevOidcProvider {
  /** Its issuer URL (`http://127.0.0.1:<port>`). */
  readonly issuer: string;
  /** Stops it and closes its connections. */
  close(): Promise<void>;
}

/** Starts a provider on 127.0.0.1 (`port` 0: a free one) that knows `clients`. */
export async function startDevOidcProvider(
  clients: DevOidcClient[],
  port = 0,
): Promise<DevOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = {
    ...privateKey.export({ format: "jwk" }),
    kid: randomBytes(8).toString("hex"),
    use: "sig",
    alg: "RS256",
  };
  const provider = new Provider(issuer, {
    clients: clients.map(
      (client): ClientMetadata => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      }),
    ),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The login name is the account; its claims are made from it.
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: `${id}@example.test`,
        email_verified: true,
        name: id.charAt(0).toUpperCase() + id.slice(1),
      }),
    }),
    // The scopes' claims in the ID token itself, not only from the UserInfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Its built-in login and consent pages (any name and password), made for development.
    features: { devInteractions: { enabled: true } },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
