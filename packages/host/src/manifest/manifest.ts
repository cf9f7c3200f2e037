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

/** A plugin's web app bundle, which Mattermost's web app loads from the server. */
export interface PluginWebapp {
  /** Absolute path of the bundle, inside the plugin folder (symlinks resolved). */
  bundlePath: string;
  /** The bundle as written in the manifest, relative to the plugin folder. */
  bundlePathRelative: string;
  /** 64-bit FNV-1a hash of the bundle's bytes, 16 hex digits: part of the URL it is served at. */
  bundleHash: string;
}

/** A manifest with a server part: what the host starts as a process. */
export type ServerPluginManifest = PluginManifest & { server: PluginServer };

/** Whether the plugin has a server part to run (a webapp-only plugin has none). */
export function hasServer(manifest: PluginManifest): manifest is ServerPluginManifest {
  return manifest.server !== undefined;
}

/** A plugin's server part: the executable the host starts. */
export interface PluginServer {
  /** Absolute path of the executable, inside the plugin folder (symlinks resolved). */
  executable: string;
  /** The executable as written in the manifest, relative to the plugin folder. */
  executableRelative: string;
  runtime: PluginRuntime;
  /** semver range of Node.js the plugin needs, if stated. */
  nodeVersion?: string;
  /** What a Node plugin asks for beyond the permission model, if anything. */
  permissions?: NodeCapability[];
  /** Mattermost's executables by platform ("linux-amd64": path), as written, if given. */
  executables?: Record<string, string>;
}

export interface PluginManifest {
  /** Reverse-DNS-like id, e.g. "com.example.hello". */
  id: string;
  name: string;
  description: string;
  /** Semantic version of the plugin. */
  version: string;
  /** Lowest host version the plugin runs on, if stated. */
  minServerVersion?: string;
  /**
   * The server part, which the host runs as a process. Absent for a plugin with only a web app
   * (Mattermost's webapp-only plugins): it is active without a process and answers no hook.
   */
  server?: PluginServer;
  /** The web app part, when the plugin has one. */
  webapp?: PluginWebapp;
  /** Mattermost-style settings schema (header, footer, settings, sections), kept as written. */
  settingsSchema?: JsonObject;
  /** Where to learn more about the plugin (an http or https URL), if given. */
  homepageUrl?: string;
  /** Where to report the plugin's problems (an http or https URL), if given. */
  supportUrl?: string;
  /** This release's changelog (an http or https URL), if given. */
  releaseNotesUrl?: string;
  /** The plugin's icon, relative to the plugin folder, as written, if given. */
  iconPath?: string;
  /** Data for other plugins and clients, kept as written. */
  props?: JsonObject;
  /** Mattermost's required_configuration (deprecated there), kept as written; not enforced. */
  requiredConfiguration?: JsonObject;
  /** What was ignored in the manifest (unknown fields), one sentence each; absent when nothing was. */
  warnings?: string[];
  /** Absolute path of the plugin folder (symlinks resolved). */
  dir: string;
  /** Absolute path of the manifest file. */
  file: string;
}
