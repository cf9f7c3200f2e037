// A websocket client for the REST specs: it keeps every message the server sends and waits for
// the next one matching a condition.
import { once } from "node:events";
import { WebSocket } from "ws";

/** A message as parsed (any: the tests check it). */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on each event's shape themselves
export type Message = Record<string, any>;

export class WebSocketClient {
  readonly messages: Message[] = [];
  private read = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<WebSocketClient> {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/v4/websocket`, { headers });
    const client = new WebSocketClient(socket);
    await once(socket, "open");
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message not yet returned that matches, skipping the others; fails after 3 s. */
  async next(matches: (message: Message) => boolean = () => true): Promise<Message> {
    const deadline = Date.now() + 3000;
    for (;;) {
      while (this.read < this.messages.length) {
        const message = this.messages[this.read++] as Message;
        if (matches(message)) return message;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`no matching websocket message; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  /** The next event of this name. */
  event(name: string): Promise<Message> {
    return this.next((message) => message.event === name);
  }

  /** The events received so far, by name. */
  eventNames(): string[] {
    return this.messages.filter((m) => m.event).map((m) => m.event as string);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, "close");
    this.socket.close();
    await closed;
  }
}
