// What a batch RPC saves: the cost per key of reading 100 keys with one KVGetMany, against
// the same keys read by a loop of KVGet, both from the plugin and timed there.
import type { BenchHost } from "../bench-host.js";
import type { KvManyRequest } from "../plugins/bench-plugin.js";
import { median } from "../stats.js";
import { type Row, times } from "../table.js";

export async function kvGetManyCost(bench: BenchHost): Promise<Row[]> {
  const request: KvManyRequest = { keys: 100, rounds: 30 };
  const costs = await bench.call<{ subject: number[]; baseline: number[] }>("/kv-many", request);
  const many = median(costs.subject);
  const loop = median(costs.baseline);
  return [
    {
      figure: `KV multi-get: cost per key of KVGetMany(${request.keys} keys)`,
      measured: `${many.toFixed(1)} µs/key`,
      baseline: `${loop.toFixed(1)} µs/key (KVGet loop)`,
      ratio: times(many / loop),
      target: "report",
      verdict: "report",
    },
  ];
}
