// A client socket read the way Tornado's tests read an IOStream (read_until, read_bytes,
// read_until_close), for the ported tests that drive HTTP by hand.
import { connect, type Socket } from "node:net";
import { HTTPHeaders } from "tornado-ts/httputil";

/** A connected socket with buffered reads. */
export class RawStream {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#notify();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#notify();
    });
    socket.on("error", (error) => {
      this.#error = error;
    });
  }

  /** Connects to 127.0.0.1:port, or to a Unix socket path. */
  static connect(target: number | string): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const socket =
        typeof target === "number" ? connect(target, "127.0.0.1") : connect({ path: target });
      socket.once("connect", () => resolve(new RawStream(socket)));
      socket.once("error", reject);
    });
  }

  /** Whether the server closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #waitFor<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.#closed)
        throw new Error(
          `connection closed (${this.#error?.message ?? "EOF"}) with ${JSON.stringify(this.#buffer.toString("latin1"))} unread`,
        );
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #take(n: number): Buffer {
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return Buffer.from(out);
  }

  /** Reads up to and including `delimiter`. */
  readUntil(delimiter: string): Promise<Buffer> {
    return this.#waitFor(() => {
      const at = this.#buffer.indexOf(delimiter, 0, "latin1");
      return at < 0 ? undefined : this.#take(at + delimiter.length);
    });
  }

  /** Reads exactly `n` bytes. */
  readBytes(n: number): Promise<Buffer> {
    return this.#waitFor(() => (this.#buffer.length >= n ? this.#take(n) : undefined));
  }

  /** Reads everything until the server closes the connection. */
  readUntilClose(): Promise<Buffer> {
    return this.#waitFor(() => (this.#closed ? this.#take(this.#buffer.length) : undefined));
  }

  /** Reads one response: its status line, its headers, and its body (Content-Length or chunked). */
  async readResponse(
    options: { head?: boolean } = {},
  ): Promise<{ startLine: string; code: number; headers: HTTPHeaders; body: Buffer }> {
    const startLine = (await this.readUntil("\r\n")).toString("latin1").trimEnd();
    const headerBlock = (await this.readUntil("\r\n\r\n")).toString("latin1");
    const headers = HTTPHeaders.parse(headerBlock);
    const code = Number(startLine.split(" ")[1]);
    let body: Buffer = Buffer.alloc(0);
    if (options.head || code === 204 || code === 304 || (code >= 100 && code < 200)) {
      return { startLine, code, headers, body };
    }
    const length = headers.get("Content-Length");
    if (length !== undefined) {
      body = await this.readBytes(Number(length));
    } else if (headers.get("Transfer-Encoding")?.toLowerCase() === "chunked") {
      const parts: Buffer[] = [];
      for (;;) {
        const size = Number.parseInt((await this.readUntil("\r\n")).toString("latin1"), 16);
        if (size === 0) {
          await this.readUntil("\r\n");
          break;
        }
        parts.push(await this.readBytes(size));
        await this.readBytes(2);
      }
      body = Buffer.concat(parts);
    } else {
      body = await this.readUntilClose();
    }
    return { startLine, code, headers, body };
  }

  /** Resolves once the server has closed the connection. */
  waitClosed(): Promise<void> {
    return this.#waitFor(() => (this.#closed ? true : undefined)).then(() => undefined);
  }

  close(): void {
    this.socket.destroy();
  }
}
