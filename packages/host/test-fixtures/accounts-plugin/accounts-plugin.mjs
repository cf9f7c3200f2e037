// A plugin, run as a real process, that makes the PluginAPI call a request asks for: POST
// /plugins/test.accounts/call with {"method": "createBot", "args": [...]} answers
// {"result": ...} or {"error": {name, id, params}}, as the SDK's typed method returned or threw.
import { definePlugin, runPlugin } from "@plugwire/sdk";

const METHODS = new Set([
  "createBot",
  "patchBot",
  "getBot",
  "getBots",
  "updateBotActive",
  "permanentDeleteBot",
  "createPost",
  "getSession",
  "createSession",
  "extendSessionExpiry",
  "revokeSession",
  "createUserAccessToken",
  "revokeUserAccessToken",
  "logAuditRec",
  "logAuditRecWithLevel",
]);

const json = (value) =>
  new Response(
    JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? Number(v) : v)),
    { headers: { "content-type": "application/json" } },
  );

runPlugin(
  definePlugin({
    async ServeHTTP(_ctx, request) {
      const { method, args } = await request.json();
      if (!METHODS.has(method)) return json({ error: { name: "unknown method" } });
      try {
        return json({ result: await this.api[method](...args) });
      } catch (error) {
        return json({ error: { name: error.name, id: error.id, params: error.params } });
      }
    },
  }),
);
