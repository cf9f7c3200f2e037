// /api/v4/plugins: plugin management, for system admins only. Settings live at
// /api/v4/plugins/{plugin_id}/config (Plugwire's route: Mattermost keeps them inside the server
// config, PluginSettings.Plugins[id], which this host does not serve): GET answers the settings
// over the schema's defaults, PUT replaces them after checking them against settings_schema.
import type { JsonObject } from "@bufbuild/protobuf";
import { InternalError } from "@plugwire/errors";
import { PluginProcessError, type PluginStatus } from "../../host.js";
import type { PluginManifest } from "../../manifest/manifest.js";
import {
  commonManifestJson,
  manifestJson,
  mattermostPluginState,
} from "../../manifest/manifest-json.js";
import { webappBundleUrl } from "../webapp-files.js";
import { objectBody } from "./body-fields.js";
import { readMultipartForm } from "./multipart-form.js";
import { requireSystemAdmin } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function pluginRoutes(router: Router<RouteHandler>): void {
  const admin =
    (handler: RouteHandler): RouteHandler =>
    async (call) => {
      requireSystemAdmin(call);
      await handler(call);
    };
  router
    .add("GET", "/api/v4/plugins", admin(listPlugins))
    .add(
      "GET",
      "/api/v4/plugins/statuses",
      admin(async (call) => call.send(200, call.host.statuses().map(statusJson))),
    )
    .add("POST", "/api/v4/plugins", admin(uploadPlugin))
    .add(
      "POST",
      "/api/v4/plugins/{plugin_id}/enable",
      admin(async (call) => {
        const pluginId = pluginIdParam(call);
        await call.host.enablePlugin(pluginId).catch((error: unknown) => {
          if (!(error instanceof PluginProcessError)) throw error;
          // The admin enabling the plugin is the one who needs to know why it did not start.
          throw new InternalError({
            id: "app.plugin.activate.app_error",
            message: `Plugin ${pluginId} failed to start: ${error.message}`,
            params: { plugin_id: pluginId, phase: error.phase },
            cause: error,
          });
        });
        call.ok();
      }),
    )
    .add(
      "POST",
      "/api/v4/plugins/{plugin_id}/disable",
      admin(async (call) => {
        await call.host.disablePlugin(pluginIdParam(call));
        call.ok();
      }),
    )
    .add(
      "DELETE",
      "/api/v4/plugins/{plugin_id}",
      admin(async (call) => {
        await call.host.removePlugin(pluginIdParam(call));
        call.ok();
      }),
    )
    .add(
      "GET",
      "/api/v4/plugins/{plugin_id}/config",
      admin(async (call) => call.send(200, await call.host.getPluginSettings(pluginIdParam(call)))),
    )
    .add("PUT", "/api/v4/plugins/{plugin_id}/config", admin(savePluginConfig));
}

/** Mattermost's plugin id rule: letters, digits, ".", "_" and "-"; never a path. */
const PLUGIN_ID = /^(?!\.{1,2}$)[a-zA-Z0-9._-]+$/;

export function pluginIdParam(call: RestCall): string {
  const pluginId = call.param("plugin_id");
  if (!PLUGIN_ID.test(pluginId)) {
    throw invalidUrlParam("plugin_id", `"${pluginId}" is not a plugin id.`);
  }
  return pluginId;
}

/** v4's PluginsResponse: the manifests of active plugins and of all others. */
async function listPlugins(call: RestCall): Promise<void> {
  const statuses = call.host.statuses();
  const manifests = (active: boolean) =>
    statuses
      .filter((status) => (status.state === "active") === active)
      .map((status) => manifestJson(status.manifest));
  call.send(200, { active: manifests(true), inactive: manifests(false) });
}

/**
 * Form fields: `plugin`, the bundle (.tar.gz); `force` "true" replaces an installed plugin, as
 * Mattermost's. `?force=true` in the URL is taken too (curl users write it there).
 */
async function uploadPlugin(call: RestCall): Promise<void> {
  const form = await readMultipartForm(call.req, call.server.maxBodyBytes);
  const bundle = form.get("plugin");
  if (bundle === null || typeof bundle === "string") {
    throw invalidBodyParam(
      "plugin",
      "attach the plugin bundle (.tar.gz) as the file field plugin.",
    );
  }
  const manifest = await call.host.installBundle(
    new Uint8Array(await bundle.arrayBuffer()),
    call.actor(),
    { replace: form.get("force") === "true" || call.url.searchParams.get("force") === "true" },
  );
  call.send(201, manifestJson(manifest));
}

async function savePluginConfig(call: RestCall): Promise<void> {
  const pluginId = pluginIdParam(call);
  const config = objectBody(await call.json()) as JsonObject;
  await call.host.savePluginSettings(call.actor(), pluginId, config);
  call.send(200, await call.host.getPluginSettings(pluginId));
}

/**
 * What Mattermost's web app reads of a plugin with a web app (its ClientManifest): no
 * description, server part or settings; webapp.bundle_path the URL the bundle is served at.
 */
export function clientManifestJson(manifest: PluginManifest): JsonObject {
  return {
    ...commonManifestJson(manifest),
    ...(manifest.webapp && {
      webapp: { bundle_path: webappBundleUrl({ ...manifest, webapp: manifest.webapp }) },
    }),
  };
}

/** v4's PluginStatus. */
function statusJson(status: PluginStatus): JsonObject {
  const json: JsonObject = {
    plugin_id: status.id,
    cluster_id: "",
    plugin_path: status.manifest.dir,
    state: mattermostPluginState(status.state),
    name: status.manifest.name,
    description: status.manifest.description,
    version: status.manifest.version,
  };
  if (status.error) json.error = status.error;
  // Plugwire's own (Mattermost's status has no such fields): how the plugin is confined, since
  // when it runs (ms since the epoch, 0 unless active), its restarts after crashes since it was
  // started, and the last lines its process printed.
  json.sandbox = { ...status.sandbox } as JsonObject;
  json.active_since = status.activeSince?.getTime() ?? 0;
  json.restarts = status.restarts;
  json.last_output = status.lastOutput;
  return json;
}
