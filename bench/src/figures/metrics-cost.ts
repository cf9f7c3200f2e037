// What the host's metrics add to its hot paths, against the calls they are added to, in the
// same run: a hook call records two clock reads and a CallStats update, a Plugin API call goes
// through instrumentedService's wrapper, a REST request records its route and status. Each is
// timed in a tight loop (ns per call) and set against the p50 of a real hook dispatch to the
// bench plugin. prom-client's own histogram, observed per call, is the alternative the host
// does not use: its row shows why.
import { create } from "@bufbuild/protobuf";
import { CallStatsRow, HostMetrics, LATENCY_BUCKETS_SECONDS } from "@plugwire/host";
import { instrumentedService } from "@plugwire/host/internal";
import { PluginContextSchema, PostSchema } from "@plugwire/protocol";
import { Histogram, Registry } from "prom-client";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { latency, nowUs } from "../stats.js";
import type { Row } from "../table.js";

const LOOP = 200_000;

/** Nanoseconds per call of `work`, the median of five timed loops after a warm-up. */
function nsPerCall(work: () => void): number {
  for (let i = 0; i < LOOP; i++) work();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOP; i++) work();
    rounds.push(Number(process.hrtime.bigint() - start) / LOOP);
  }
  return latency(rounds).p50;
}

/** The same for an asynchronous `work`, awaited call by call. */
async function nsPerAwaitedCall(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < LOOP; i++) await work();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOP; i++) await work();
    rounds.push(Number(process.hrtime.bigint() - start) / LOOP);
  }
  return latency(rounds).p50;
}

export async function metricsCost(bench: BenchHost): Promise<Row[]> {
  const plugin = bench.host.get(benchPluginId);
  if (plugin === undefined) throw new Error("the bench plugin is not loaded");
  const request = {
    post: create(PostSchema, { id: "p0000000000000000000000000", message: "Hello, world!" }),
    context: create(PluginContextSchema, { requestId: "r0000000000000000000000000" }),
  };
  // Hook dispatch p50, with the recording it includes, as the yardstick.
  for (let i = 0; i < 1_000; i++) await plugin.callHook("MessageHasBeenPosted", request);
  const samples: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const start = nowUs();
    await plugin.callHook("MessageHasBeenPosted", request);
    samples.push(nowUs() - start);
  }
  const dispatchNs = latency(samples).p50 * 1000;

  const row = new CallStatsRow();
  // What the supervisor adds per hook call.
  const hookRecord = nsPerCall(() => {
    const started = performance.now();
    row.of("MessageHasBeenPosted").succeeded(performance.now() - started);
  });
  const metrics = new HostMetrics();
  const restRecord = nsPerCall(() => {
    const started = performance.now();
    metrics.restRequest("POST", "/api/v4/posts", 201, performance.now() - started);
  });
  // The wrapper around a Plugin API method, against the bare method.
  const bare = { getServerVersion: async () => ({ version: "1.0.0" }) };
  const wrapped = instrumentedService(bare, new CallStatsRow()) as typeof bare;
  const bareNs = await nsPerAwaitedCall(() => bare.getServerVersion());
  const wrappedNs = await nsPerAwaitedCall(() => wrapped.getServerVersion());
  // prom-client's histogram observed per call, as a host without its own counters would.
  const histogram = new Histogram({
    name: "bench_hook_duration_seconds",
    help: "bench",
    labelNames: ["plugin_id", "hook"],
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [new Registry()],
  });
  const child = histogram.labels(benchPluginId, "MessageHasBeenPosted");
  const promObserve = nsPerCall(() => {
    const started = performance.now();
    child.observe((performance.now() - started) / 1000);
  });

  const ns = (value: number) => `${Math.round(value)} ns`;
  const share = (value: number) => `${((value / dispatchNs) * 100).toFixed(2)} %`;
  const yardstick = `${ns(dispatchNs)} (hook dispatch p50)`;
  const addedRow = (figure: string, added: number): Row => ({
    figure,
    measured: ns(added),
    baseline: yardstick,
    ratio: share(added),
    target: "≤ 1 %",
    verdict: added / dispatchNs <= 0.01 ? "met" : "NOT MET",
  });
  return [
    addedRow("metrics: a hook call's record (2 clock reads + CallStats)", hookRecord),
    addedRow("metrics: a Plugin API call's wrapper (GetServerVersion)", wrappedNs - bareNs),
    addedRow("metrics: a REST request's record (route, status)", restRecord),
    {
      figure: "metrics: prom-client Histogram child observe instead (not used)",
      measured: ns(promObserve),
      baseline: `${ns(hookRecord)} (the host's record)`,
      ratio: `${(promObserve / hookRecord).toFixed(2)}×`,
      target: "report",
      verdict: "report",
    },
  ];
}
