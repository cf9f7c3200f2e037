// Calls the PluginAPI client method a test names, over the real socket: "/people <method>
// <JSON array of arguments>" answers with the JSON of the result (bytes as {length, head}), or
// of the error ({error, message, field}), so a test drives the API through a real process.
import { definePlugin, runPlugin } from "@plugwire/sdk";

// structuredClone keeps each model's own fields (camelCase, as the plugin reads them) rather
// than the v4 JSON its toJSON would write.
function json(value) {
  return JSON.stringify(structuredClone(value), (_key, v) => {
    if (v instanceof Uint8Array) return { length: v.length, head: [...v.subarray(0, 4)] };
    return v;
  });
}

runPlugin(
  definePlugin({
    async OnActivate() {
      await this.api.registerCommand({ trigger: "people" });
    },
    async ExecuteCommand(_ctx, args) {
      const [, method = "", ...rest] = args.command.split(" ");
      const params = JSON.parse(rest.join(" ") || "[]").map((arg) =>
        arg && typeof arg === "object" && "bytes" in arg ? new Uint8Array(arg.bytes) : arg,
      );
      try {
        const result = await this.api[method](...params);
        return { text: json({ result: result ?? null }) };
      } catch (error) {
        return {
          text: json({ error: error.name, message: error.message, field: error.params?.field }),
        };
      }
    },
  }),
);
