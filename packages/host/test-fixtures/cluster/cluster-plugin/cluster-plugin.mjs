// The multi-node specs' plugin. Each host of a cluster runs its own copy; a copy names itself
// with a random id at start, and records what reaches it in the shared KV store under keys
// that carry that id, so a spec counts how many copies saw something:
// - "posted:<post id>:<copy>" for MessageHasBeenPosted,
// - "config:<copy>:<greeting>" for OnConfigurationChange,
// - "event:<copy>:<event id>" for OnPluginClusterEvent.
// Its HTTP routes: GET /whoami (this copy's id), POST /publish?id=&target= (a cluster event),
// GET /keys?prefix= (the recorded keys with that prefix), POST /count?times= (adds 1 to the
// KV key "counter" that many times by compare-and-set, retrying each lost race).
import { randomUUID } from "node:crypto";
import { definePlugin, runPlugin } from "@plugwire/sdk";

const copy = randomUUID().slice(0, 8);
const mark = new Uint8Array([1]);

runPlugin(
  definePlugin({
    async MessageHasBeenPosted(_ctx, post) {
      await this.api.kvSet(`posted:${post.id}:${copy}`, mark);
    },
    async OnConfigurationChange(_ctx, config) {
      await this.api.kvSet(`config:${copy}:${config.greeting ?? ""}`, mark);
    },
    async OnPluginClusterEvent(_ctx, event) {
      await this.api.kvSet(`event:${copy}:${event.id}`, event.data ?? mark);
    },
    async ServeHTTP(_ctx, request) {
      const url = new URL(request.url);
      const route = url.pathname.split("/").pop();
      if (route === "whoami") return Response.json({ copy });
      if (route === "publish") {
        const target = url.searchParams.get("target") ?? "";
        await this.api.publishPluginClusterEvent(
          { id: url.searchParams.get("id") ?? "", data: new TextEncoder().encode(copy) },
          { targetId: target },
        );
        return Response.json({ published: true });
      }
      if (route === "count") {
        const times = Number(url.searchParams.get("times") ?? "1");
        let retries = 0;
        for (let i = 0; i < times; i++) {
          for (;;) {
            const old = await this.api.kvGet("counter");
            const next = String(
              Number(old === undefined ? "0" : new TextDecoder().decode(old)) + 1,
            );
            const options = { atomic: true, ...(old === undefined ? {} : { oldValue: old }) };
            if (
              await this.api.kvSetWithOptions("counter", new TextEncoder().encode(next), options)
            ) {
              break;
            }
            retries += 1;
          }
        }
        return Response.json({ retries });
      }
      if (route === "counter") {
        const value = await this.api.kvGet("counter");
        return Response.json({
          value: value === undefined ? 0 : Number(new TextDecoder().decode(value)),
        });
      }
      if (route === "keys") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = [];
        for (let page = 0; ; page++) {
          const batch = await this.api.kvList({ page, perPage: 200 });
          keys.push(...batch.filter((key) => key.startsWith(prefix)));
          if (batch.length < 200) break;
        }
        return Response.json(keys.sort());
      }
      return new Response("not found", { status: 404 });
    },
  }),
);
