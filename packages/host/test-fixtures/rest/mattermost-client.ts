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
    connection_id: string;
    omit_connection_id: string;
  };
  seq: number;
}

/**
 * Client4's websocket client, connected, with every event it received kept in order. It
 * sends the session at the upgrade too (as a browser sends its cookie), and can be taken
 * offline and back: Client4 then reconnects by itself with its connection id and sequence.
 */
export class ClientSocket {
  readonly events: WebSocketEvent[] = [];
  readonly client: WebSocketClient;
  /** The URL of each socket Client4 opened, in order. */
  readonly socketUrls: string[] = [];
  /** How many times Client4 reported that it missed events and must reload. */
  missedReloads = 0;
  private offline = false;
  private waiters: { match: (event: WebSocketEvent) => boolean; resolve: () => void }[] = [];

  private constructor(client: WebSocketClient) {
    this.client = client;
    client.addMissedMessageListener(() => {
      this.missedReloads += 1;
    });
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
    let socket: ClientSocket | undefined;
    const client = new WebSocketClient({
      newWebSocketFn: (socketUrl: string) => {
        socket?.socketUrls.push(socketUrl);
        // Offline, every attempt fails at once (a path that is not the websocket's).
        const target = socket?.offline ? socketUrl.replace("/websocket", "/offline") : socketUrl;
        return new WebSocket(target, {
          headers: { authorization: `Bearer ${token}` },
        }) as unknown as globalThis.WebSocket;
      },
      minWebSocketRetryTime: 50,
      reconnectJitterRange: 10,
    });
    socket = new ClientSocket(client);
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

  /** The connection id the last hello gave. */
  get connectionId(): string {
    return (this.client as unknown as { connectionId: string }).connectionId;
  }

  /** Drops the socket and keeps Client4 from reconnecting until `online()`. */
  goOffline(): void {
    this.offline = true;
    this.conn()?.terminate();
  }

  /** Lets Client4 reconnect; resolves once its new socket is open and authenticated. */
  async online(): Promise<void> {
    const opened = this.socketUrls.length;
    this.offline = false;
    for (let waited = 0; waited < 5_000; waited += 20) {
      const conn = this.conn();
      if (this.socketUrls.length > opened && conn?.readyState === WebSocket.OPEN) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("Client4 did not reconnect within 5 s");
  }

  /** Sends an action and resolves with the server's answer to it. */
  request(
    action: string,
    data: unknown,
  ): Promise<{ status: string; seq_reply: number } & Record<string, unknown>> {
    return new Promise((resolve) => {
      this.client.sendMessage(action, data, resolve as (message: unknown) => void);
    });
  }

  close(): void {
    this.client.close();
  }

  /** Client4 keeps its socket private. */
  private conn(): WebSocket | null {
    return (this.client as unknown as { conn: WebSocket | null }).conn;
  }
}
