// The PluginAPI as one plugin sees it. Reads go to the Store; writes that Mattermost
// surrounds with hooks go through the App with the plugin as the actor, so a plugin's post
// takes the same path as a person's; writes without hooks go to the Store. Everything the
// plugin keeps (KV keys, commands, bots, settings) is namespaced by deps.pluginId, which the
// server knows from the plugin's token, never from the request.
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import {
  ChannelSchema,
  type EnsureBotUserRequest,
  type PluginAPI,
  PostSchema,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import type { FileStore } from "../store/file-store.js";
import type { Store } from "../store/store.js";
import { DEFAULT_MAX_UPLOAD_BYTES, receiveUpload, sendFile } from "./file-transfer.js";
import {
  commandTrigger,
  expiryOf,
  kvKey,
  pageOf,
  required,
  requiredMessage,
} from "./request-validation.js";

/** Most keys one KVGetMany may ask for. */
export const MAX_KV_GET_MANY_KEYS = 1000;

export interface PluginApiServiceDeps {
  /** The calling plugin, as identified by its token. */
  pluginId: string;
  store: Store;
  files: FileStore;
  app: App;
  /** The host's version, e.g. "9.5.0". */
  serverVersion: string;
  /** The server configuration, already stripped of every secret. */
  serverConfig: () => JsonObject;
  /** Largest file UploadFile accepts, in bytes; 100 MiB unless set. */
  maxUploadBytes?: number;
  /** The clock KV expiry is computed with, in ms since the epoch; Date.now unless set. */
  now?: () => number;
}

/** The PluginAPI implementation for one plugin. */
export function createPluginApiService(deps: PluginApiServiceDeps): ServiceImpl<typeof PluginAPI> {
  const { pluginId, store, files, app } = deps;
  const actor: Actor = { pluginId };
  const now = deps.now ?? Date.now;
  const maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  // The bot this plugin ensured last: the uploader recorded for its files.
  let botUserId = "";
  // EnsureBotUser calls run one at a time, so two concurrent calls for one username can't
  // both see it free and have the second fail on creating it.
  let ensuring: Promise<unknown> = Promise.resolve();

  async function ensureBotUser(request: EnsureBotUserRequest): Promise<string> {
    const username = required(request.username, "username");
    const ownedId = await store.getBotUserId(pluginId, username);
    if (ownedId !== undefined) {
      const bot = await store.getUser(ownedId);
      // As Mattermost's EnsureBot does, the existing bot takes the display name and description asked for.
      if (bot.firstName !== request.displayName || bot.botDescription !== request.description) {
        await store.updateUser(
          create(UserSchema, {
            ...bot,
            firstName: request.displayName,
            botDescription: request.description,
          }),
        );
      }
      return ownedId;
    }
    const holder = await store.getUserByUsername(username).catch((error: unknown) => {
      if (error instanceof NotFoundError) {
        return undefined;
      }
      throw error;
    });
    if (holder !== undefined) {
      throw usernameTaken(username, holder);
    }
    const bot = await app.createUser(
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

  return {
    getServerVersion: () => ({ version: deps.serverVersion }),
    getConfig: () => ({ config: deps.serverConfig() }),
    getPluginConfig: async () => ({ config: await store.getPluginConfig(pluginId) }),
    savePluginConfig: async (request) => {
      await app.savePluginConfig(actor, pluginId, request.config ?? {});
      return {};
    },

    getUser: async (request) => ({
      user: await store.getUser(required(request.userId, "user_id")),
    }),
    getUserByUsername: async (request) => ({
      user: await store.getUserByUsername(required(request.username, "username")),
    }),
    getUserByEmail: async (request) => ({
      user: await store.getUserByEmail(required(request.email, "email")),
    }),
    getUsers: async (request) => {
      if (request.activeOnly && request.inactiveOnly) {
        throw requestConflict(
          "inactive_only",
          "active_only and inactive_only exclude each other; set one.",
        );
      }
      const users = await store.getUsers({
        ...pageOf(request.paging),
        inTeamId: request.inTeamId || undefined,
        inChannelId: request.inChannelId || undefined,
        active: request.activeOnly ? true : request.inactiveOnly ? false : undefined,
      });
      return { users };
    },
    getUsersByIds: async (request) => ({ users: await store.getUsersByIds(request.userIds) }),
    createUser: async (request) => {
      const user = requiredMessage(request.user, "user");
      const created = await app.createUser(
        actor,
        create(UserSchema, { ...user, id: "", createAt: 0n, updateAt: 0n }),
        request.password || undefined,
      );
      return { user: created };
    },
    updateUser: async (request) => {
      const user = requiredMessage(request.user, "user");
      required(user.id, "user.id");
      return { user: await store.updateUser(user) };
    },
    deactivateUser: async (request) => {
      await app.deactivateUser(actor, required(request.userId, "user_id"));
      return {};
    },

    getTeam: async (request) => ({
      team: await store.getTeam(required(request.teamId, "team_id")),
    }),
    getTeamByName: async (request) => ({
      team: await store.getTeamByName(required(request.name, "name")),
    }),
    getTeams: async (request) => ({ teams: await store.getTeams(pageOf(request.paging)) }),
    createTeam: async (request) => {
      const team = requiredMessage(request.team, "team");
      return {
        team: await store.createTeam(
          create(TeamSchema, { ...team, id: "", createAt: 0n, updateAt: 0n }),
        ),
      };
    },
    getTeamMembers: async (request) => ({
      members: await store.getTeamMembers(
        required(request.teamId, "team_id"),
        pageOf(request.paging),
      ),
    }),
    addTeamMember: async (request) => ({
      member: await app.addTeamMember(
        actor,
        required(request.teamId, "team_id"),
        required(request.userId, "user_id"),
      ),
    }),
    removeTeamMember: async (request) => {
      // The requestor, when named, is the user the UserHasLeftTeam hook reports as the actor.
      await app.removeTeamMember(
        { ...actor, userId: request.requestorId || undefined },
        required(request.teamId, "team_id"),
        required(request.userId, "user_id"),
      );
      return {};
    },

    getChannel: async (request) => ({
      channel: await store.getChannel(required(request.channelId, "channel_id")),
    }),
    getChannelByName: async (request) => ({
      channel: await store.getChannelByName(
        required(request.teamId, "team_id"),
        required(request.name, "name"),
        request.includeDeleted,
      ),
    }),
    createChannel: async (request) => {
      const channel = requiredMessage(request.channel, "channel");
      const created = await app.createChannel(
        actor,
        create(ChannelSchema, {
          ...channel,
          id: "",
          createAt: 0n,
          updateAt: 0n,
          lastPostAt: 0n,
          totalMsgCount: 0n,
        }),
      );
      return { channel: created };
    },
    updateChannel: async (request) => {
      const channel = requiredMessage(request.channel, "channel");
      required(channel.id, "channel.id");
      return { channel: await store.updateChannel(channel) };
    },
    deleteChannel: async (request) => {
      await store.deleteChannel(required(request.channelId, "channel_id"));
      return {};
    },
    getChannelMembers: async (request) => ({
      members: await store.getChannelMembers(
        required(request.channelId, "channel_id"),
        pageOf(request.paging),
      ),
    }),
    addChannelMember: async (request) => ({
      member: await app.addChannelMember(
        actor,
        required(request.channelId, "channel_id"),
        required(request.userId, "user_id"),
      ),
    }),
    removeChannelMember: async (request) => {
      await app.removeChannelMember(
        actor,
        required(request.channelId, "channel_id"),
        required(request.userId, "user_id"),
      );
      return {};
    },
    getDirectChannel: async (request) => ({
      channel: await store.getOrCreateDirectChannel(
        required(request.userId1, "user_id_1"),
        required(request.userId2, "user_id_2"),
      ),
    }),

    getPost: async (request) => ({
      post: await store.getPost(required(request.postId, "post_id")),
    }),
    createPost: async (request) => {
      const post = requiredMessage(request.post, "post");
      required(post.channelId, "post.channel_id");
      required(post.userId, "post.user_id");
      // Ids, times and thread counters are the host's to assign.
      const created = await app.createPost(
        actor,
        create(PostSchema, {
          ...post,
          id: "",
          createAt: 0n,
          updateAt: 0n,
          editAt: 0n,
          deleteAt: 0n,
          replyCount: 0n,
          lastReplyAt: 0n,
        }),
      );
      return { post: created };
    },
    updatePost: async (request) => {
      const post = requiredMessage(request.post, "post");
      required(post.id, "post.id");
      return { post: await app.updatePost(actor, post) };
    },
    deletePost: async (request) => {
      await app.deletePost(actor, required(request.postId, "post_id"));
      return {};
    },
    getPostsForChannel: async (request) => ({
      posts: await store.getPostsForChannel(
        required(request.channelId, "channel_id"),
        pageOf(request.paging),
      ),
    }),
    sendEphemeralPost: async (request) => {
      const userId = required(request.userId, "user_id");
      const post = requiredMessage(request.post, "post");
      required(post.channelId, "post.channel_id");
      return { post: await app.sendEphemeralPost(actor, userId, post) };
    },

    uploadFile: async (requests) => ({
      fileInfo: await receiveUpload(requests, {
        store,
        files,
        maxUploadBytes,
        creatorId: botUserId,
      }),
    }),
    getFile: (request) => sendFile(required(request.fileId, "file_id"), store, files),
    getFileInfo: async (request) => ({
      fileInfo: await store.getFileInfo(required(request.fileId, "file_id")),
    }),

    kVGet: async (request) => ({ value: await store.kvGet(pluginId, kvKey(request.key)) }),
    kVGetMany: async (request) => {
      if (request.keys.length > MAX_KV_GET_MANY_KEYS) {
        throw new ValidationError({
          id: "api.request.invalid",
          message: `KVGetMany asks for ${request.keys.length} keys; ask for at most ${MAX_KV_GET_MANY_KEYS} per call.`,
          params: { field: "keys" },
        });
      }
      const keys = request.keys.map(kvKey);
      const found = await Promise.all(keys.map((key) => store.kvGet(pluginId, key)));
      const values: Record<string, Uint8Array> = {};
      keys.forEach((key, i) => {
        const value = found[i];
        if (value !== undefined) {
          values[key] = value;
        }
      });
      return { values };
    },
    kVSet: async (request) => {
      const key = kvKey(request.key);
      const expireAt = expiryOf(request.expireInSeconds, "expire_in_seconds", now());
      await store.kvSet(pluginId, key, request.value, { expireAt });
      return {};
    },
    kVSetWithOptions: async (request) => {
      const key = kvKey(request.key);
      const options = request.options;
      const expireAt = expiryOf(options?.expireInSeconds ?? 0n, "options.expire_in_seconds", now());
      const written = await store.kvSet(pluginId, key, request.value, {
        atomic: options?.atomic ?? false,
        oldValue: options?.oldValue,
        expireAt,
      });
      return { written };
    },
    kVDelete: async (request) => {
      await store.kvDelete(pluginId, kvKey(request.key));
      return {};
    },
    kVDeleteAll: async () => {
      await store.kvDeleteAll(pluginId);
      return {};
    },
    kVList: async (request) => ({ keys: await store.kvList(pluginId, pageOf(request.paging)) }),

    registerCommand: async (request) => {
      const command = requiredMessage(request.command, "command");
      commandTrigger(command.trigger);
      await store.registerCommand(pluginId, command);
      return {};
    },
    unregisterCommand: async (request) => {
      await store.unregisterCommand(pluginId, request.teamId, required(request.trigger, "trigger"));
      return {};
    },

    ensureBotUser: async (request) => {
      const ensured = ensuring.then(() => ensureBotUser(request));
      ensuring = ensured.catch(() => undefined);
      botUserId = await ensured;
      return { userId: botUserId };
    },

    publishPluginClusterEvent: async (request) => {
      const event = requiredMessage(request.event, "event");
      required(event.id, "event.id");
      await app.publishPluginClusterEvent(actor, pluginId, event, request.targetId || undefined);
      return {};
    },
  };
}

function usernameTaken(username: string, holder: User): AlreadyExistsError {
  const whose = holder.isBot ? "a bot this plugin does not own" : "a person's account";
  return new AlreadyExistsError({
    id: "api.ensure_bot_user.username_taken",
    message: `The username "${username}" belongs to ${whose}; choose another bot username.`,
    params: { field: "username", username },
  });
}

function requestConflict(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}
