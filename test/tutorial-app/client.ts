// A small browser stand-in for the route tests: keeps cookies between requests and fills in the
// `_xsrf` token for POSTs, as the tutorial's forms do.
import type { TestResponse, TestServer } from "tornado-ts/testing";

/** A multipart file part for {@link multipart}. */
export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
  body: string | Buffer;
}

/** A `multipart/form-data` body with the given fields and files. */
export function multipart(
  fields: Record<string, string>,
  files: readonly FilePart[],
): { body: Buffer; contentType: string } {
  const boundary = "----tutorialboundary7MA4YWxkTrZu0gW";
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      Buffer.from(file.body),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Cookies kept between requests, as a browser keeps them (names and values only). */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly #server: TestServer;

  constructor(server: TestServer) {
    this.#server = server;
  }

  #remember(response: TestResponse): TestResponse {
    for (const line of response.headers.getList("Set-Cookie")) {
      const pair = line.split(";")[0]!;
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expires = /expires=([^;]+)/i.exec(line)?.[1];
      const expired =
        /max-age=0(;|$)/i.test(line) || (expires !== undefined && Date.parse(expires) < Date.now());
      if (expired) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value.replace(/^"(.*)"$/, "$1"));
      }
    }
    return response;
  }

  #cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return {
      Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
    };
  }

  /** GET `path` with the cookies. */
  async get(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.#remember(
      await this.#server.fetch(path, { headers: { ...this.#cookieHeader(), ...headers } }),
    );
  }

  /** The `_xsrf` token, fetching `/setxsrfcookie` first if the browser has none. */
  async xsrf(): Promise<string> {
    if (!this.cookies.has("_xsrf")) await this.get("/setxsrfcookie");
    return this.cookies.get("_xsrf")!;
  }

  /** POSTs a form (urlencoded), with `_xsrf` unless `withToken` is false. */
  async postForm(
    path: string,
    fields: Record<string, string | readonly string[]>,
    withToken = true,
  ): Promise<TestResponse> {
    const params = new URLSearchParams();
    if (withToken) params.append("_xsrf", await this.xsrf());
    for (const [name, value] of Object.entries(fields)) {
      for (const v of typeof value === "string" ? [value] : value) params.append(name, v);
    }
    return this.#remember(
      await this.#server.fetch(path, {
        method: "POST",
        headers: { ...this.#cookieHeader(), "Content-Type": "application/x-www-form-urlencoded" },
        body: params.toString(),
      }),
    );
  }

  /** POSTs a multipart body with `_xsrf` and the files. */
  async postFiles(path: string, files: readonly FilePart[]): Promise<TestResponse> {
    const { body, contentType } = multipart({ _xsrf: await this.xsrf() }, files);
    return this.#remember(
      await this.#server.fetch(path, {
        method: "POST",
        headers: { ...this.#cookieHeader(), "Content-Type": contentType },
        body,
      }),
    );
  }
}

/** What a browser shows of an HTML page's `<main>`: tags removed, entities decoded, lines trimmed. */
export function shown(html: string): string[] {
  const main = /<main>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html;
  return main
    .split("\n")
    .map((line) =>
      line
        .replace(/<[^>]+>/g, "")
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">")
        .replaceAll("&quot;", '"')
        .replaceAll("&#39;", "'")
        .replaceAll("&amp;", "&")
        .trim(),
    )
    .filter((line) => line !== "");
}
