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
  const json: JsonObject = {
    id: manifest.id,
    name: manifest.name,
    description: manifest.description,
    version: manifest.version,
    server: { executable: manifest.server.executableRelative },
  };
  if (manifest.minServerVersion) json.min_server_version = manifest.minServerVersion;
  if (manifest.settingsSchema) json.settings_schema = manifest.settingsSchema;
  return json;
}
