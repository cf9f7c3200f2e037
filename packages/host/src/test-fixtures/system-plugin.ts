// A real plugin for the specs of the Plugin API's system calls (plugins calling plugins, plugin
// management, configuration, mail): plain JavaScript on the built SDK (build first), whose
// HTTP routes each make one kind of call and answer what came back, as JSON.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const sdkEntry = fileURLToPath(new URL("../../../sdk/dist/index.js", import.meta.url));

export interface SystemPluginOptions {
  id: string;
  /** The manifest's settings_schema. */
  settingsSchema?: unknown;
}

/** Writes plugin.json and server/plugin.mjs into `dir` (created if missing); returns `dir`. */
export async function writeSystemPlugin(
  dir: string,
  options: SystemPluginOptions,
): Promise<string> {
  await mkdir(join(dir, "server"), { recursive: true });
  const manifest = {
    id: options.id,
    name: `System plugin ${options.id}`,
    description: "Calls the system part of the Plugin API",
    version: "1.2.3",
    server: { executable: "server/plugin.mjs" },
    ...(options.settingsSchema === undefined ? {} : { settings_schema: options.settingsSchema }),
  };
  await writeFile(join(dir, "plugin.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "server", "plugin.mjs"), source);
  return dir;
}

const source = `// Written by system-plugin.ts.
import { definePlugin, runPlugin, ValidationError } from ${JSON.stringify(pathToFileURL(sdkEntry).href)};

const failure = (error) => ({ error: error.constructor.name, id: error.id, message: error.message });

runPlugin(
  definePlugin({
    OnActivate() {
      // As many Mattermost plugins do: refuse to start on settings they can't run with.
      if (this.config.Greeting === "") {
        throw new ValidationError({ message: "Greeting must not be empty." });
      }
    },
    OnConfigurationChange(_ctx, config) {
      if (config.Greeting === "") {
        throw new ValidationError({ message: "Greeting must not be empty." });
      }
      this.logger.info("OnConfigurationChange", { config });
    },
    // Refuses a configuration whose EmailSettings.FeedbackName is "refuse"; for "amend", saves
    // it with another name instead.
    ConfigurationWillBeSaved(_ctx, config) {
      const name = config.EmailSettings?.FeedbackName;
      if (name === "refuse") {
        throw new ValidationError({ message: "FeedbackName may not be refuse." });
      }
      if (name === "amend") {
        return { ...config, EmailSettings: { ...config.EmailSettings, FeedbackName: "Amended by the plugin" } };
      }
      return undefined;
    },
    async ServeHTTP(ctx, request) {
      const url = new URL(request.url);
      const q = (name) => url.searchParams.get(name) ?? "";
      const api = this.api;
      try {
        switch (url.pathname) {
          case "/hello":
            return Response.json({
              caller: request.headers.get("mattermost-plugin-id"),
              depth: request.headers.get("plugwire-plugin-depth"),
              userId: request.headers.get("mattermost-user-id"),
              method: request.method,
              path: url.pathname + url.search,
              body: await request.text(),
            });
          case "/call": {
            const response = await api.pluginHTTP(q("path"), {
              method: "POST",
              body: "hi there",
              headers: { "mattermost-user-id": "user-of-the-caller", "x-custom": "kept" },
            });
            return Response.json({ status: response.status, body: await response.json() });
          }
          case "/loop": {
            // Calls the other plugin's /loop, which calls this one's back, and so on.
            const depth = Number(request.headers.get("plugwire-plugin-depth") ?? 0);
            try {
              const next = await api.pluginHTTP("/" + q("other") + "/loop?other=" + q("self") + "&self=" + q("other"));
              return Response.json({ depth, next: await next.json() });
            } catch (error) {
              return Response.json({ depth, ...failure(error) });
            }
          }
          case "/slow":
            this.logger.info("slow started");
            await new Promise((resolve) => request.signal.addEventListener("abort", resolve));
            this.logger.info("slow cancelled");
            return new Response("too late");
          case "/relay":
            // No deadline of its own: the one of the request it serves applies.
            return await api.pluginHTTP(q("path"));
          case "/call-with-deadline": {
            const started = Date.now();
            try {
              await api.pluginHTTP(q("path"), { timeoutMs: Number(q("ms")) });
              return Response.json({ answered: true });
            } catch (error) {
              return Response.json({ ...failure(error), elapsed: Date.now() - started });
            }
          }
          case "/plugins":
            return Response.json({
              manifests: await api.getPlugins(),
              statuses: (await api.getPluginStatuses()).map((s) => ({ id: s.pluginId, state: s.state, version: s.version })),
              other: q("other") ? await api.getPluginStatus(q("other")) : null,
              bundlePath: await api.getBundlePath(),
              license: await api.getLicense(),
              enterpriseReady: await api.isEnterpriseReady(),
            });
          case "/manage":
            if (q("op") === "enable") await api.enablePlugin(q("id"));
            if (q("op") === "disable") await api.disablePlugin(q("id"));
            if (q("op") === "remove") await api.removePlugin(q("id"));
            if (q("op") === "status") return Response.json(await api.getPluginStatus(q("id")));
            return Response.json({ done: q("op") });
          case "/config":
            return Response.json({ sanitized: await api.getConfig(), unsanitized: await api.getUnsanitizedConfig() });
          case "/save-config":
            await api.saveConfig(await request.json());
            return Response.json({ saved: await api.getUnsanitizedConfig() });
          case "/install":
            return Response.json(
              await api.installPlugin(new Uint8Array(await request.arrayBuffer()), { replace: q("replace") === "true" }),
            );
          default:
            return new Response("no such route", { status: 404 });
        }
      } catch (error) {
        return Response.json(failure(error), { status: 500 });
      }
    },
  }),
);
`;
