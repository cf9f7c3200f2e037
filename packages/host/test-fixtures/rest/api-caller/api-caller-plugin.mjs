// A real plugin process that calls, through the SDK's PluginAPIClient, the method a test names:
// POST /plugins/test.apicaller/call with {"method": "getPostThread", "args": [...]} answers
// {"result": ...} or {"error": {"name", "message", "params"}}. Int64 values come back as numbers.
import { definePlugin, runPlugin } from "@plugwire/sdk";

// structuredClone keeps each model's own fields (camelCase, as the plugin reads them) rather
// than the v4 JSON its toJSON would write.
const json = (value) =>
  new Response(JSON.stringify(structuredClone(value)), {
    headers: { "content-type": "application/json" },
  });

runPlugin(
  definePlugin({
    async ServeHTTP(_ctx, request) {
      const { method, args = [] } = await request.json();
      try {
        return json({ result: (await this.api[method](...args)) ?? null });
      } catch (error) {
        return json({ error: { name: error.name, message: error.message, params: error.params } });
      }
    },
  }),
);
