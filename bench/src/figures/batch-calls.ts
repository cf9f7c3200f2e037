// What the batch RPCs save: the cost per item of reading 100 KV keys with one KVGetMany, and
// 100 users with one GetUsersByIds, against the same items read by a loop of single calls,
// both from the plugin and timed there.
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import type { BenchHost } from "../bench-host.js";
import type { KvManyRequest, UsersByIdsRequest } from "../plugins/bench-plugin.js";
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

export async function usersByIdsCost(bench: BenchHost): Promise<Row[]> {
  const userIds: string[] = [];
  for (let i = 0; i < 100; i++) {
    const user = await bench.host.app.createUser(
      {},
      create(UserSchema, { username: `bench-user-${i}`, email: `bench-user-${i}@example.com` }),
    );
    userIds.push(user.id);
  }
  const request: UsersByIdsRequest = { userIds, rounds: 30 };
  const costs = await bench.call<{ subject: number[]; baseline: number[] }>(
    "/users-by-ids",
    request,
  );
  const batch = median(costs.subject);
  const loop = median(costs.baseline);
  return [
    {
      figure: `Users by id: cost per user of GetUsersByIds(${userIds.length} ids)`,
      measured: `${batch.toFixed(1)} µs/user`,
      baseline: `${loop.toFixed(1)} µs/user (GetUser loop)`,
      ratio: times(batch / loop),
      target: "report",
      verdict: "report",
    },
  ];
}
