// The plugin of the multi-node spec of the SDK's cluster helpers (test/cluster/cluster-sdk.spec.ts).
// Each host runs its own copy; a copy names itself with a random id at start.
// - From OnActivate it schedules the job "tick" every second with this.cluster.schedule; each
//   run takes 50 ms and records itself in the shared KV as "run:<start ms>:<copy>" with
//   `{ start, end, copy }`.
// - POST /acquire starts this.cluster.lock("work") in the background (a lock can take longer
//   to get than a hook call may last); once held, it records "taken:<ms>:<copy>".
//   POST /release unlocks it. GET /state answers `{ copy, holding, waiting }`.
// - GET /runs answers the recorded runs, oldest first; GET /keys?prefix= the keys.
import { randomUUID } from "node:crypto";
import { definePlugin, runPlugin } from "@plugwire/sdk";

const copy = randomUUID().slice(0, 8);
/** The lock "work" while this copy holds it. */
let held;
let waiting = false;

async function keys(api, prefix) {
  const found = [];
  for (let page = 0; ; page++) {
    const batch = await api.kvList({ page, perPage: 200 });
    found.push(...batch.filter((key) => key.startsWith(prefix)));
    if (batch.length < 200) break;
  }
  return found.sort();
}

runPlugin(
  definePlugin({
    OnActivate() {
      this.cluster.schedule("tick", 1_000, async () => {
        const start = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await this.api.kvSetJSON(`run:${start}:${copy}`, { start, end: Date.now(), copy });
      });
    },
    async ServeHTTP(_ctx, request) {
      const route = new URL(request.url).pathname.split("/").pop();
      if (route === "acquire" && request.method === "POST") {
        if (held === undefined && !waiting) {
          waiting = true;
          this.cluster.lock("work").then(
            async (lock) => {
              held = lock;
              waiting = false;
              await this.api.kvSetJSON(`taken:${Date.now()}:${copy}`, { copy });
            },
            () => {
              waiting = false;
            },
          );
        }
        return Response.json({ copy, waiting });
      }
      if (route === "release" && request.method === "POST") {
        await held?.unlock();
        held = undefined;
        return Response.json({ copy });
      }
      if (route === "state") {
        return Response.json({ copy, holding: held?.held ?? false, waiting });
      }
      if (route === "runs") {
        const runs = [];
        for (const key of await keys(this.api, "run:")) {
          runs.push(await this.api.kvGetJSON(key));
        }
        return Response.json(runs.sort((x, y) => x.start - y.start));
      }
      if (route === "keys") {
        return Response.json(
          await keys(this.api, new URL(request.url).searchParams.get("prefix") ?? ""),
        );
      }
      return new Response("not found", { status: 404 });
    },
  }),
);
