// The base class of every plugin: what a handler reaches through `this`.
import type { JsonObject } from "@bufbuild/protobuf";
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import { Cluster } from "../cluster/cluster.js";
import type { Logger } from "../logger/logger.js";
import type { Manifest } from "./manifest.js";

/** What the SDK constructs a plugin with. A subclass constructor passes it on to super(). */
export interface PluginInit {
  api: PluginAPIClient;
  logger: Logger;
  manifest: Manifest;
  /** The configuration to start with; the SDK fetches the real one before OnActivate runs. */
  config?: JsonObject;
}

/** A plugin class runPlugin and createPluginRoutes can instantiate. */
export type PluginClass<P extends Plugin = Plugin> = new (init: PluginInit) => P;

/**
 * Extend this class and register hook handlers on it with `@hook(...)`, or build one from
 * plain functions with definePlugin().
 */
export class Plugin {
  /** The host's API. */
  readonly api: PluginAPIClient;
  /** Structured log, written as JSON lines to stderr for the host. */
  readonly logger: Logger;
  /**
   * Cluster-wide locks and jobs run once per interval, for a plugin whose copies run on every
   * host of a cluster (Mattermost's pluginapi/cluster); freed and stopped when the plugin stops.
   */
  readonly cluster: Cluster;
  /** This plugin's manifest, read from the plugin folder. */
  readonly manifest: Manifest;
  /**
   * This plugin's configuration: set before the OnActivate handler runs (the host sends it with
   * the hook), replaced before the OnConfigurationChange handler runs.
   */
  config: JsonObject;

  constructor(init: PluginInit) {
    this.api = init.api;
    this.logger = init.logger;
    this.cluster = new Cluster(init.api, init.logger);
    this.manifest = init.manifest;
    this.config = init.config ?? {};
  }
}
