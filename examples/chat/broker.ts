// Where chat messages travel between the connections of a room: in this process's memory, or
// through Redis pub/sub so a room spans every process and machine that shares the Redis server.
import { createClient } from "redis";

/** A chat event as it travels between processes and reaches the browser. */
export interface ChatEvent {
  type: "join" | "leave" | "message";
  room: string;
  nick: string;
  text?: string;
}

/** Delivers each event published to a room to every subscriber of that room. */
export interface ChatBroker {
  /** Sends `event` to every subscriber of `event.room`, in every process. */
  publish(event: ChatEvent): Promise<void>;
  /** Calls `listener` for each event of `room` until the returned function is called. */
  subscribe(room: string, listener: (event: ChatEvent) => void): Promise<() => Promise<void>>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** One process: events go straight to the listeners. */
export class MemoryBroker implements ChatBroker {
  readonly #rooms = new Map<string, Set<(event: ChatEvent) => void>>();

  async publish(event: ChatEvent): Promise<void> {
    for (const listener of this.#rooms.get(event.room) ?? []) listener(event);
  }

  async subscribe(
    room: string,
    listener: (event: ChatEvent) => void,
  ): Promise<() => Promise<void>> {
    let listeners = this.#rooms.get(room);
    if (!listeners) {
      listeners = new Set();
      this.#rooms.set(room, listeners);
    }
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#rooms.delete(room);
    };
  }

  async close(): Promise<void> {
    this.#rooms.clear();
  }
}

/** Many processes: each room is the Redis channel `chat:<room>`. */
export class RedisBroker implements ChatBroker {
  readonly #publisher;
  readonly #subscriber;

  private constructor(url: string) {
    this.#publisher = createClient({ url });
    // A connection in subscriber mode can run no other command, hence a second one.
    this.#subscriber = this.#publisher.duplicate();
  }

  /** Connects to the Redis server at `url` (`redis://127.0.0.1:6379`). */
  static async connect(url: string): Promise<RedisBroker> {
    const broker = new RedisBroker(url);
    await Promise.all([broker.#publisher.connect(), broker.#subscriber.connect()]);
    return broker;
  }

  async publish(event: ChatEvent): Promise<void> {
    await this.#publisher.publish(`chat:${event.room}`, JSON.stringify(event));
  }

  async subscribe(
    room: string,
    listener: (event: ChatEvent) => void,
  ): Promise<() => Promise<void>> {
    const channel = `chat:${room}`;
    const onMessage = (message: string): void => listener(JSON.parse(message) as ChatEvent);
    await this.#subscriber.subscribe(channel, onMessage);
    return async () => {
      await this.#subscriber.unsubscribe(channel, onMessage);
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.#publisher.quit(), this.#subscriber.quit()]);
  }
}
