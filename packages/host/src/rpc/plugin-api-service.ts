// The PluginAPI as one plugin sees it. Every call goes to the App with the plugin as the actor,
// so a plugin's post takes the same path as a person's (hooks, file links, events); this file
// only checks the request's shape. Everything the plugin keeps (KV keys, commands, bots,
// settings) is namespaced by deps.pluginId, which the server knows from the plugin's token,
// never from the request.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ValidationError } from "@plugwire/errors";
import {
  ChannelSchema,
  type PluginAPI,
  PostSchema,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { DEFAULT_MAX_UPLOAD_BYTES, receiveUpload, sendFile } from "./file-transfer.js";
import { pluginApiAccounts } from "./plugin-api-accounts.js";
import { pluginApiEmoji } from "./plugin-api-emoji.js";
import { pluginApiFiles } from "./plugin-api-files.js";
import { pluginApiGroups } from "./plugin-api-groups.js";
import { pluginApiIntegrations } from "./plugin-api-integrations.js";
import { pluginApiOAuth } from "./plugin-api-oauth.js";
import { pluginApiPeople } from "./plugin-api-people.js";
import { pluginApiPosts } from "./plugin-api-posts.js";
import { realtimeMethods } from "./plugin-api-realtime.js";
import { pluginApiRoles } from "./plugin-api-roles.js";
import { pluginApiSocial } from "./plugin-api-social.js";
import { type PluginManagement, pluginApiSystem } from "./plugin-api-system.js";
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
  app: App;
  /** The host's version, e.g. "9.5.0". */
  serverVersion: string;
  /** Largest file UploadFile accepts, in bytes; 100 MiB unless set. */
  maxUploadBytes?: number;
  /** The clock KV expiry is computed with, in ms since the epoch; Date.now unless set. */
  now?: () => number;
  /**
   * The host's plugins, for GetPlugins, the plugin management calls and PluginHTTP; without
   * it those answer Unimplemented.
   */
  plugins?: PluginManagement;
}

