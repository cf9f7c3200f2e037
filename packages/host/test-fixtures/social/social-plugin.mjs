// The social specs' plugin, run as a real process. POST /plugins/test.social/call/<method> with
// a JSON array of arguments calls `this.api.<method>(...args)` (the SDK's typed method, over
// the real socket) and answers {result} or {error: {name, id, message, params}}; 64-bit numbers
// come back as JSON numbers. It records ReactionHasBeenAdded, ReactionHasBeenRemoved and
// PreferencesHaveChanged into its KV store under "record:<n>", as the recorder plugin does.
import { definePlugin, PluginAPIError, runPlugin } from "@plugwire/sdk";

let recorded = 0;

// structuredClone keeps each model's own fields (camelCase, as the plugin reads them) rather
// than the v4 JSON its toJSON would write.
const toJson = (value) => JSON.stringify(structuredClone(value));

async function record(plugin, hook, ctx, args) {
  recorded += 1;
  const entry = { hook, context: { requestId: ctx.requestId, userId: ctx.userId }, args };
  await plugin.api.kvSet(
    `record:${String(recorded).padStart(6, "0")}`,
    new TextEncoder().encode(toJson(entry)),
  );
}

runPlugin(
  definePlugin({
    async ReactionHasBeenAdded(ctx, reaction) {
      await record(this, "ReactionHasBeenAdded", ctx, { reaction });
    },
    async ReactionHasBeenRemoved(ctx, reaction) {
      await record(this, "ReactionHasBeenRemoved", ctx, { reaction });
    },
    async PreferencesHaveChanged(ctx, preferences) {
      await record(this, "PreferencesHaveChanged", ctx, { preferences });
    },

    async ServeHTTP(_ctx, request) {
      const method = new URL(request.url).pathname.replace(/^\/call\//, "");
      const args = JSON.parse((await request.text()) || "[]");
      try {
        const result = await this.api[method](...args);
        return new Response(toJson({ result: result ?? null }), {
          headers: { "content-type": "application/json" },
        });
      } catch (error) {
        const { name, message } = error;
        const fields =
          error instanceof PluginAPIError ? { id: error.id, params: error.params } : {};
        return new Response(toJson({ error: { name, message, ...fields } }), {
          headers: { "content-type": "application/json" },
        });
      }
    },
  }),
);
