// The TCP chat example (examples/tcp-chat) driven with raw sockets, in process and as a program.
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { ChatServer } from "../../examples/tcp-chat/server.ts";
import { freePort, NodeProcess } from "../support/node-process.ts";

/** A raw client that collects what the server sends and waits for a pattern. */
class Client {
  readonly socket: Socket;
  text = "";

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.text += chunk;
    });
  }

  static async open(port: number): Promise<Client> {
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new Client(socket);
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  async waitFor(pattern: RegExp): Promise<void> {
    for (let i = 0; i < 400 && !pattern.test(this.text); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.match(this.text, pattern);
  }
}

describe("the TCP chat example", () => {
  it("relays lines between members, lists them, and says who left", async () => {
    const server = await new ChatServer().listen(0, "127.0.0.1");
    try {
      const alice = await Client.open(server.port!);
      const bob = await Client.open(server.port!);
      await alice.waitFor(/Welcome/);
      alice.send("hello");
      await alice.waitFor(/Say NICK <name> first/);
      alice.send("NICK alice");
      await alice.waitFor(/Hello alice\. 1 here\./);
      bob.send("NICK alice");
      await bob.waitFor(/alice is taken\./);
      bob.send("NICK bob");
      await alice.waitFor(/\* bob joined/);
      bob.send("hi alice, 你好");
      await alice.waitFor(/bob: hi alice, 你好\n/);
      assert.doesNotMatch(bob.text, /bob: hi/);
      alice.send("/who");
      await alice.waitFor(/Here: alice, bob/);
      bob.send("/quit");
      await bob.waitFor(/Bye\./);
      await alice.waitFor(/\* bob left/);
      alice.socket.destroy();
    } finally {
      server.closeAllStreams();
      await server.stop();
    }
  });

  it("ends a connection whose line is longer than 1 KiB", async () => {
    const server = await new ChatServer().listen(0, "127.0.0.1");
    try {
      const client = await Client.open(server.port!);
      const closed = new Promise((resolve) => client.socket.once("close", resolve));
      client.socket.write("x".repeat(5000));
      await closed;
    } finally {
      await server.stop();
    }
  });

  it("runs as a program on 127.0.0.1", async () => {
    const port = await freePort();
    const app = NodeProcess.start("examples/tcp-chat/server.ts", [`--port=${port}`]);
    try {
      await app.waitFor(new RegExp(`Chat on 127\\.0\\.0\\.1:${port}`));
      const client = await Client.open(port);
      await client.waitFor(/Welcome/);
      client.send("NICK carol");
      await client.waitFor(/Hello carol\. 1 here\./);
      client.socket.destroy();
    } finally {
      await app.kill();
    }
  });
});
