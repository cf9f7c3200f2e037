// A plugin, run as a real process, that makes the PluginAPI call a request asks for: POST
// /plugins/test.roles/call with {"method": "hasPermissionToTeam", "args": [...]} answers
// {"result": ...} or {"error": {name, id, params}}, as the SDK's typed method returned or threw.
import { definePlugin, runPlugin } from "@plugwire/sdk";

const METHODS = new Set([
  "hasPermissionTo",
  "hasPermissionToTeam",
  "hasPermissionToChannel",
  "rolesGrantPermission",
  "updateUserRoles",
  "updateTeamMemberRoles",
  "updateChannelMemberRoles",
]);

// structuredClone keeps each model's own fields (camelCase, as the plugin reads them) rather
// than the v4 JSON its toJSON would write.
const json = (value) =>
  new Response(JSON.stringify(structuredClone(value)), {
    headers: { "content-type": "application/json" },
  });

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
