// The chat example across processes: two server processes share rooms through a real
// redis-server (Debian's, started on loopback), so a message sent through one reaches a client of
// the other.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type WebSocketClientConnection, websocketConnect } from "tornado-ts/websocket";
import { type Child, startChatServer, startRedis } from "./chat-support.ts";

async function next(client: WebSocketClientConnection): Promise<Record<string, string>> {
  return JSON.parse((await client.readMessage()) as string);
}

describe("the chat example over Redis pub/sub", () => {
  let redis: Child;
  let first: Child;
  let second: Child;
  before(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}` };
    [first, second] = await Promise.all([startChatServer(env), startChatServer(env)]);
  });
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await redis?.stop();
  });

  it("delivers a message sent to one server process to a client of another", async () => {
    const ann = await websocketConnect(`ws://127.0.0.1:${first.port}/chatsocket/lobby?nick=ann`);
    assert.deepEqual(await next(ann), { type: "join", room: "lobby", nick: "ann" });
    const bob = await websocketConnect(`ws://127.0.0.1:${second.port}/chatsocket/lobby?nick=bob`);
    assert.deepEqual(await next(bob), { type: "join", room: "lobby", nick: "bob" });
    // bob's join, published by the second process, reached ann on the first.
    assert.deepEqual(await next(ann), { type: "join", room: "lobby", nick: "bob" });

    await ann.writeMessage("hello across processes");
    const expected = {
      type: "message",
      room: "lobby",
      nick: "ann",
      text: "hello across processes",
    };
    assert.deepEqual(await next(bob), expected);
    assert.deepEqual(await next(ann), expected);

    bob.close();
    assert.deepEqual(await next(ann), { type: "leave", room: "lobby", nick: "bob" });
    ann.close();
    await Promise.all([ann.closed(), bob.closed()]);
  });
});
