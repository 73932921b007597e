/**
 * A line-based chat over plain TCP, on tornado-ts/tcpserver and tornado-ts/iostream: connect with
 * `nc 127.0.0.1 8888` (or telnet), send `NICK yourname`, then lines of text; everyone else
 * connected sees `yourname: text`. `/who` lists who is here, `/quit` leaves.
 *
 *   npx tsx examples/tcp-chat/server.ts --port=8888
 */
import { fileURLToPath } from "node:url";
import { IOLoop } from "tornado-ts/ioloop";
import { type IOStream, StreamClosedError, UnsatisfiableReadError } from "tornado-ts/iostream";
import { TCPServer } from "tornado-ts/tcpserver";

/** The longest line a client may send, in bytes (a longer one ends its connection). */
const MAX_LINE = 1024;

// #region chat
/** A chat room: every connection's stream, by nickname. */
export class ChatServer extends TCPServer {
  readonly members = new Map<string, IOStream>();

  async handleStream(stream: IOStream): Promise<void> {
    let nick: string | undefined;
    stream.setCloseCallback(() => {
      if (nick !== undefined && this.members.get(nick) === stream) {
        this.members.delete(nick);
        void this.broadcast(`* ${nick} left\n`);
      }
    });
    await stream.write("Welcome. Say NICK <name> to join.\n");
    for (;;) {
      let line: string;
      try {
        line = (await stream.readUntil("\n", MAX_LINE)).toString("utf8").trimEnd();
      } catch (error) {
        // A line too long closes the connection (readUntil did); that is the client's doing.
        if (error instanceof UnsatisfiableReadError) return;
        throw error;
      }
      if (nick === undefined) {
        const wanted = /^NICK ([\w-]{1,20})$/.exec(line)?.[1];
        if (wanted === undefined) {
          await stream.write("Say NICK <name> first (letters, digits, - and _).\n");
        } else if (this.members.has(wanted)) {
          await stream.write(`${wanted} is taken.\n`);
        } else {
          nick = wanted;
          this.members.set(nick, stream);
          await stream.write(`Hello ${nick}. ${this.members.size} here.\n`);
          await this.broadcast(`* ${nick} joined\n`, stream);
        }
      } else if (line === "/quit") {
        await stream.write("Bye.\n");
        stream.close();
        return;
      } else if (line === "/who") {
        await stream.write(`Here: ${[...this.members.keys()].sort().join(", ")}\n`);
      } else if (line !== "") {
        await this.broadcast(`${nick}: ${line}\n`, stream);
      }
    }
  }

  /** Sends `text` to every member but `except`; a member who is gone is skipped. */
  async broadcast(text: string, except?: IOStream): Promise<void> {
    const sends = [...this.members.values()]
      .filter((stream) => stream !== except)
      .map((stream) =>
        stream.write(text).catch((error: unknown) => {
          if (!(error instanceof StreamClosedError)) throw error;
        }),
      );
    await Promise.all(sends);
  }
}
// #endregion

// Python's `if __name__ == '__main__':`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(
    process.argv.find((arg) => arg.startsWith("--port="))?.slice(7) ?? process.env.PORT ?? 8888,
  );
  const address =
    process.argv.find((arg) => arg.startsWith("--address="))?.slice(10) ?? "127.0.0.1";
  const server = await new ChatServer().listen(port, address);
  console.log(`Chat on ${address}:${server.port}`);
  IOLoop.current().start();
}
