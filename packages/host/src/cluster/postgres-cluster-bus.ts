// The cluster bus of hosts sharing one PostgreSQL database: LISTEN/NOTIFY on one channel.
//
// Each bus holds two connections of its own, outside the store's pool: one LISTENs, one
// publishes. PostgreSQL delivers notifications in the order their transactions committed, and
// one connection publishes this host's messages one after another, so every host receives
// them in the order they were sent. A message longer than a notification carries (8000 bytes)
// is written to cluster_messages and the notification names its row; the receiver reads it
// before anything that came after it, and rows are deleted after MESSAGE_ROW_TTL_MS.
//
// When a connection drops (server restart, network), the bus reconnects, backing off up to a
// second. A message this host could not publish waits and goes once the publisher is back. What
// was notified while the listener was away is lost, so after it reconnects every member is told
// to resync (drop caches, make its clients reload), as Mattermost's clients reload after a
// missed sequence.
import pg from "pg";
import type { ClusterMember, ClusterMessage } from "../app/cluster-bus.js";
import { redactUrl } from "../store/postgres/database-url.js";
import type { PostgresClusterBus, PostgresClusterBusOptions } from "./open-postgres-cluster-bus.js";

/** What a notification carries: the message, or the cluster_messages row that holds it. */
interface Envelope {
  /** The sending host. */
  from: string;
  /** The one host it is for, when not for all. */
  to?: string;
  message: ClusterMessage;
}

/** The largest notification payload PostgreSQL takes is 7999 bytes; leave room. */
export const MAX_NOTIFY_BYTES = 7900;
/** How long a long message's row is kept: receivers read it within milliseconds. */
const MESSAGE_ROW_TTL_MS = 60_000;
const MAX_BACKOFF_MS = 1_000;

/** Connects the bus (listening before it resolves); close() ends its connections. */
export async function connectPostgresClusterBus(
  options: PostgresClusterBusOptions,
): Promise<PostgresClusterBus> {
  const bus = new NotifyClusterBus(options);
  await bus.connect();
  return bus;
}

class NotifyClusterBus implements PostgresClusterBus {
  private readonly members = new Map<string, ClusterMember>();
  private readonly channel: string;
  private listener: pg.Client | undefined;
  private publisher: pg.Client | undefined;
  /** Messages waiting to be published, oldest first. */
  private readonly outbox: string[] = [];
  private sending = false;
  /** Received notifications are handled one at a time, in the order they came. */
  private inbox: Promise<void> = Promise.resolve();
  private closed = false;
  private lastCleanup = 0;

  constructor(private readonly options: PostgresClusterBusOptions) {
    this.channel = options.channel ?? "plugwire_cluster";
  }

  join(hostId: string, member: ClusterMember): () => void {
    this.members.set(hostId, member);
    return () => this.members.delete(hostId);
  }

  publish(fromHostId: string, message: ClusterMessage, targetHostId?: string): void {
    if (this.closed) return;
    const envelope: Envelope = { from: fromHostId, message };
    if (targetHostId !== undefined) envelope.to = targetHostId;
    this.outbox.push(JSON.stringify(envelope));
    void this.flush();
  }

  /** Resolves once every message published so far has been handed to PostgreSQL. */
  async flushed(): Promise<void> {
    while (this.outbox.length > 0 || this.sending) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.race([this.flushed(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    this.closed = true;
    await Promise.all([this.listener?.end(), this.publisher?.end()].map((p) => p?.catch(() => {})));
  }

  /** Opens both connections; the listener is LISTENing when this resolves. */
  async connect(): Promise<void> {
    this.listener = await this.listen();
    this.publisher = await this.openPublisher();
  }

  private async listen(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.url, keepAlive: true });
    client.on("error", () => this.listenerLost(client));
    client.on("end", () => this.listenerLost(client));
    client.on("notification", (notification) => {
      if (notification.channel !== this.channel) return;
      const payload = notification.payload ?? "";
      this.inbox = this.inbox.then(() => this.received(payload));
    });
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    return client;
  }

  private listenerLost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    this.options.log?.(
      `cluster bus: lost the LISTEN connection to ${redactUrl(this.options.url)}; reconnecting`,
    );
    void this.retry(async () => {
      this.listener = await this.listen();
      this.options.log?.("cluster bus: listening again; resyncing this host's clients");
      for (const member of this.members.values()) member.resync();
    });
  }

  private async openPublisher(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.url, keepAlive: true });
    client.on("error", () => {
      if (this.publisher === client) this.publisher = undefined;
      client.end().catch(() => undefined);
    });
    await client.connect();
    return client;
  }

  /** Publishes the outbox in order; a message that fails waits for a new publisher. */
  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      let attempt = 0;
      while (this.outbox.length > 0 && !this.closed) {
        const body = this.outbox[0] as string;
        try {
          this.publisher ??= await this.openPublisher();
          await this.send(this.publisher, body);
          this.outbox.shift();
          attempt = 0;
        } catch (error) {
          if (attempt === 0) {
            this.options.log?.(
              `cluster bus: publishing failed (${(error as Error).message}); retrying`,
            );
          }
          this.publisher?.end().catch(() => undefined);
          this.publisher = undefined;
          await delay(Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt++));
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async send(client: pg.Client, body: string): Promise<void> {
    if (Buffer.byteLength(body) <= MAX_NOTIFY_BYTES) {
      await client.query("SELECT pg_notify($1, $2)", [this.channel, body]);
      return;
    }
    const now = Date.now();
    // The row and the notification naming it commit together.
    await client.query(
      `WITH row AS (INSERT INTO cluster_messages ("body", "created_at") VALUES ($2, $3) RETURNING "id")
       SELECT pg_notify($1, json_build_object('ref', "id")::text) FROM row`,
      [this.channel, body, now],
    );
    if (now - this.lastCleanup > MESSAGE_ROW_TTL_MS) {
      this.lastCleanup = now;
      await client.query(`DELETE FROM cluster_messages WHERE "created_at" < $1`, [
        now - MESSAGE_ROW_TTL_MS,
      ]);
    }
  }

  private async received(payload: string): Promise<void> {
    try {
      let parsed = JSON.parse(payload) as Envelope | { ref: number };
      if ("ref" in parsed) {
        const client = this.listener;
        if (client === undefined) return;
        const { rows } = await client.query<{ body: string }>(
          `SELECT "body" FROM cluster_messages WHERE "id" = $1`,
          [parsed.ref],
        );
        if (rows[0] === undefined) return;
        parsed = JSON.parse(rows[0].body) as Envelope;
      }
      const { from, to, message } = parsed;
      for (const [hostId, member] of this.members) {
        if (hostId !== from && (to === undefined || to === hostId)) member.receive(message, from);
      }
    } catch (error) {
      this.options.log?.(`cluster bus: a message was not handled: ${(error as Error).message}`);
    }
  }

  /** Runs `connect` until it succeeds or the bus closes, backing off up to a second. */
  private async retry(connect: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      await delay(Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt));
      if (this.closed) return;
      try {
        await connect();
        return;
      } catch {
        // The server is still away; try again.
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
