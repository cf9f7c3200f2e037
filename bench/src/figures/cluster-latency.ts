// Two hosts of one cluster, in this process, each with its own store pool, its own cluster bus
// (two PostgreSQL connections of its own) and its own REST server, on a throwaway PostgreSQL
// server over a unix socket (PLUGWIRE_BENCH_DATABASE_URL names another):
// - a websocket event across hosts: a post made over REST on host A, and its `posted` event on a
//   websocket client of host B, against the same event on a client of host A; the figure is the
//   hop, B's arrival minus A's, which is what the cluster adds (A hands the event to its own
//   clients and to PostgreSQL's NOTIFY at once); the baseline is A's own delivery, from the POST;
// - a cluster event: a plugin's cluster event (the bus message PublishPluginClusterEvent sends)
//   from host A's bus to host B's, one at a time.
// Both hosts share this process's event loop with the clients, as the REST figures do.
import { create } from "@bufbuild/protobuf";
import {
  createHost,
  type Host,
  MemoryFileStore,
  openPostgresClusterBus,
  openPostgresStore,
  type PostgresClusterBus,
  startRestServer,
} from "@plugwire/host";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@plugwire/host/internal";
import { ChannelSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import WebSocket from "ws";
import { restCall } from "../rest-client.js";
import { latency, nowUs } from "../stats.js";
import { type Row, us } from "../table.js";

const posts = 500;
const postWarmup = 50;
const events = 1_000;
const eventWarmup = 100;
/** Issue #17's target for both p50s. */
const TARGET_MS = 10;

interface Node {
  host: Host;
  bus: PostgresClusterBus;
  url: string;
  close(): Promise<void>;
}

export async function clusterLatency(): Promise<Row[]> {
  const given = process.env.PLUGWIRE_BENCH_DATABASE_URL;
  const server: ThrowawayPostgres | undefined = given ? undefined : await startThrowawayPostgres();
  const url = given ?? server?.url ?? "";
  const nodes: Node[] = [];
  try {
    // One after the other: the first creates the schema.
    for (let i = 0; i < 2; i++) nodes.push(await startNode(url));
    const [a, b] = nodes as [Node, Node];
    return [...(await websocketHop(a, b)), ...(await clusterEvents(a, b))];
  } finally {
    for (const node of nodes) await node.close();
    await server?.stop();
  }
}

async function startNode(url: string): Promise<Node> {
  const store = await openPostgresStore({ url });
  const bus = await openPostgresClusterBus({ url });
  const host = await createHost({
    store,
    files: new MemoryFileStore(),
    cluster: bus,
    log: () => {},
  });
  const rest = await startRestServer(host, { port: 0 });
  return {
    host,
    bus,
    url: rest.url,
    async close() {
      await rest.close();
      await host.close();
      await bus.close();
    },
  };
}

async function websocketHop(a: Node, b: Node): Promise<Row[]> {
  const password = "bench password";
  const { app, store } = a.host;
  const user = await app.createUser(
    {},
    create(UserSchema, { username: "poster", email: "poster@example.com" }),
    password,
  );
  const team = await store.createTeam(create(TeamSchema, { name: "bench", type: "O" }));
  await app.addTeamMember({}, team.id, user.id);
  const channel = await app.createChannel(
    { userId: user.id },
    create(ChannelSchema, { teamId: team.id, name: "bench", type: "O", creatorId: user.id }),
    { addCreator: true },
  );
  const login = await restCall(`${a.url}/api/v4/users/login`, "POST", {
    login_id: "poster",
    password,
  });
  const token = login.headers.token;
  if (login.status !== 200 || typeof token !== "string") {
    throw new Error(`login answered ${login.status}: ${login.body}`);
  }
  const onA = await PostedListener.connect(a.url, token);
  const onB = await PostedListener.connect(b.url, token);
  try {
    const hops: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < postWarmup + posts; i++) {
      const arrivedA = onA.next();
      const arrivedB = onB.next();
      const start = nowUs();
      const answer = await restCall(
        `${a.url}/api/v4/posts`,
        "POST",
        { channel_id: channel.id, message: "Hello across the cluster" },
        token,
      );
      if (answer.status !== 201) {
        throw new Error(`POST /api/v4/posts answered ${answer.status}: ${answer.body}`);
      }
      const [atA, atB] = await Promise.all([arrivedA, arrivedB]);
      if (i < postWarmup) continue;
      hops.push(atB - atA);
      local.push(atA - start);
    }
    const hop = latency(hops);
    const own = latency(local);
    if (hop === undefined || own === undefined) return [];
    return [
      {
        figure: `websocket event across hosts (post on A, posted on B's client), p50 (n=${hop.samples})`,
        measured: us(hop.p50),
        baseline: `${us(own.p50)} (POST to A's own client)`,
        ratio: "—",
        target: `≤ ${TARGET_MS} ms`,
        verdict: hop.p50 <= TARGET_MS * 1000 ? "met" : "NOT MET",
      },
      {
        figure: "websocket event across hosts, p99",
        measured: us(hop.p99),
        baseline: `${us(own.p99)} (POST to A's own client)`,
        ratio: "—",
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    onA.close();
    onB.close();
  }
}

async function clusterEvents(a: Node, b: Node): Promise<Row[]> {
  let arrived: ((at: number) => void) | undefined;
  const leave = b.bus.join("bench-receiver", {
    receive: (message) => {
      if (message.type === "plugin_event") arrived?.(nowUs());
    },
    resync: () => {},
  });
  try {
    const samples: number[] = [];
    for (let i = 0; i < eventWarmup + events; i++) {
      const received = new Promise<number>((resolve) => {
        arrived = resolve;
      });
      const start = nowUs();
      a.bus.publish("bench-sender", {
        type: "plugin_event",
        pluginId: "com.plugwire.bench",
        id: `event-${i}`,
        data: Buffer.from("hello").toString("base64"),
      });
      const at = await received;
      if (i >= eventWarmup) samples.push(at - start);
    }
    const event = latency(samples);
    if (event === undefined) return [];
    return [
      {
        figure: `cluster event, host A's bus to host B's (PublishPluginClusterEvent's message), p50 (n=${event.samples})`,
        measured: us(event.p50),
        baseline: "—",
        ratio: "—",
        target: `≤ ${TARGET_MS} ms`,
        verdict: event.p50 <= TARGET_MS * 1000 ? "met" : "NOT MET",
      },
      {
        figure: "cluster event, bus to bus, p99",
        measured: us(event.p99),
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    leave();
  }
}

/** A websocket client of one host that reports when each `posted` event arrives. */
class PostedListener {
  private waiting: ((at: number) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { event?: string };
      if (message.event === "posted") this.waiting?.(nowUs());
    });
  }

  static async connect(url: string, token: string): Promise<PostedListener> {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/v4/websocket`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise<void>((resolve, reject) => {
      socket.on("message", (data) => {
        if ((JSON.parse(String(data)) as { event?: string }).event === "hello") resolve();
      });
      socket.once("error", reject);
    });
    return new PostedListener(socket);
  }

  /** Resolves with the time (µs) the next `posted` event arrives. */
  next(): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  close(): void {
    this.socket.close();
  }
}
