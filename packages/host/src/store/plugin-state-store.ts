import type { JsonObject } from "@bufbuild/protobuf";

/** What the host keeps about each plugin: its settings, whether it is enabled, who installed it. */
export interface PluginStateStore {
  getPluginConfig(pluginId: string): Promise<JsonObject>;
  savePluginConfig(pluginId: string, config: JsonObject): Promise<void>;

  /** Whether each plugin the host has seen is enabled, by plugin id. */
  getPluginStates(): Promise<Map<string, boolean>>;
  setPluginEnabled(pluginId: string, enabled: boolean): Promise<void>;
  /** Forgets a removed plugin's enabled state (its settings and KV stay unless deleted too). */
  deletePluginState(pluginId: string): Promise<void>;
  /**
   * Records who installed a plugin ("" for the system), for its OnInstall on first activation;
   * a plugin without a state yet is recorded as disabled.
   */
  setPluginInstaller(pluginId: string, userId: string): Promise<void>;
  /** Who installed the plugin, if OnInstall is still owed, and forgets it: it is told once. */
  takePluginInstaller(pluginId: string): Promise<string | undefined>;
}
