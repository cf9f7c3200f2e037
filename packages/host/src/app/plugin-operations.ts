// What plugins own on the host besides KV data and slash commands (command-operations.ts):
// their settings, bot accounts and cluster events. Each is namespaced by plugin id, which callers take from the plugin's
// token, never from a request.
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  AlreadyExistsError,
  asPluginAPIError,
  PluginAPIError,
  UnavailableError,
} from "@plugwire/errors";
import {
  type PluginClusterEvent,
  PluginClusterEventSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { KeyedQueue } from "./keyed-queue.js";
import { orMissing } from "./session-operations.js";
import type { Users } from "./user-operations.js";

/** A bot account as a plugin asks for it. */
export interface BotRequest {
  username: string;
  displayName: string;
  description: string;
}

export interface PluginOperations extends Pick<Store, "getPluginConfig"> {
  /**
   * Saves a plugin's settings, then calls the running plugin's OnConfigurationChange and waits
   * for it. When the plugin answers with an error (a ValidationError, usually) the settings
   * before the save are put back and the error is thrown with the plugin's message, so a value
   * the plugin can't run with is never kept; a plugin that is not active reads them at start.
   */
  savePluginConfig(actor: Actor, pluginId: string, config: JsonObject): Promise<void>;
  /**
   * The user id of the plugin's bot with this username, created when missing; an existing bot
   * takes the display name and description asked for, as Mattermost's EnsureBot does.
   * AlreadyExistsError when a person or another plugin's bot has the username.
   */
  ensureBotUser(actor: Actor, pluginId: string, bot: BotRequest): Promise<string>;
  /** Sends a cluster event to the plugin's instances on other hosts. */
  publishPluginClusterEvent(
    actor: Actor,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): Promise<void>;
}

export class Plugins implements Omit<PluginOperations, "getPluginConfig"> {
  /**
   * EnsureBotUser calls of each plugin run one at a time, so two concurrent calls for one
   * username can't both see it free and have the second fail on creating it.
   */
  private readonly ensuring = new KeyedQueue();

  constructor(
    private readonly core: AppCore,
    private readonly users: Users,
  ) {}

  async savePluginConfig(_actor: Actor, pluginId: string, config: JsonObject): Promise<void> {
    const { store } = this.core;
    const previous = await store.getPluginConfig(pluginId);
    await store.savePluginConfig(pluginId, config);
    const target = this.core.hooks.get(pluginId);
    try {
      await target?.callHook("OnConfigurationChange", { config });
    } catch (reason) {
      const error = asPluginAPIError(reason);
      // A plugin that is not running reads its settings when it starts.
      if (!(error instanceof UnavailableError)) {
        await store.savePluginConfig(pluginId, previous);
        throw settingsRejected(pluginId, error);
      }
    }
    // The plugin's copies on the other hosts hear of the settings this one accepted.
    this.core.broadcast({ type: "plugin_changed", pluginId, change: "configured" });
  }

  /** Another host saved the plugin's settings: this host's copy hears of them too. */
  async clusterConfigurationChanged(pluginId: string): Promise<void> {
    const target = this.core.hooks.get(pluginId);
    if (!target?.implements("OnConfigurationChange")) return;
    const config = await this.core.store.getPluginConfig(pluginId);
    await target.callHook("OnConfigurationChange", { config });
  }

  async ensureBotUser(actor: Actor, pluginId: string, bot: BotRequest): Promise<string> {
    return this.ensuring.run(pluginId, () => this.ensureBot(actor, pluginId, bot));
  }

  async publishPluginClusterEvent(
    _actor: Actor,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): Promise<void> {
    this.core.broadcast(
      {
        type: "plugin_event",
        pluginId,
        id: event.id,
        data: Buffer.from(event.data).toString("base64"),
      },
      targetHostId || undefined,
    );
  }

  /** Delivers a cluster event from another host to this host's instance of the plugin. */
  deliverClusterEvent(pluginId: string, id: string, data: string): void {
    const event = create(PluginClusterEventSchema, { id, data: Buffer.from(data, "base64") });
    const target = this.core.hooks.get(pluginId);
    if (target?.implements("OnPluginClusterEvent")) {
      this.core.track(
        target.callHook("OnPluginClusterEvent", { context: contextOf({}), event }).then(
          () => undefined,
          (error: unknown) => this.core.hookFailed("OnPluginClusterEvent", pluginId, error),
        ),
      );
    }
  }

  private async ensureBot(actor: Actor, pluginId: string, request: BotRequest): Promise<string> {
    const { store } = this.core;
    const { username } = request;
    const ownedId = await store.getBotUserId(pluginId, username);
    if (ownedId !== undefined) {
      const bot = await store.getUser(ownedId);
      if (bot.firstName !== request.displayName || bot.botDescription !== request.description) {
        await this.users.updateUser(
          actor,
          create(UserSchema, {
            ...bot,
            firstName: request.displayName,
            botDescription: request.description,
          }),
        );
      }
      return ownedId;
    }
    const holder = await store.getUserByUsername(username).catch(orMissing);
    if (holder !== undefined) {
      throw usernameTaken(username, holder);
    }
    const bot = await this.users.createUser(
      actor,
      create(UserSchema, {
        username,
        firstName: request.displayName,
        botDescription: request.description,
        isBot: true,
        roles: "system_user",
      }),
    );
    await store.setBotOwner(bot.id, pluginId);
    return bot.id;
  }
}

function usernameTaken(username: string, holder: User): AlreadyExistsError {
  const whose = holder.isBot ? "a bot this plugin does not own" : "a person's account";
  return new AlreadyExistsError({
    id: "api.ensure_bot_user.username_taken",
    message: `The username "${username}" belongs to ${whose}; choose another bot username.`,
    params: { field: "username", username },
  });
}

/**
 * The error a save answers with when the plugin's OnConfigurationChange refused the settings:
 * the plugin's error class (ValidationError is a 400) and its own message, without the hook
 * names the SDK and the hook client put before it.
 */
function settingsRejected(pluginId: string, error: PluginAPIError): PluginAPIError {
  const errorClass = error.constructor as typeof PluginAPIError;
  return new errorClass(
    {
      id: error.id,
      message: `Plugin ${pluginId} refused these settings, so they were not saved: ${pluginMessage(error, "OnConfigurationChange")}`,
      detailedError: error.detailedError,
      statusCode: error.statusCode,
      where: error.where,
      params: { ...error.params, plugin_id: pluginId },
      cause: error,
    },
    error.code,
  );
}

/** What the plugin's handler of `hook` said, below the hook client's and the SDK's prefixes. */
export function pluginMessage(error: PluginAPIError, hook: string): string {
  const inner = error.cause instanceof PluginAPIError ? error.cause : error;
  const sdkPrefix = `${hook} failed: `;
  return inner.message.startsWith(sdkPrefix)
    ? inner.message.slice(sdkPrefix.length)
    : inner.message;
}
