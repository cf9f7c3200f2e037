// A loaded plugin as Mattermost's models write it, for the REST API and the Plugin API alike:
// the manifest as model.Manifest JSON (the file's fields, none of the host's paths) and the
// lifecycle as model.PluginStatus's state number.
import type { JsonObject } from "@bufbuild/protobuf";
import type { PluginState } from "../supervisor/supervisor.js";
import type { PluginManifest } from "./manifest.js";

/** Mattermost's PluginState numbers: not running, starting, running, failed to start. */
const MATTERMOST_STATES: Record<PluginState, number> = {
  stopped: 0,
  starting: 1,
  restarting: 1,
  active: 2,
  failed: 3,
};

/** The state number of model.PluginStatus for a plugin's lifecycle state. */
export function mattermostPluginState(state: PluginState): number {
  return MATTERMOST_STATES[state];
}

/** The manifest as v4 writes it: the file's fields, none of the host's paths. */
export function manifestJson(manifest: PluginManifest): JsonObject {
  const { server } = manifest;
  return {
    ...commonManifestJson(manifest),
    description: manifest.description,
    ...(server && {
      server: {
        executable: server.executableRelative,
        ...(server.executables && { executables: server.executables }),
      },
    }),
    ...(manifest.webapp && { webapp: { bundle_path: manifest.webapp.bundlePathRelative } }),
    ...(manifest.settingsSchema && { settings_schema: manifest.settingsSchema }),
    ...(manifest.requiredConfiguration && {
      required_configuration: manifest.requiredConfiguration,
    }),
  };
}

/** The fields both forms of the manifest (model.Manifest and ClientManifest) carry, as Mattermost names them. */
export function commonManifestJson(manifest: PluginManifest): JsonObject {
  const json: JsonObject = { id: manifest.id, name: manifest.name, version: manifest.version };
  const optional: [string, string | JsonObject | undefined][] = [
    ["homepage_url", manifest.homepageUrl],
    ["support_url", manifest.supportUrl],
    ["release_notes_url", manifest.releaseNotesUrl],
    ["icon_path", manifest.iconPath],
    ["min_server_version", manifest.minServerVersion],
    ["props", manifest.props],
  ];
  for (const [field, value] of optional) if (value !== undefined) json[field] = value;
  return json;
}