/** The PluginAPI implementation for one plugin. */
export function createPluginApiService(deps: PluginApiServiceDeps): ServiceImpl<typeof PluginAPI> {
  const { pluginId, app } = deps;
  const actor: Actor = { pluginId };
  const now = deps.now ?? Date.now;
  const maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  // The bot this plugin ensured last: the uploader recorded for its files.
  let botUserId = "";

  return {
    ...pluginApiPeople(app, pluginId),
    ...pluginApiGroups(app, actor),
    ...pluginApiEmoji(app),
    ...pluginApiOAuth(app, actor),
    getServerVersion: () => ({ version: deps.serverVersion }),
    getConfig: () => ({ config: app.getConfig() }),
    getUnsanitizedConfig: () => ({ config: app.getUnsanitizedConfig() }),
    saveConfig: async (request) => {
      await app.saveConfig(actor, request.config ?? {});
      return {};
    },
    sendMail: async (request) => {
      await app.sendMail(actor, request.to, request.subject, request.htmlBody);
      return {};
    },
    getPluginConfig: async () => ({ config: await app.getPluginConfig(pluginId) }),
    savePluginConfig: async (request) => {
      await app.savePluginConfig(actor, pluginId, request.config ?? {});
      return {};
    },

    getUser: async (request) => ({
      user: await app.getUser(required(request.userId, "user_id")),
    }),
    getUserByUsername: async (request) => ({
      user: await app.getUserByUsername(required(request.username, "username")),
    }),
    getUserByEmail: async (request) => ({
      user: await app.getUserByEmail(required(request.email, "email")),
    }),
    getUsers: async (request) => {
      if (request.activeOnly && request.inactiveOnly) {
        throw requestConflict(
          "inactive_only",
          "active_only and inactive_only exclude each other; set one.",
        );
      }
      const users = await app.getUsers({
        ...pageOf(request.paging),
        inTeamId: request.inTeamId || undefined,
        inChannelId: request.inChannelId || undefined,
        active: request.activeOnly ? true : request.inactiveOnly ? false : undefined,
      });
      return { users };
    },
    getUsersByIds: async (request) => ({ users: await app.getUsersByIds(request.userIds) }),
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
      return { user: await app.updateUser(actor, user) };
    },
    deactivateUser: async (request) => {
      await app.deactivateUser(actor, required(request.userId, "user_id"));
      return {};
    },

    getTeam: async (request) => ({
      team: await app.getTeam(required(request.teamId, "team_id")),
    }),
    getTeamByName: async (request) => ({
      team: await app.getTeamByName(required(request.name, "name")),
    }),
    getTeams: async (request) => ({ teams: await app.getTeams(pageOf(request.paging)) }),
    createTeam: async (request) => {
      const team = requiredMessage(request.team, "team");
      return {
        team: await app.createTeam(
          actor,
          create(TeamSchema, { ...team, id: "", createAt: 0n, updateAt: 0n }),
        ),
      };
    },
    getTeamMembers: async (request) => ({
      members: await app.getTeamMembers(
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
      channel: await app.getChannel(required(request.channelId, "channel_id")),
    }),
    getChannelByName: async (request) => ({
      channel: await app.getChannelByName(
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
      return { channel: await app.updateChannel(actor, channel) };
    },
    deleteChannel: async (request) => {
      await app.deleteChannel(actor, required(request.channelId, "channel_id"));
      return {};
    },
    getChannelMembers: async (request) => ({
      members: await app.getChannelMembers(
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
      channel: await app.getDirectChannel(
        required(request.userId1, "user_id_1"),
        required(request.userId2, "user_id_2"),
      ),
    }),

    getPost: async (request) => ({
      post: await app.getPost(required(request.postId, "post_id")),
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
      posts: await app.getPostsForChannel(
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
    ...pluginApiPosts(app, actor),
    ...pluginApiSocial(app, actor),
    ...pluginApiIntegrations(app, actor),

    uploadFile: async (requests) => ({
      fileInfo: await receiveUpload(requests, {
        app,
        actor,
        maxUploadBytes,
        creatorId: botUserId,
      }),
    }),
    getFile: (request) => sendFile(required(request.fileId, "file_id"), app),
    getFileInfo: async (request) => ({
      fileInfo: await app.getFileInfo(required(request.fileId, "file_id")),
    }),
    ...pluginApiFiles(app, actor, { maxUploadBytes }),

    kVGet: async (request) => ({ value: await app.kvGet(pluginId, kvKey(request.key)) }),
    kVGetMany: async (request) => {
      if (request.keys.length > MAX_KV_GET_MANY_KEYS) {
        throw new ValidationError({
          id: "api.request.invalid",
          message: `KVGetMany asks for ${request.keys.length} keys; ask for at most ${MAX_KV_GET_MANY_KEYS} per call.`,
          params: { field: "keys" },
        });
      }
      const keys = request.keys.map(kvKey);
      const found = await Promise.all(keys.map((key) => app.kvGet(pluginId, key)));
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
      await app.kvSet(pluginId, key, request.value, { expireAt });
      return {};
    },
    kVSetWithOptions: async (request) => {
      const key = kvKey(request.key);
      const options = request.options;
      const expireAt = expiryOf(options?.expireInSeconds ?? 0n, "options.expire_in_seconds", now());
      const written = await app.kvSet(pluginId, key, request.value, {
        atomic: options?.atomic ?? false,
        oldValue: options?.oldValue,
        expireAt,
      });
      return { written };
    },
    kVDelete: async (request) => {
      await app.kvDelete(pluginId, kvKey(request.key));
      return {};
    },
    kVDeleteAll: async () => {
      await app.kvDeleteAll(pluginId);
      return {};
    },
    kVList: async (request) => ({ keys: await app.kvList(pluginId, pageOf(request.paging)) }),

    registerCommand: async (request) => {
      const command = requiredMessage(request.command, "command");
      commandTrigger(command.trigger);
      await app.registerCommand(actor, pluginId, command);
      return {};
    },
    unregisterCommand: async (request) => {
      await app.unregisterCommand(
        actor,
        pluginId,
        request.teamId,
        required(request.trigger, "trigger"),
      );
      return {};
    },

    ensureBotUser: async (request) => {
      botUserId = await app.ensureBotUser(actor, pluginId, {
        username: required(request.username, "username"),
        displayName: request.displayName,
        description: request.description,
      });
      return { userId: botUserId };
    },

    publishPluginClusterEvent: async (request) => {
      const event = requiredMessage(request.event, "event");
      required(event.id, "event.id");
      await app.publishPluginClusterEvent(actor, pluginId, event, request.targetId || undefined);
      return {};
    },

    ...realtimeMethods(app, pluginId, actor),
    ...pluginApiRoles(app, actor),
    ...pluginApiAccounts(app, pluginId, actor),
    ...pluginApiSystem(app, pluginId, actor, deps.plugins),
  };
}

function requestConflict(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}
