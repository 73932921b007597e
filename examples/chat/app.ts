// A chat room on WebSockets: every browser in a room sees every message, and a notice when
// someone joins or leaves. The rooms live in a ChatBroker: memory for one process, Redis for many.
import { xhtmlEscape } from "tornado-ts/escape";
import { appLog } from "tornado-ts/log";
import { Application, RequestHandler } from "tornado-ts/web";
import { WebSocketHandler } from "tornado-ts/websocket";
import type { ChatBroker, ChatEvent } from "./broker.ts";

/** The sockets of one room in this process, and the broker subscription that feeds them. */
interface LocalRoom {
  members: Set<ChatSocketHandler>;
  unsubscribe: Promise<() => Promise<void>>;
}

/** Everything a chat application shares between its handlers. */
class ChatRooms {
  readonly broker: ChatBroker;
  readonly #rooms = new Map<string, LocalRoom>();

  constructor(broker: ChatBroker) {
    this.broker = broker;
  }

  /** Adds a socket to a room; the first one subscribes this process to the room. */
  async join(room: string, member: ChatSocketHandler): Promise<void> {
    let local = this.#rooms.get(room);
    if (!local) {
      const members = new Set<ChatSocketHandler>();
      local = {
        members,
        unsubscribe: this.broker.subscribe(room, (event) => {
          for (const socket of members) socket.deliver(event);
        }),
      };
      this.#rooms.set(room, local);
    }
    local.members.add(member);
    await local.unsubscribe;
  }

  /** Removes a socket; the last one unsubscribes this process from the room. */
  async leave(room: string, member: ChatSocketHandler): Promise<void> {
    const local = this.#rooms.get(room);
    if (!local) return;
    local.members.delete(member);
    if (local.members.size === 0) {
      this.#rooms.delete(room);
      await (await local.unsubscribe)();
    }
  }
}

const NICK = /^[\p{L}\p{N}_.-]{1,24}$/u;
let guests = 0;

/** One browser's connection: `/chatsocket/<room>?nick=<name>`. */
export class ChatSocketHandler extends WebSocketHandler {
  #rooms!: ChatRooms;
  #room = "";
  #nick = "";

  override initialize(initArgs: Record<string, unknown>): void {
    this.#rooms = initArgs["rooms"] as ChatRooms;
  }

  override async open(room: string): Promise<void> {
    const nick = this.getArgument("nick", "");
    this.#nick = NICK.test(nick) ? nick : `guest${++guests}`;
    this.#room = room;
    await this.#rooms.join(room, this);
    await this.#rooms.broker.publish({ type: "join", room, nick: this.#nick });
  }

  override async onMessage(message: string | Buffer): Promise<void> {
    const text = message.toString().slice(0, 2000);
    if (text.trim() === "") return;
    await this.#rooms.broker.publish({ type: "message", room: this.#room, nick: this.#nick, text });
  }

  override async onClose(): Promise<void> {
    if (this.#room === "") return;
    await this.#rooms.leave(this.#room, this);
    await this.#rooms.broker.publish({ type: "leave", room: this.#room, nick: this.#nick });
  }

  /** Sends a room event to this browser, unless the connection is already closing. */
  deliver(event: ChatEvent): void {
    if (this.wsConnection === null) return;
    this.writeMessage({ ...event }).catch((error: unknown) =>
      appLog.info(`chat: dropped a message to ${this.#nick}: ${String(error)}`),
    );
  }
}

/** The page: a room, a nickname, the messages, and a box to type in. */
export class IndexHandler extends RequestHandler {
  override get() {
    const room = this.getArgument("room", "lobby");
    const nick = this.getArgument("nick", "");
    this.write(PAGE.replace("{room}", xhtmlEscape(room)).replace("{nick}", xhtmlEscape(nick)));
  }
}

/** The chat application over `broker`. */
export function makeChatApp(broker: ChatBroker): Application {
  const rooms = new ChatRooms(broker);
  return new Application([
    ["/", IndexHandler],
    ["/chatsocket/([\\w-]{1,40})", ChatSocketHandler, { rooms }],
  ]);
}

const PAGE = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>tornado-ts chat</title>
<style>
body { font-family: sans-serif; max-width: 40em; margin: 2em auto; }
#messages { list-style: none; padding: 0; border: 1px solid #ccc; min-height: 10em; }
#messages li.notice { color: #777; font-style: italic; }
</style>
</head>
<body>
<h1>Room <span id="room">{room}</span></h1>
<ul id="messages"></ul>
<form id="form"><input id="text" autocomplete="off" autofocus> <button>Send</button></form>
<script>
const room = document.getElementById("room").textContent;
const nick = "{nick}";
const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const socket = new WebSocket(scheme + "//" + location.host + "/chatsocket/" + encodeURIComponent(room) + "?nick=" + encodeURIComponent(nick));
const list = document.getElementById("messages");
socket.onopen = () => document.body.dataset.connected = "yes";
socket.onmessage = (event) => {
  const data = JSON.parse(event.data);
  const item = document.createElement("li");
  if (data.type === "message") {
    item.textContent = data.nick + ": " + data.text;
  } else {
    item.className = "notice";
    item.textContent = data.nick + (data.type === "join" ? " joined" : " left");
  }
  list.appendChild(item);
};
document.getElementById("form").onsubmit = (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  if (input.value !== "") socket.send(input.value);
  input.value = "";
};
</script>
</body>
</html>
`;
