// The server configuration as the application layer serves it: read (sanitised for plugins'
// GetConfig and the REST API, whole for GetUnsanitizedConfig), and saved the one way every
// caller goes (SaveConfig from a plugin, PUT /api/v4/config and /config/patch): checked, passed
// through each plugin's ConfigurationWillBeSaved (which may refuse it or change it), written
// to the store, so a restart keeps it, and announced to the other hosts of the cluster, which
// read it again from the store; then every plugin's OnConfigurationChange runs, on each host.
import type { JsonObject } from "@bufbuild/protobuf";
import {
  asPluginAPIError,
  type PluginAPIError,
  TimeoutError,
  UnavailableError,
} from "@plugwire/errors";
import { CONFIGURATION } from "../store/system-store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { KeyedQueue } from "./keyed-queue.js";
import { pluginMessage } from "./plugin-operations.js";
import type { SaveMode, ServerConfig } from "./server-config.js";

const HOOK = "ConfigurationWillBeSaved";

export interface ConfigOperations {
  /** The server configuration in Mattermost's shape, its secrets replaced by "********". */
  getConfig(): JsonObject;
  /** The server configuration with its secrets: for plugins, which are server code. */
  getUnsanitizedConfig(): JsonObject;
  /**
   * Saves the configuration `config` asks for and answers the saved one, secrets included.
   * "replace" (the default) takes `config` as the whole configuration; "patch" changes only
   * the settings it has. Refused: a setting of the wrong type or an invalid value (400), a
   * change to a setting that can't change at run time (403), a plugin's
   * ConfigurationWillBeSaved error (with the plugin's message).
   */
  saveConfig(actor: Actor, config: JsonObject, mode?: SaveMode): Promise<JsonObject>;
}

export class Configuration implements ConfigOperations {
  /** Saves run one at a time, each on the configuration the last one left. */
  private readonly saving = new KeyedQueue();

  constructor(private readonly core: AppCore) {}

  getConfig(): JsonObject {
    return this.core.config.sanitized();
  }

  getUnsanitizedConfig(): JsonObject {
    return this.core.config.unsanitized();
  }

  /** Fixes settings for the rest of the run (see ServerConfig.withFixed). */
  fix(settings: JsonObject): void {
    this.core.config = this.core.config.withFixed(settings);
  }

  /** Reads the saved settings from the store: at start, and when another host saved them. */
  async load(): Promise<void> {
    const stored = await this.core.store.getSystemValue(CONFIGURATION);
    this.core.config = this.core.config.withStored(parseStored(stored));
  }

  saveConfig(actor: Actor, config: JsonObject, mode: SaveMode = "replace"): Promise<JsonObject> {
    return this.saving.run("config", async () => {
      const asked = this.core.config.applied(config, mode);
      const next = await this.passPlugins(asked);
      await this.core.store.setSystemValue(CONFIGURATION, JSON.stringify(next.toStored()));
      this.core.config = next;
      this.core.log.info("server configuration saved", {
        userId: actor.userId,
        pluginId: actor.pluginId,
      });
      this.core.broadcast({ type: "config_changed" });
      await this.tellPlugins();
      return next.unsanitized();
    });
  }

  /** Another host saved the configuration: read it again, and tell this host's plugins. */
  clusterConfigChanged(): void {
    this.core.track(
      this.load()
        .then(() => this.tellPlugins())
        .catch((error: unknown) => {
          this.core.log.warn(
            `reading the configuration another host saved failed: ${String(error)}`,
          );
        }),
    );
  }

  /**
   * As Mattermost's configuration listener does: every running plugin's OnConfigurationChange
   * runs (with its own settings, which it may read the server configuration beside). Their
   * answers are waited for; a refusal or failure is logged and undoes nothing, since the
   * server configuration is not theirs to refuse (ConfigurationWillBeSaved is).
   */
  private async tellPlugins(): Promise<void> {
    const hook = "OnConfigurationChange";
    await Promise.all(
      [...this.core.hooks.implementing(hook)].map(async (target) => {
        try {
          const config = await this.core.store.getPluginConfig(target.pluginId);
          await target.callHook(hook, { config });
        } catch (error) {
          this.core.hookFailed(hook, target.pluginId, error);
        }
      }),
    );
  }

  /**
   * Each plugin implementing ConfigurationWillBeSaved, in dispatch order, sees the
   * configuration the previous one left and may change it (its answer is checked as a save's
   * input is) or refuse it. A plugin that is down or misses its deadline is logged and skipped,
   * so one broken plugin does not stop every save.
   */
  private async passPlugins(config: ServerConfig): Promise<ServerConfig> {
    let current = config;
    for (const target of this.core.hooks.implementing(HOOK)) {
      let answer: JsonObject | undefined;
      try {
        answer = (await target.callHook(HOOK, { newConfig: current.unsanitized() }))?.config;
      } catch (reason) {
        const error = asPluginAPIError(reason);
        if (error instanceof UnavailableError || error instanceof TimeoutError) {
          this.core.hookFailed(HOOK, target.pluginId, error);
          continue;
        }
        throw configurationRefused(target.pluginId, error);
      }
      if (answer !== undefined) current = current.applied(answer, "patch");
    }
    return current;
  }
}

/** The saved settings; a value the store holds that is not a JSON object counts as none. */
function parseStored(stored: string | undefined): JsonObject {
  if (stored === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(stored);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as JsonObject)
      : {};
  } catch {
    return {};
  }
}

/** The plugin's refusal as the save's answer: its error class and id, its own message. */
function configurationRefused(pluginId: string, error: PluginAPIError): PluginAPIError {
  const errorClass = error.constructor as typeof PluginAPIError;
  return new errorClass(
    {
      id: error.id || "app.save_config.plugin_hook_error",
      message: `Plugin ${pluginId} refused the configuration, so it was not saved: ${pluginMessage(error, HOOK)}`,
      detailedError: error.detailedError,
      statusCode: error.statusCode,
      where: error.where,
      params: { ...error.params, plugin_id: pluginId },
      cause: error,
    },
    error.code,
  );
}
