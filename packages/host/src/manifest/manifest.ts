// The validated form of a plugin's manifest (plugin.json or plugin.yaml). Produced only by
// loadManifest, which checks every field; the rest of the host trusts it.
import type { JsonObject } from "@bufbuild/protobuf";

/** How the host starts the plugin's server executable. */
export type PluginRuntime = "node" | "executable";

/**
 * What a Node plugin may ask for beyond Node's permission model (manifest `server.permissions`);
 * it gets it only when an admin allows it too.
 */
export type NodeCapability = "child_process" | "worker_threads" | "addons" | "wasi";

export interface PluginManifest {
  /** Reverse-DNS-like id, e.g. "com.example.hello". */
  id: string;
  name: string;
  description: string;
  /** Semantic version of the plugin. */
  version: string;
  /** Lowest host version the plugin runs on, if stated. */
  minServerVersion?: string;
  server: {
    /** Absolute path of the executable, inside the plugin folder (symlinks resolved). */
    executable: string;
    /** The executable as written in the manifest, relative to the plugin folder. */
    executableRelative: string;
    runtime: PluginRuntime;
    /** semver range of Node.js the plugin needs, if stated. */
    nodeVersion?: string;
    /** What a Node plugin asks for beyond the permission model, if anything. */
    permissions?: NodeCapability[];
  };
  /** Mattermost-style settings schema, kept as written. */
  settingsSchema?: JsonObject;
  /** Absolute path of the plugin folder (symlinks resolved). */
  dir: string;
  /** Absolute path of the manifest file. */
  file: string;
}
