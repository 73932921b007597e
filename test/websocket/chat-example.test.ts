import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { type WebSocketClientConnection, websocketConnect } from "tornado-ts/websocket";
import { makeChatApp } from "../../examples/chat/app.ts";
import { MemoryBroker } from "../../examples/chat/broker.ts";

async function next(client: WebSocketClientConnection): Promise<Record<string, string>> {
  const message = await client.readMessage();
  assert.equal(typeof message, "string");
  return JSON.parse(message as string);
}

describe("the chat example in one process", () => {
  let server: TestServer;
  let logs: LogCapture;
  const broker = new MemoryBroker();
  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(makeChatApp(broker));
  });
  after(async () => {
    await server.close();
    await broker.close();
    logs.stop();
  });

  const join = (room: string, nick: string) =>
    websocketConnect(`ws://127.0.0.1:${server.port}/chatsocket/${room}?nick=${nick}`);

  it("serves the page with the room and nickname", async () => {
    const page = await server.fetch("/?room=lobby&nick=%3Cann%3E");
    assert.equal(page.code, 200);
    assert.match(page.text, /<span id="room">lobby<\/span>/);
    assert.match(page.text, /const nick = "&lt;ann&gt;";/);
  });

  it("announces joins, broadcasts messages to everyone in the room, announces leaves", async () => {
    const nicks = ["ann", "bob", "cid", "dee"];
    const clients: WebSocketClientConnection[] = [];
    for (const nick of nicks) {
      const client = await join("lobby", nick);
      clients.push(client);
      for (const member of clients) {
        assert.deepEqual(await next(member), { type: "join", room: "lobby", nick });
      }
    }
    const elsewhere = await join("other", "eve");
    assert.deepEqual(await next(elsewhere), { type: "join", room: "other", nick: "eve" });

    await Promise.all(clients.map((client, i) => client.writeMessage(`hello from ${nicks[i]}`)));
    for (const client of clients) {
      const seen = [];
      for (let i = 0; i < nicks.length; i++) seen.push(await next(client));
      assert.deepEqual(
        seen.map((event) => `${event["nick"]}: ${event["text"]}`).sort(),
        nicks.map((nick) => `${nick}: hello from ${nick}`),
      );
    }

    clients[0]!.close();
    for (const client of clients.slice(1)) {
      assert.deepEqual(await next(client), { type: "leave", room: "lobby", nick: "ann" });
    }
    // The other room heard nothing of the lobby.
    await elsewhere.writeMessage("anyone?");
    assert.deepEqual(await next(elsewhere), {
      type: "message",
      room: "other",
      nick: "eve",
      text: "anyone?",
    });
    for (const client of [...clients.slice(1), elsewhere]) client.close();
    await Promise.all([...clients, elsewhere].map((client) => client.closed()));
  });
});
