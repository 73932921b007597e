/**
 * A representative application for the reliability suites, the soak and the fuzzers: query and
 * form arguments, multipart uploads (buffered and streamed to disk), JSON, cookies, path
 * arguments, and a static-like folder served through safeJoin.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Application,
  type ApplicationSettings,
  HTTPError,
  type MultipartStreamOptions,
  MultipartUploadHandler,
  RequestHandler,
  safeFilename,
  safeJoin,
} from "tornado-ts/web";

class HelloHandler extends RequestHandler {
  override get() {
    this.write("Hello, world");
  }
  override head() {}
}

class ArgsHandler extends RequestHandler {
  #echo() {
    // No prototype: argument names such as __proto__ must stay plain keys here too.
    const out: Record<string, string[]> = Object.create(null);
    for (const name of Object.keys(this.request.arguments)) out[name] = this.getArguments(name);
    this.write({ args: out, count: Object.keys(out).length });
  }
  override get() {
    this.#echo();
  }
  override post() {
    this.#echo();
  }
}

class JsonHandler extends RequestHandler {
  override post() {
    const body = this.getJsonBody<Record<string, unknown>>();
    const keys = body !== null && typeof body === "object" ? Object.keys(body) : [];
    this.write({ keys, polluted: ({} as Record<string, unknown>)["polluted"] !== undefined });
  }
}

class UploadHandler extends RequestHandler {
  override post() {
    const names: string[] = [];
    for (const field of Object.keys(this.request.files)) {
      for (const file of this.request.files[field]!) names.push(safeFilename(file.filename));
    }
    this.write({ files: names, title: this.getBodyArgument("title", "") });
  }
}

class StreamUploadHandler extends MultipartUploadHandler {
  override multipartOptions(): MultipartStreamOptions {
    return { uploadDir: (this.settings as { uploadDir?: string }).uploadDir ?? tmpdir() };
  }
  override async post() {
    const files = await this.receiveUploads();
    const out: { field: string; name: string; size: number }[] = [];
    for (const field of Object.keys(files)) {
      for (const file of files[field]!) out.push({ field, name: file.safeName, size: file.size });
    }
    this.write({ files: out, title: this.getBodyArgument("title", "") });
  }
}

class CookieHandler extends RequestHandler {
  override get() {
    const cookies = this.request.cookies;
    this.write({ names: Object.keys(cookies), session: this.getCookie("session", null) });
  }
}

class PathHandler extends RequestHandler {
  override get(name: string) {
    this.write(`path:${name}`);
  }
}

class StaticLikeHandler extends RequestHandler {
  override get(path: string) {
    const root = (this.settings as { staticRoot?: string }).staticRoot!;
    const file = safeJoin(root, path);
    try {
      this.write(readFileSync(file));
    } catch {
      throw new HTTPError(404);
    }
  }
}

class ErrorHandlerRoute extends RequestHandler {
  override get() {
    throw new Error("deliberate failure");
  }
}

class SlowHandler extends RequestHandler {
  override async get() {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.write("slow done");
  }
}

/** A folder with one file, `hello.txt`, for the static-like route. */
export function makeStaticRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "tornado-ts-static-"));
  writeFileSync(join(root, "hello.txt"), "static hello\n");
  return root;
}

declare module "tornado-ts/web" {
  interface ApplicationSettings {
    staticRoot?: string;
    uploadDir?: string;
  }
}

/** The representative application, with `settings` merged in. */
export function representativeApp(settings: ApplicationSettings = {}): Application {
  return new Application(
    [
      ["/", HelloHandler],
      ["/args", ArgsHandler],
      ["/json", JsonHandler],
      ["/upload", UploadHandler],
      ["/stream-upload", StreamUploadHandler],
      ["/cookie", CookieHandler],
      ["/path/([^/]+)", PathHandler],
      ["/static/(.*)", StaticLikeHandler],
      ["/error", ErrorHandlerRoute],
      ["/slow", SlowHandler],
    ],
    { staticRoot: makeStaticRoot(), ...settings },
  );
}
