// The console specs' settings plugin: one setting of every type (see plugin.json). It logs
// the configuration it receives and keeps it in its KV store under "config"; it refuses a
// Greeting with the word "forbidden" from OnConfigurationChange. GET /log?msg=… logs msg at
// info level, so a spec can make a log line arrive when it wants.
import { definePlugin, runPlugin, ValidationError } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async OnConfigurationChange(_ctx, config) {
      if (String(config.Greeting ?? "").includes("forbidden")) {
        throw new ValidationError({
          message: "Greeting may not contain the word forbidden.",
          params: { field: "Greeting" },
        });
      }
      this.logger.info(`configuration received: Greeting=${config.Greeting}`);
      await this.api.kvSet("config", new TextEncoder().encode(JSON.stringify(config)));
    },
    async ServeHTTP(_ctx, request) {
      const url = new URL(request.url);
      if (url.pathname === "/log") {
        const msg = url.searchParams.get("msg") ?? "";
        const level = url.searchParams.get("level") ?? "info";
        this.logger[level](msg);
        return new Response(null, { status: 204 });
      }
      return new Response("not found", { status: 404 });
    },
  }),
);
