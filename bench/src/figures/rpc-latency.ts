// Latency of one call at a time, both directions across the process boundary: a plugin's
// API call to the host, and the host's hook dispatch to a plugin. Each is timed where the
// call starts, against a raw node:http2 round trip in the same direction.
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { MessageHasBeenPostedRequestSchema } from "@plugwire/protocol";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { startPingPongProcess, startRawH2Process } from "../child.js";
import { hasBeenPostedRequest } from "../hook-request.js";
import { type LatencyPair, type LatencyPlan, latencyPair } from "../measure.js";
import { PingPongClient } from "../ping-pong.js";
import { RawH2Client, startRawH2Server } from "../raw-h2.js";
import { type Latency, latency } from "../stats.js";
import { latencyRows, type Row, times, us } from "../table.js";

const plan: LatencyPlan = { warmup: 1_000, rounds: 10, perRound: 500, capMs: 30_000 };
const idlePlan: LatencyPlan = { warmup: 0, rounds: 4, perRound: 100, capMs: 15_000, pauseMs: 5 };

/** GetServerVersion from the plugin against raw round trips from the plugin to this process. */
export async function apiCallLatency(bench: BenchHost, dir: string): Promise<Row[]> {
  const rawSocket = join(dir, "raw-api.sock");
  const raw = await startRawH2Server(rawSocket);
  try {
    const pair = await bench.call<LatencyPair>("/api-latency", { rawSocket, ...plan });
    return latencyRows(
      "plugin → host API call (GetServerVersion)",
      latency(pair.subject),
      latency(pair.baseline),
      1.3,
      2,
    );
  } finally {
    await raw.close();
  }
}

/** MessageHasBeenPosted to the plugin against raw round trips to another process. */
export async function hookDispatchLatency(bench: BenchHost, dir: string): Promise<Row[]> {
  const rawSocket = join(dir, "raw-hook.sock");
  const server = await startRawH2Process(rawSocket);
  const raw = await RawH2Client.connect(rawSocket);
  try {
    const plugin = bench.host.get(benchPluginId);
    if (plugin === undefined) {
      throw new Error("the bench plugin is not loaded");
    }
    const request = hasBeenPostedRequest();
    // The raw baseline carries as many bytes as the hook's request does.
    const body = toBinary(
      MessageHasBeenPostedRequestSchema,
      create(MessageHasBeenPostedRequestSchema, request),
    );
    const pair = await latencyPair(
      () => plugin.callHook("MessageHasBeenPosted", request),
      () => raw.roundTrip(body),
      plan,
    );
    // The same after 5 ms without calls, as each of ten plugins is called once per post: both
    // processes wake from idle, with cold caches; the floor (a 64-byte ping-pong) pays that too.
    const pingSocket = join(dir, "ping-hook.sock");
    const pingServer = await startPingPongProcess(pingSocket);
    const ping = await PingPongClient.connect(pingSocket);
    let idle: LatencyPair;
    try {
      idle = await latencyPair(
        () => plugin.callHook("MessageHasBeenPosted", request),
        () => ping.roundTrip(),
        idlePlan,
      );
    } finally {
      ping.close();
      await pingServer.stop();
    }
    return [
      ...latencyRows(
        "host → plugin hook dispatch (MessageHasBeenPosted)",
        latency(pair.subject),
        latency(pair.baseline),
        1.3,
        2,
      ),
      idleRow(latency(idle.subject), latency(idle.baseline), latency(pair.subject)),
    ];
  } finally {
    raw.close();
    await server.stop();
  }
}

/** Hook dispatch after 5 ms idle, against the floor after as long, and back to back. */
function idleRow(subject: Latency, baseline: Latency, backToBack: Latency): Row {
  return {
    figure: `host → plugin hook dispatch after 5 ms idle, p50 (n=${subject.samples}; back to back ${us(backToBack.p50)})`,
    measured: us(subject.p50),
    baseline: `${us(baseline.p50)} (64-byte ping-pong, after 5 ms idle)`,
    ratio: times(subject.p50 / baseline.p50),
    target: "report",
    verdict: "report",
  };
}
