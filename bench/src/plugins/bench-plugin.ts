// The plugin every figure runs against: a real plugin process built with the SDK. The host
// reaches it through hooks; the suite drives its API-call loops through ServeHTTP, so the
// timing happens where the calls start, inside the plugin process.
import { allow, definePlugin, type Plugin, runPlugin } from "@plugwire/sdk";
import { callRate, type LatencyPlan, latencyPair } from "../measure.js";
import { PingPongClient, startPingPongServer } from "../ping-pong.js";
import { RawH2Client } from "../raw-h2.js";
import { nowUs } from "../stats.js";

/** POST /api-latency: tiny API calls against raw round trips to `rawSocket`. */
export interface ApiLatencyRequest extends LatencyPlan {
  rawSocket: string;
}

/** POST /api-floor: tiny API calls against 64-byte ping-pongs with `pingSocket`. */
export interface ApiFloorRequest extends LatencyPlan {
  pingSocket: string;
}

/** POST /api-rate: API calls per second against raw round trips, `inFlight` at a time. */
export interface ApiRateRequest {
  rawSocket: string;
  inFlight: number;
  /** Length of each of the rounds; they alternate API, raw, API, raw. */
  roundMs: number;
  rounds: number;
}

/** POST /ping-server: an echo server (ping-pong.ts) at `socket`, in the plugin's process. */
export interface PingServerRequest {
  socket: string;
}

/** POST /kv-many: `keys` keys read by one KVGetMany against a loop of KVGet. */
export interface KvManyRequest {
  keys: number;
  rounds: number;
}

/** POST /users-by-ids: the users read by one GetUsersByIds against a loop of GetUser. */
export interface UsersByIdsRequest {
  userIds: string[];
  rounds: number;
}

/** What the raw baseline sends: as big as a tiny gRPC request (a 5-byte envelope and a field). */
const rawRequest = new Uint8Array(16);
const chunkBytes = 64 * 1024;

async function apiLatency(plugin: Plugin, request: ApiLatencyRequest): Promise<unknown> {
  const raw = await RawH2Client.connect(request.rawSocket);
  try {
    return await latencyPair(
      () => plugin.api.getServerVersion(),
      () => raw.roundTrip(rawRequest),
      request,
    );
  } finally {
    raw.close();
  }
}

async function apiFloor(plugin: Plugin, request: ApiFloorRequest): Promise<unknown> {
  const ping = await PingPongClient.connect(request.pingSocket);
  try {
    return await latencyPair(
      () => plugin.api.getServerVersion(),
      () => ping.roundTrip(),
      request,
    );
  } finally {
    ping.close();
  }
}

async function apiRate(plugin: Plugin, request: ApiRateRequest): Promise<unknown> {
  const raw = await RawH2Client.connect(request.rawSocket);
  const subject: number[] = [];
  const baseline: number[] = [];
  try {
    // Warm both paths up before the first timed round.
    await callRate(() => plugin.api.getServerVersion(), request.inFlight, 200);
    await callRate(() => raw.roundTrip(rawRequest), request.inFlight, 200);
    for (let round = 0; round < request.rounds; round++) {
      subject.push(
        await callRate(() => plugin.api.getServerVersion(), request.inFlight, request.roundMs),
      );
      baseline.push(
        await callRate(() => raw.roundTrip(rawRequest), request.inFlight, request.roundMs),
      );
    }
    return { subject, baseline };
  } finally {
    raw.close();
  }
}

/**
 * Per-item microseconds, each round, of reading `items` with one batch call against a loop of
 * single calls; `batch` answers how many items it found, which must be all of them.
 */
async function batchAgainstLoop<T>(
  items: readonly T[],
  rounds: number,
  batch: () => Promise<number>,
  single: (item: T) => Promise<unknown>,
): Promise<{ subject: number[]; baseline: number[] }> {
  const subject: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = nowUs();
    const found = await batch();
    subject.push((nowUs() - start) / items.length);
    if (found !== items.length) {
      throw new Error(`the batch call found ${found} of ${items.length} items`);
    }
    start = nowUs();
    for (const item of items) {
      await single(item);
    }
    baseline.push((nowUs() - start) / items.length);
  }
  return { subject, baseline };
}

/** Per-key microseconds of KVGetMany and of a KVGet loop over the same keys. */
async function kvMany(plugin: Plugin, request: KvManyRequest): Promise<unknown> {
  const keys = Array.from({ length: request.keys }, (_, i) => `bench-key-${i}`);
  const value = new Uint8Array(64);
  for (const key of keys) {
    await plugin.api.kvSet(key, value);
  }
  const costs = await batchAgainstLoop(
    keys,
    request.rounds,
    async () => (await plugin.api.kvGetMany(keys)).size,
    (key) => plugin.api.kvGet(key),
  );
  await plugin.api.kvDeleteAll();
  return costs;
}

/** Per-user microseconds of GetUsersByIds and of a GetUser loop over the same ids. */
function usersByIds(plugin: Plugin, request: UsersByIdsRequest): Promise<unknown> {
  const { userIds } = request;
  return batchAgainstLoop(
    userIds,
    request.rounds,
    async () => (await plugin.api.getUsersByIds(userIds)).length,
    (id) => plugin.api.getUser(id),
  );
}

async function bodyBytes(request: Request): Promise<number> {
  let bytes = 0;
  if (request.body !== null) {
    for await (const chunk of request.body) {
      bytes += chunk.byteLength;
    }
  }
  return bytes;
}

function download(bytes: number): Response {
  let left = bytes;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, left);
      left -= size;
      controller.enqueue(new Uint8Array(size));
    },
  });
  return new Response(body, { headers: { "content-type": "application/octet-stream" } });
}

runPlugin(
  definePlugin({
    MessageWillBePosted() {
      return allow();
    },
    MessageHasBeenPosted() {},
    async ServeHTTP(_ctx, request) {
      const url = new URL(request.url);
      switch (`${request.method} ${url.pathname}`) {
        case "GET /json":
          return Response.json({ message: "Hello from Plugwire!", ok: true });
        case "POST /upload":
          return Response.json({ bytes: await bodyBytes(request) });
        case "GET /download":
          return download(Number(url.searchParams.get("bytes")));
        case "POST /api-latency":
          return Response.json(await apiLatency(this, (await request.json()) as ApiLatencyRequest));
        case "POST /api-floor":
          return Response.json(await apiFloor(this, (await request.json()) as ApiFloorRequest));
        case "POST /ping-server": {
          // The floor between the host's process and this one (floor.ts): an echo on a socket
          // of this process, kept until the process ends.
          const { socket } = (await request.json()) as PingServerRequest;
          await startPingPongServer(socket);
          return Response.json({ listening: socket });
        }
        case "POST /kv-many":
          return Response.json(await kvMany(this, (await request.json()) as KvManyRequest));
        case "POST /users-by-ids":
          return Response.json(await usersByIds(this, (await request.json()) as UsersByIdsRequest));
        case "POST /api-rate":
          return Response.json(await apiRate(this, (await request.json()) as ApiRateRequest));
        default:
          return Response.json(
            { error: `no route ${request.method} ${url.pathname}` },
            { status: 404 },
          );
      }
    },
  }),
);
