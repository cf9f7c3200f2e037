// The official Mattermost JavaScript client (@mattermost/client) pointed at a test server, so
// specs drive the host as the Mattermost web app does. Node 20 has no global WebSocket, so the
// client's websocket is given the `ws` package; its messages are collected for the specs.
import { Client4, WebSocketClient } from "@mattermost/client";
import WebSocket from "ws";

// The client also reads WebSocket.OPEN from the global, which Node 20 does not define.
if (!("WebSocket" in globalThis)) {
  Object.defineProperty(globalThis, "WebSocket", { value: WebSocket, configurable: true });
}

/** A Client4 for the server at `url`, with `token` as its session when given. */
export function newClient4(url: string, token?: string): Client4 {
  const client = new Client4();
  client.setUrl(url);
  // A Node process has no cookie jar; the token header is how Client4 authenticates there.
  client.setIncludeCookies(false);
  if (token) client.setToken(token);
  return client;
}

/** A websocket event as Mattermost sends it. */
export interface WebSocketEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: specs read whatever payload the event has
  data: any;
  broadcast: {
    user_id: string;
    channel_id: string;
    team_id: string;
    omit_users: Record<string, boolean> | null;
  };
  seq: number;
}

/** Client4's websocket client, connected, with every event it received kept in order. */
export class ClientSocket {
  readonly events: WebSocketEvent[] = [];
  readonly client: WebSocketClient;
  private waiters: { match: (event: WebSocketEvent) => boolean; resolve: () => void }[] = [];

  private constructor(
    client: WebSocketClient,
    /** While offline, the client's reconnect attempts go to a closed port, as when a network is down. */
    private readonly network: { offline: boolean },
  ) {
    this.client = client;
    client.addMessageListener((message) => {
      const event = message as unknown as WebSocketEvent;
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  /** Connects to `url` (the REST server's http URL) as the session `token`; resolves on `hello`. */
  static async connect(url: string, token: string): Promise<ClientSocket> {
    const network = { offline: false };
    const client = new WebSocketClient({
      newWebSocketFn: (socketUrl: string) =>
        new WebSocket(
          network.offline ? "ws://127.0.0.1:9/" : socketUrl,
        ) as unknown as globalThis.WebSocket,
      minWebSocketRetryTime: 50,
      reconnectJitterRange: 10,
    });
    const socket = new ClientSocket(client, network);
    const hello = socket.next("hello");
    client.initialize(`${url.replace(/^http/, "ws")}/api/v4/websocket`, token);
    await hello;
    return socket;
  }

  /** Resolves with the first event named `name` (optionally matching `where`) received from now on. */
  async next(
    name: string,
    where: (event: WebSocketEvent) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<WebSocketEvent> {
    const from = this.events.length;
    const match = (event: WebSocketEvent) => event.event === name && where(event);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${name}" event within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
    const found = this.events.slice(from).find(match);
    if (!found) throw new Error(`"${name}" was matched but not kept`);
    return found;
  }

  /** The connection id the server gave in its last `hello`, which the client resumes with. */
  get connectionId(): string {
    return (this.client as unknown as { connectionId: string }).connectionId;
  }

  /**
   * Drops the connection as a network failure would; the client keeps retrying (and failing)
   * until resume(). Resolves once the socket is closed.
   */
  async drop(): Promise<void> {
    this.network.offline = true;
    const conn = (this.client as unknown as { conn: WebSocket | null }).conn;
    if (!conn) return;
    await new Promise<void>((resolve) => {
      conn.once("close", () => resolve());
      conn.terminate();
    });
  }

  /** Lets the client's next retry reach the server again, resuming its connection. */
  resume(): void {
    this.network.offline = false;
  }

  close(): void {
    this.client.close();
  }
}
