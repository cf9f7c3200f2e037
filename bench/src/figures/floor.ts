// Calls against the physical floor (issue 19): a 64-byte ping-pong between two Node processes
// over a Unix socket (node:net, no framing), timed in the same run and in the same process as
// the call it is set against, taking turns with it. The floor's own p50 and p99 are printed,
// then the plugin's API call and the host's hook dispatch as multiples of it; and hook dispatch
// once more against an echo answered by the plugin's own process, which shares whatever
// placement on the CPUs the scheduler gave the plugin (a ping-pong of two small processes is
// often run on one CPU, at about two thirds of its time across two).
import { join } from "node:path";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { startPingPongProcess } from "../child.js";
import { hasBeenPostedRequest } from "../hook-request.js";
import { type LatencyPair, type LatencyPlan, latencyPair } from "../measure.js";
import { PingPongClient } from "../ping-pong.js";
import { type Latency, latency } from "../stats.js";
import { type Row, times, us } from "../table.js";

const plan: LatencyPlan = { warmup: 1_000, rounds: 10, perRound: 500, capMs: 30_000 };

export async function floorLatency(bench: BenchHost, dir: string): Promise<Row[]> {
  const pingSocket = join(dir, "ping-pong.sock");
  const server = await startPingPongProcess(pingSocket);
  try {
    const hook = await hookAgainstFloor(bench, pingSocket);
    const api = await bench.call<LatencyPair>("/api-floor", { pingSocket, ...plan });
    // The same, with the plugin's own process echoing: the floor between the very two
    // processes a hook call runs between, wherever the scheduler has put them.
    const ownSocket = join(dir, "ping-plugin.sock");
    await bench.call("/ping-server", { socket: ownSocket });
    const hookOwn = await hookAgainstFloor(bench, ownSocket);
    const floor = latency(hook.baseline);
    const ownFloor = latency(hookOwn.baseline);
    return [
      {
        figure: `floor: 64-byte ping-pong between two Node processes, Unix socket (net), p50 / p99 (n=${floor.samples})`,
        measured: `${us(floor.p50)} / ${us(floor.p99)}`,
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
      ...againstFloor(
        "plugin → host API call (GetServerVersion)",
        latency(api.subject),
        latency(api.baseline),
        2,
      ),
      ...againstFloor(
        "host → plugin hook dispatch (MessageHasBeenPosted)",
        latency(hook.subject),
        floor,
        2.5,
      ),
      {
        figure: `host → plugin hook dispatch p50 against a 64-byte ping-pong with the plugin's own process (n=${ownFloor.samples})`,
        measured: us(latency(hookOwn.subject).p50),
        baseline: `${us(ownFloor.p50)} (ping-pong, plugin process)`,
        ratio: times(latency(hookOwn.subject).p50 / ownFloor.p50),
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    await server.stop();
  }
}

/** MessageHasBeenPosted to the plugin, taking turns with ping-pongs from this process. */
async function hookAgainstFloor(bench: BenchHost, pingSocket: string): Promise<LatencyPair> {
  const plugin = bench.host.get(benchPluginId);
  if (plugin === undefined) {
    throw new Error("the bench plugin is not loaded");
  }
  const request = hasBeenPostedRequest();
  const ping = await PingPongClient.connect(pingSocket);
  try {
    return await latencyPair(
      () => plugin.callHook("MessageHasBeenPosted", request),
      () => ping.roundTrip(),
      plan,
    );
  } finally {
    ping.close();
  }
}

/** A call's p50 as a multiple of the floor's (with a target), and its p99 (reported). */
function againstFloor(figure: string, call: Latency, floor: Latency, p50Max: number): Row[] {
  const p50 = call.p50 / floor.p50;
  return [
    {
      figure: `${figure} p50 against the floor (n=${call.samples})`,
      measured: us(call.p50),
      baseline: `${us(floor.p50)} (ping-pong)`,
      ratio: times(p50),
      target: `≤ ${p50Max}×`,
      verdict: p50 <= p50Max ? "met" : "NOT MET",
    },
    {
      figure: `${figure} p99 against the floor`,
      measured: us(call.p99),
      baseline: `${us(floor.p99)} (ping-pong)`,
      ratio: times(call.p99 / floor.p99),
      target: "report",
      verdict: "report",
    },
  ];
}
