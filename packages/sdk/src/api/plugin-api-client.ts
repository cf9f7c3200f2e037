// The PluginAPI as a plugin author calls it: one method per RPC, taking plain arguments and
// returning the model itself rather than a response message. Every failure is thrown as the
// @plugwire/errors class the host sent.
import type { JsonObject } from "@bufbuild/protobuf";
import { type CallOptions, createClient, type Transport } from "@connectrpc/connect";
import { fromErrorDetail, InternalError, withPluginAPIErrors } from "@plugwire/errors";
import type {
  AuditRecordSchema,
  ChannelPatchSchema,
  ChannelSchema,
  CommandArgsSchema,
  CommandSchema,
  CreateDefaultMembershipParamsSchema,
  CustomStatusSchema,
  GetFileInfosOptionsSchema,
  GetFileResponse,
  GroupSchema,
  GroupSearchOptsSchema,
  GroupSyncableSchema,
  InstallPluginRequestSchema,
  OAuthAppSchema,
  OpenInteractiveDialogRequestSchema,
  PluginAPI,
  PostSchema,
  PreferenceSchema,
  ReactionSchema,
  SearchParameterSchema,
  SearchParamsSchema,
  SearchUsersRequestSchema,
  SessionSchema,
  SidebarCategorySchema,
  TeamSchema,
  UploadDataRequestSchema,
  UploadFileRequestSchema,
  UserAuthSchema,
  UserSchema,
} from "@plugwire/protocol";
import { bearerHeaders } from "../bearer-token.js";
import { concatChunks, splitChunks } from "../chunks.js";
import { currentInterPluginScope } from "../http/inter-plugin-scope.js";
import type {
  Bot,
  Channel,
  ChannelMember,
  ChannelMemberIdentifier,
  ChannelStats,
  Command,
  CommandResponse,
  Emoji,
  FileInfo,
  Group,
  GroupMember,
  GroupSyncable,
  OAuthApp,
  Paging,
  PluginStatus,
  Post,
  PostList,
  PostSearchResults,
  Preference,
  Reaction,
  Session,
  SidebarCategory,
  Status,
  Team,
  TeamMember,
  TeamMemberWithError,
  TeamStats,
  TeamUnread,
  UploadSession,
  User,
  UserAccessToken,
  UserAuth,
} from "../models/models.js";
import type { Plain, PlainInit } from "../models/plain.js";
import { type PlainClient, withPlainAnswers } from "../models/plain-client.js";
import { jsonObject } from "./json-payload.js";
import { lazyClient } from "./lazy-client.js";

/** A new or changed post: any subset of Post's fields. */
export type PostInit = PlainInit<typeof PostSchema>;
/** A new or changed user. */
export type UserInit = PlainInit<typeof UserSchema>;
/** A new team. */
export type TeamInit = PlainInit<typeof TeamSchema>;
/** A new or changed channel. */
export type ChannelInit = PlainInit<typeof ChannelSchema>;
/** A slash command to register or create, with its autocomplete tree (`autocompleteData`). */
export type CommandInit = PlainInit<typeof CommandSchema>;
/** A slash command to run as a user: userId, channelId and command ("/trigger text") at least. */
export type CommandArgsInit = PlainInit<typeof CommandArgsSchema>;
/** An interactive dialog to open: the trigger id, the url it is submitted to, the dialog. */
export type OpenDialogInit = PlainInit<typeof OpenInteractiveDialogRequestSchema>;
/** A reaction to add or remove: userId, postId and emojiName. */
export type ReactionInit = PlainInit<typeof ReactionSchema>;
/** A preference to save or delete: userId, category, name (and value). */
export type PreferenceInit = PlainInit<typeof PreferenceSchema>;
/** A custom status: emoji or text, optionally duration and expiresAt (RFC 3339). */
export type CustomStatusInit = PlainInit<typeof CustomStatusSchema>;

/** One search of searchPostsInTeam: SearchParams' fields (channels and users by name). */
export type SearchParamsInit = PlainInit<typeof SearchParamsSchema>;
/** A user's search as the search box sends it: terms, isOrSearch, page, perPage, … */
export type SearchParameterInit = PlainInit<typeof SearchParameterSchema>;
/** A sidebar category to create or save: any subset of SidebarCategory's fields. */
export type SidebarCategoryInit = PlainInit<typeof SidebarCategorySchema>;
/** What PatchChannel changes: the fields given. */
export type ChannelPatchInit = PlainInit<typeof ChannelPatchSchema>;
/** searchUsers' query, as Mattermost's UserSearch: term, team and channel filters, limit. */
export type UserSearch = PlainInit<typeof SearchUsersRequestSchema>;

/** A request to another plugin: fetch's RequestInit, and a deadline of its own. */
export interface PluginHTTPInit extends RequestInit {
  /** How long the call may take, in ms; default: the deadline of the request being served, if any. */
  timeoutMs?: number;
}

/** Which memberships createDefaultSyncableMemberships adds: since, scopes, reAddRemovedMembers. */
export type CreateDefaultMembershipParamsInit = PlainInit<
  typeof CreateDefaultMembershipParamsSchema
>;
/** How a user signs in: authService and authData (their id at the service). */
export type UserAuthInit = PlainInit<typeof UserAuthSchema>;
/** A new or changed group: name, displayName, description, source, remoteId, allowReference. */
export type GroupInit = PlainInit<typeof GroupSchema>;
/** A group's link to a team or channel: groupId, syncableId, type, autoAdd, schemeAdmin. */
export type GroupSyncableInit = PlainInit<typeof GroupSyncableSchema>;
/** Filters of getGroups, as Mattermost's GroupSearchOpts (q, source, filterHasMember, …). */
export type GroupSearchOptions = PlainInit<typeof GroupSearchOptsSchema>;
/**
 * An OAuth 2.0 client app to register or change: creatorId, name, description, iconUrl,
 * callbackUrls, homepage, isTrusted, mattermostAppId (and `id` to change one).
 */
export type OAuthAppInit = PlainInit<typeof OAuthAppSchema>;
/** Which page of a list: zero-based `page`, `perPage` items (host default 60, at most 200). */
export type PageOptions = Partial<Pick<Paging, "page" | "perPage">>;

/** Filters of getUsers. */
export interface GetUsersOptions extends PageOptions {
  inTeamId?: string;
  inChannelId?: string;
  activeOnly?: boolean;
  inactiveOnly?: boolean;
}

/** How sendToastMessage shows its toast (Mattermost's SendToastMessageOptions). */
export interface ToastOptions {
  /** Where the client shows it, e.g. "bottom-right"; the client's default when absent. */
  position?: string;
}

/** How kvSet writes. */
export interface KVSetOptions {
  /** Seconds until the key expires; 0 or absent keeps it forever. */
  expireInSeconds?: number;
}

/** How kvSetWithOptions writes. */
export interface KVSetWithOptions extends KVSetOptions {
  /** Write only when the current value equals `oldValue` (absent: only when the key is absent). */
  atomic?: boolean;
  /** The value an atomic write expects to replace. */
  oldValue?: Uint8Array;
}

/** A bot account for the plugin. */
export interface BotInit {
  username: string;
  displayName?: string;
  description?: string;
}

/** A bot to create: its owner is this plugin unless `ownerId` names a user (or another owner). */
export interface CreateBotInit extends BotInit {
  ownerId?: string;
}

/** What patchBot changes: the fields given. */
export interface BotPatchInit {
  username?: string;
  displayName?: string;
  description?: string;
}

/** Filters of getBots. */
export interface GetBotsOptions extends PageOptions {
  /** Only the bots of this owner (a plugin id or a user id). */
  ownerId?: string;
  /** Disabled bots too. */
  includeDeleted?: boolean;
  /** Only bots whose owner is a deactivated user. */
  onlyOrphaned?: boolean;
}

/** A session to open: `userId`, and optionally expiresAt (ms; 0 never), deviceId and props. */
export type SessionInit = PlainInit<typeof SessionSchema>;
/** An audit record: eventName, status, event, actor, meta, error (Mattermost's AuditRecord). */
export type AuditRecordInit = PlainInit<typeof AuditRecordSchema>;
/** Mattermost's audit levels. */
export type AuditLevel = "debug" | "info" | "warn" | "error";

/**
 * Which files getFileInfos lists (Mattermost's GetFileInfosOptions): userIds, channelIds,
 * since (ms), includeDeleted, sortBy ("CreateAt" or "Size"), sortDescending.
 */
export type GetFileInfosOptions = PlainInit<typeof GetFileInfosOptionsSchema>;

/** A new resumable upload: who uploads, to which channel, the file's name and size. */
export interface UploadSessionInit {
  userId: string;
  channelId: string;
  filename: string;
  /** The whole file's size in bytes. */
  fileSize: number | bigint;
}

/** A file being downloaded: its metadata first, then its bytes as they arrive. */
export interface FileDownload {
  info: FileInfo;
  /** The content in chunks of at most 64 KiB; read it to the end or break out of the loop. */
  data: AsyncIterable<Uint8Array>;
}

/** How publishPluginClusterEvent delivers. */
export interface ClusterEventOptions {
  /** "best_effort" (the default) may drop the event; "reliable" retries until delivered. */
  sendType?: "best_effort" | "reliable";
  /** Only this cluster host, when set. */
  targetId?: string;
}

/**
 * Who receives a websocket event (Mattermost's WebsocketBroadcast): `connectionId`, else
 * `userId`, else the members of `channelId`, else of `teamId`, else everyone; never the
 * `omitUsers` (except with userId) nor the connection `omitConnectionId`.
 */
export interface WebSocketBroadcastInit {
  omitUsers?: Record<string, boolean>;
  userId?: string;
  channelId?: string;
  teamId?: string;
  connectionId?: string;
  omitConnectionId?: string;
}

type UploadFrame = PlainInit<typeof UploadFileRequestSchema>;
type UploadDataFrame = PlainInit<typeof UploadDataRequestSchema>;

/** Which upload session, and the offset its next data starts at (as getUploadSession tells). */
export interface UploadPosition {
  id: string;
  fileOffset: number | bigint;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The host's PluginAPI, one async method per RPC. Reach it in a plugin as `this.api`. */
export class PluginAPIClient {
  /**
   * Until the first call, a stand-in that loads the PluginAPI's descriptors (lazy-client.ts);
   * then the client itself.
   */
  #rpc: PlainClient<typeof PluginAPI>;
  readonly #options: CallOptions;

  /**
   * @param transport where the PluginAPI is served.
   * @param token the per-start token, sent as "authorization: Bearer <token>" on every call.
   */
  constructor(transport: Transport, token?: string) {
    this.#rpc = lazyClient(async () => {
      const { PluginAPI } = await import("@plugwire/protocol/plugin-api");
      this.#rpc = withPlainAnswers(
        withPluginAPIErrors(createClient(PluginAPI, transport)),
        PluginAPI,
      );
      return this.#rpc;
    });
    this.#options = token === undefined ? {} : { headers: bearerHeaders(token) };
  }

  // Server

  /** The server's version, e.g. "9.5.0". */
  async getServerVersion(): Promise<string> {
    return (await this.#rpc.getServerVersion({}, this.#options)).version;
  }

  /** The server configuration in Mattermost's shape, its secrets replaced by "********". */
  async getConfig(): Promise<JsonObject> {
    return (await this.#rpc.getConfig({}, this.#options)).config ?? {};
  }

  /** The server configuration with its secrets (SMTP password, database URL, link salt). */
  async getUnsanitizedConfig(): Promise<JsonObject> {
    return (await this.#rpc.getUnsanitizedConfig({}, this.#options)).config ?? {};
  }

  /**
   * Saves the server configuration: give it whole, as getUnsanitizedConfig answers it, with your
   * changes (a secret left as "********" keeps its value). Only the settings that can change at
   * run time may differ; plugins' ConfigurationWillBeSaved may refuse or change it.
   */
  async saveConfig(config: JsonObject): Promise<void> {
    await this.#rpc.saveConfig({ config }, this.#options);
  }

  /**
   * Sends an HTML e-mail through the server's SMTP settings (EmailSettings); resolves once the
   * SMTP server took it. Refused when no SMTP server is configured or a part is empty.
   */
  async sendMail(to: string, subject: string, htmlBody: string): Promise<void> {
    await this.#rpc.sendMail({ to, subject, htmlBody }, this.#options);
  }

  /** This plugin's configuration (also kept current in `this.config`). */
  async getPluginConfig(): Promise<JsonObject> {
    return (await this.#rpc.getPluginConfig({}, this.#options)).config ?? {};
  }

  /** Saves this plugin's configuration; OnConfigurationChange follows. */
  async savePluginConfig(config: JsonObject): Promise<void> {
    await this.#rpc.savePluginConfig({ config }, this.#options);
  }

  /** The server's license: always null here (no license), so take your unlicensed path. */
  async getLicense(): Promise<JsonObject | null> {
    return (await this.#rpc.getLicense({}, this.#options)).license ?? null;
  }

  /** Whether the server is an enterprise build: always false here. */
  async isEnterpriseReady(): Promise<boolean> {
    return (await this.#rpc.isEnterpriseReady({}, this.#options)).enterpriseReady;
  }

  /** When the server was installed (its database created), in ms since the epoch. */
  async getSystemInstallDate(): Promise<number> {
    return Number((await this.#rpc.getSystemInstallDate({}, this.#options)).installDate);
  }

  /** The server's diagnostic id: 26 characters, the same for the life of its database. */
  async getDiagnosticId(): Promise<string> {
    return (await this.#rpc.getDiagnosticId({}, this.#options)).diagnosticId;
  }

  /** The server's telemetry id: the same as its diagnostic id, as in Mattermost. */
  async getTelemetryId(): Promise<string> {
    return (await this.#rpc.getTelemetryId({}, this.#options)).telemetryId;
  }

  // Plugins

  /** The manifest of every plugin the host has loaded, active ones first (model.Manifest JSON). */
  async getPlugins(): Promise<JsonObject[]> {
    return (await this.#rpc.getPlugins({}, this.#options)).manifests;
  }

  /** A loaded plugin's status; NotFoundError when no plugin has the id. */
  async getPluginStatus(pluginId: string): Promise<PluginStatus> {
    const { status } = await this.#rpc.getPluginStatus({ pluginId }, this.#options);
    return present(status, "GetPluginStatus", "status");
  }

  /** Every loaded plugin's status, by plugin id. */
  async getPluginStatuses(): Promise<PluginStatus[]> {
    return (await this.#rpc.getPluginStatuses({}, this.#options)).statuses;
  }

  /** Enables a loaded plugin; resolves once it is active, rejects with why it did not start. */
  async enablePlugin(pluginId: string): Promise<void> {
    await this.#rpc.enablePlugin({ pluginId }, this.#options);
  }

  /** Disables a plugin (this one too: then its process stops after answering). */
  async disablePlugin(pluginId: string): Promise<void> {
    await this.#rpc.disablePlugin({ pluginId }, this.#options);
  }

  /** Disables an installed plugin and deletes its folder; its settings and KV data stay. */
  async removePlugin(pluginId: string): Promise<void> {
    await this.#rpc.removePlugin({ pluginId }, this.#options);
  }

  /**
   * Installs a plugin bundle (.tar.gz, as REST `POST /plugins` takes it), loaded and disabled,
   * and answers its manifest. AlreadyExistsError when the id is installed, unless `replace`.
   */
  async installPlugin(
    bundle: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { replace?: boolean } = {},
  ): Promise<JsonObject> {
    const { manifest } = await this.#rpc.installPlugin(
      bundleFrames(bundle, options.replace ?? false),
      this.#options,
    );
    return present(manifest, "InstallPlugin", "manifest");
  }

  /** The absolute path of this plugin's folder (also the process's working directory). */
  async getBundlePath(): Promise<string> {
    return (await this.#rpc.getBundlePath({}, this.#options)).path;
  }

  /**
   * Sends an HTTP request to another plugin's routes and answers its response, as `fetch`
   * would: `path` is "/<plugin id>/<path below its routes>?<query>". The other plugin sees this
   * plugin's id in Mattermost-Plugin-ID. Called while serving another plugin's request, the
   * call keeps that request's deadline and nesting depth (the host stops chains deeper than 5).
   * Bodies travel whole, each way at most about 4 MiB.
   */
  async pluginHTTP(path: string, init: PluginHTTPInit = {}): Promise<Response> {
    const { timeoutMs, ...requestInit } = init;
    const request = new Request(new URL(path, "http://plugin.invalid"), requestInit);
    const url = new URL(request.url);
    const scope = currentInterPluginScope();
    const own = init.signal ?? undefined;
    const served = scope?.source.signal;
    const signal = own && served ? AbortSignal.any([own, served]) : (own ?? served);
    const deadline = scope?.deadline === undefined ? undefined : scope.deadline - Date.now();
    const { head, body } = await this.#rpc.pluginHTTP(
      {
        head: {
          method: request.method,
          url: url.pathname + url.search,
          headers: [...request.headers].map(([name, value]) => ({ name, value })),
        },
        body: new Uint8Array(await request.arrayBuffer()),
        depth: scope?.depth ?? 0,
      },
      {
        ...this.#options,
        signal,
        timeoutMs: timeoutMs ?? (deadline === undefined ? undefined : Math.max(deadline, 1)),
      },
    );
    const status = head?.status || 200;
    const headers = new Headers((head?.headers ?? []).map(({ name, value }) => [name, value]));
    const hasBody = !(status === 204 || status === 304 || request.method === "HEAD");
    return new Response(hasBody ? body : null, { status, headers });
  }

  // Users

  async getUser(userId: string): Promise<User> {
    return present((await this.#rpc.getUser({ userId }, this.#options)).user, "GetUser", "user");
  }

  async getUserByUsername(username: string): Promise<User> {
    const { user } = await this.#rpc.getUserByUsername({ username }, this.#options);
    return present(user, "GetUserByUsername", "user");
  }

  async getUserByEmail(email: string): Promise<User> {
    const { user } = await this.#rpc.getUserByEmail({ email }, this.#options);
    return present(user, "GetUserByEmail", "user");
  }

  /** A page of users ordered by username, optionally only those of a team or channel. */
  async getUsers(options: GetUsersOptions = {}): Promise<User[]> {
    const { page, perPage, ...filters } = options;
    return (await this.#rpc.getUsers({ paging: { page, perPage }, ...filters }, this.#options))
      .users;
  }

  /** The users among `userIds` that exist, in the order asked for. */
  async getUsersByIds(userIds: readonly string[]): Promise<User[]> {
    return (await this.#rpc.getUsersByIds({ userIds: [...userIds] }, this.#options)).users;
  }

  /** Creates a user; `password` is empty for bots and external accounts. */
  async createUser(user: UserInit, password = ""): Promise<User> {
    const created = await this.#rpc.createUser({ user, password }, this.#options);
    return present(created.user, "CreateUser", "user");
  }

  /** Updates the profile of the user `user.id`. */
  async updateUser(user: UserInit): Promise<User> {
    const updated = await this.#rpc.updateUser({ user }, this.#options);
    return present(updated.user, "UpdateUser", "user");
  }

  async deactivateUser(userId: string): Promise<void> {
    await this.#rpc.deactivateUser({ userId }, this.#options);
  }

  /** Users with these usernames; unknown names are skipped. */
  async getUsersByUsernames(usernames: readonly string[]): Promise<User[]> {
    return (await this.#rpc.getUsersByUsernames({ usernames: [...usernames] }, this.#options))
      .users;
  }

  /** Users whose username, names, nickname or e-mail start with `search.term`. */
  async searchUsers(search: UserSearch): Promise<User[]> {
    return (await this.#rpc.searchUsers(search, this.#options)).users;
  }

  /** A page of a channel's members; `sortBy` "username" (the default) or "status". */
  async getUsersInChannel(
    channelId: string,
    sortBy = "username",
    paging: PageOptions = {},
  ): Promise<User[]> {
    return (await this.#rpc.getUsersInChannel({ channelId, sortBy, paging }, this.#options)).users;
  }

  async getUsersInTeam(teamId: string, paging: PageOptions = {}): Promise<User[]> {
    return (await this.#rpc.getUsersInTeam({ teamId, paging }, this.#options)).users;
  }

  /** The user's picture: the one set, or the generated default PNG. */
  async getProfileImage(userId: string): Promise<Uint8Array> {
    return (await this.#rpc.getProfileImage({ userId }, this.#options)).image;
  }

  /** Sets the user's picture (PNG or JPEG bytes). */
  async setProfileImage(userId: string, data: Uint8Array): Promise<void> {
    await this.#rpc.setProfileImage({ userId, data }, this.#options);
  }

  /** Deactivates the user, as Mattermost's DeleteUser does. */
  async deleteUser(userId: string): Promise<void> {
    await this.#rpc.deleteUser({ userId }, this.#options);
  }

  async updateUserActive(userId: string, active: boolean): Promise<void> {
    await this.#rpc.updateUserActive({ userId, active }, this.#options);
  }

  /**
   * Moves the user to a sign-in service (`authService`, and `authData`, their id there), as
   * Mattermost's UpdateUserAuth. Their password is removed: Plugwire signs in with passwords
   * only, so the user can no longer sign in until a new password is set (which moves them back).
   */
  async updateUserAuth(userId: string, userAuth: UserAuthInit): Promise<UserAuth> {
    const saved = await this.#rpc.updateUserAuth({ userId, userAuth }, this.#options);
    return present(saved.userAuth, "UpdateUserAuth", "user_auth");
  }

  // Teams

  async getTeam(teamId: string): Promise<Team> {
    return present((await this.#rpc.getTeam({ teamId }, this.#options)).team, "GetTeam", "team");
  }

  async getTeamByName(name: string): Promise<Team> {
    const { team } = await this.#rpc.getTeamByName({ name }, this.#options);
    return present(team, "GetTeamByName", "team");
  }

  async getTeams(paging: PageOptions = {}): Promise<Team[]> {
    return (await this.#rpc.getTeams({ paging }, this.#options)).teams;
  }

  async createTeam(team: TeamInit): Promise<Team> {
    const created = await this.#rpc.createTeam({ team }, this.#options);
    return present(created.team, "CreateTeam", "team");
  }

  async getTeamMembers(teamId: string, paging: PageOptions = {}): Promise<TeamMember[]> {
    return (await this.#rpc.getTeamMembers({ teamId, paging }, this.#options)).members;
  }

  /** Adds a user to a team; UserHasJoinedTeam follows. */
  async addTeamMember(teamId: string, userId: string): Promise<TeamMember> {
    const { member } = await this.#rpc.addTeamMember({ teamId, userId }, this.#options);
    return present(member, "AddTeamMember", "member");
  }

  /** Removes a user from a team; `requestorId` is reported as the hook's actor. */
  async removeTeamMember(teamId: string, userId: string, requestorId = ""): Promise<void> {
    await this.#rpc.removeTeamMember({ teamId, userId, requestorId }, this.#options);
  }

  /** The user's membership of the team; NotFoundError when not a member. */
  async getTeamMember(teamId: string, userId: string): Promise<TeamMember> {
    const { member } = await this.#rpc.getTeamMember({ teamId, userId }, this.#options);
    return present(member, "GetTeamMember", "member");
  }

  async getTeamMembersForUser(userId: string, paging: PageOptions = {}): Promise<TeamMember[]> {
    return (await this.#rpc.getTeamMembersForUser({ userId, paging }, this.#options)).members;
  }

  async getTeamsForUser(userId: string): Promise<Team[]> {
    return (await this.#rpc.getTeamsForUser({ userId }, this.#options)).teams;
  }

  /** Unread messages and mentions per team of the user. */
  async getTeamsUnreadForUser(userId: string): Promise<TeamUnread[]> {
    return (await this.#rpc.getTeamsUnreadForUser({ userId }, this.#options)).teamUnreads;
  }

  async getTeamStats(teamId: string): Promise<TeamStats> {
    const { stats } = await this.#rpc.getTeamStats({ teamId }, this.#options);
    return present(stats, "GetTeamStats", "stats");
  }

  async searchTeams(term: string): Promise<Team[]> {
    return (await this.#rpc.searchTeams({ term }, this.#options)).teams;
  }

  /** Saves the descriptive fields of the team `team.id`. */
  async updateTeam(team: TeamInit): Promise<Team> {
    const updated = await this.#rpc.updateTeam({ team }, this.#options);
    return present(updated.team, "UpdateTeam", "team");
  }

  /** Soft-deletes the team (delete_at is set), as Mattermost's DeleteTeam does. */
  async deleteTeam(teamId: string): Promise<void> {
    await this.#rpc.deleteTeam({ teamId }, this.#options);
  }

  /** Adds the users to the team; `requestorId` is reported as the hooks' actor. */
  async createTeamMembers(
    teamId: string,
    userIds: readonly string[],
    requestorId = "",
  ): Promise<TeamMember[]> {
    const request = { teamId, userIds: [...userIds], requestorId };
    return (await this.#rpc.createTeamMembers(request, this.#options)).members;
  }

  /** The team's icon; NotFoundError when it has none. */
  async getTeamIcon(teamId: string): Promise<Uint8Array> {
    return (await this.#rpc.getTeamIcon({ teamId }, this.#options)).image;
  }

  async setTeamIcon(teamId: string, data: Uint8Array): Promise<void> {
    await this.#rpc.setTeamIcon({ teamId, data }, this.#options);
  }

  /** Removes the team's icon (a team without one is fine). */
  async removeTeamIcon(teamId: string): Promise<void> {
    await this.#rpc.removeTeamIcon({ teamId }, this.#options);
  }

  /**
   * Adds the users to the team as createTeamMembers does, but a user who can't be added does
   * not fail the call: each outcome has the membership or the error, in the order given.
   */
  async createTeamMembersGracefully(
    teamId: string,
    userIds: readonly string[],
    requestorId = "",
  ): Promise<TeamMemberWithError[]> {
    const request = { teamId, userIds: [...userIds], requestorId };
    const { members } = await this.#rpc.createTeamMembersGracefully(request, this.#options);
    return members.map(({ userId, member, error }) => ({
      userId,
      ...(member === undefined ? {} : { member }),
      ...(error === undefined ? {} : { error: fromErrorDetail(error) }),
    }));
  }

  // Channels

  async getChannel(channelId: string): Promise<Channel> {
    const { channel } = await this.#rpc.getChannel({ channelId }, this.#options);
    return present(channel, "GetChannel", "channel");
  }

  async getChannelByName(teamId: string, name: string, includeDeleted = false): Promise<Channel> {
    const request = { teamId, name, includeDeleted };
    const { channel } = await this.#rpc.getChannelByName(request, this.#options);
    return present(channel, "GetChannelByName", "channel");
  }

  /** Creates a channel; ChannelHasBeenCreated follows. */
  async createChannel(channel: ChannelInit): Promise<Channel> {
    const created = await this.#rpc.createChannel({ channel }, this.#options);
    return present(created.channel, "CreateChannel", "channel");
  }

  /** Updates name, display name, header, purpose or groupConstrained of the channel `channel.id`. */
  async updateChannel(channel: ChannelInit): Promise<Channel> {
    const updated = await this.#rpc.updateChannel({ channel }, this.#options);
    return present(updated.channel, "UpdateChannel", "channel");
  }

  /** Archives a channel. */
  async deleteChannel(channelId: string): Promise<void> {
    await this.#rpc.deleteChannel({ channelId }, this.#options);
  }

  /** Brings an archived channel back; ValidationError when it is not archived. */
  async restoreChannel(channelId: string): Promise<void> {
    await this.#rpc.restoreChannel({ channelId }, this.#options);
  }

  /** The channel, when it is of `channelType` ("O", "P", "D", "G"); NotFoundError otherwise. */
  async getChannelOfType(channelId: string, channelType: string): Promise<Channel> {
    const request = { channelId, channelType };
    const { channel } = await this.#rpc.getChannelOfType(request, this.#options);
    return present(channel, "GetChannelOfType", "channel");
  }

  async getChannelMembers(channelId: string, paging: PageOptions = {}): Promise<ChannelMember[]> {
    return (await this.#rpc.getChannelMembers({ channelId, paging }, this.#options)).members;
  }

  /** Adds a user to a channel; UserHasJoinedChannel follows. */
  async addChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
    const { member } = await this.#rpc.addChannelMember({ channelId, userId }, this.#options);
    return present(member, "AddChannelMember", "member");
  }

  async removeChannelMember(channelId: string, userId: string): Promise<void> {
    await this.#rpc.removeChannelMember({ channelId, userId }, this.#options);
  }

  /** The direct channel of two users, created when missing. */
  async getDirectChannel(userId1: string, userId2: string): Promise<Channel> {
    const { channel } = await this.#rpc.getDirectChannel({ userId1, userId2 }, this.#options);
    return present(channel, "GetDirectChannel", "channel");
  }

  /** The user's membership of the channel; NotFoundError when not a member. */
  async getChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
    const { member } = await this.#rpc.getChannelMember({ channelId, userId }, this.#options);
    return present(member, "GetChannelMember", "member");
  }

  /** The user's memberships of the team's channels and of their direct and group channels. */
  async getChannelMembersForUser(
    teamId: string,
    userId: string,
    paging: PageOptions = {},
  ): Promise<ChannelMember[]> {
    const request = { teamId, userId, paging };
    return (await this.#rpc.getChannelMembersForUser(request, this.#options)).members;
  }

  async getChannelMembersByIds(
    channelId: string,
    userIds: readonly string[],
  ): Promise<ChannelMember[]> {
    const request = { channelId, userIds: [...userIds] };
    return (await this.#rpc.getChannelMembersByIds(request, this.#options)).members;
  }

  /** The user's channels of the team, with their direct and group channels. */
  async getChannelsForTeamForUser(
    teamId: string,
    userId: string,
    includeDeleted = false,
  ): Promise<Channel[]> {
    const request = { teamId, userId, includeDeleted };
    return (await this.#rpc.getChannelsForTeamForUser(request, this.#options)).channels;
  }

  async getPublicChannelsForTeam(teamId: string, paging: PageOptions = {}): Promise<Channel[]> {
    return (await this.#rpc.getPublicChannelsForTeam({ teamId, paging }, this.#options)).channels;
  }

  async getChannelByNameForTeamName(
    teamName: string,
    channelName: string,
    includeDeleted = false,
  ): Promise<Channel> {
    const request = { teamName, channelName, includeDeleted };
    const { channel } = await this.#rpc.getChannelByNameForTeamName(request, this.#options);
    return present(channel, "GetChannelByNameForTeamName", "channel");
  }

  /** The group channel of 3 to 8 users, created when missing. */
  async getGroupChannel(userIds: readonly string[]): Promise<Channel> {
    const { channel } = await this.#rpc.getGroupChannel({ userIds: [...userIds] }, this.#options);
    return present(channel, "GetGroupChannel", "channel");
  }

  /** Adds the user to the channel; `asUserId` is reported as the hook's actor. */
  async addUserToChannel(channelId: string, userId: string, asUserId = ""): Promise<ChannelMember> {
    const request = { channelId, userId, asUserId };
    const { member } = await this.#rpc.addUserToChannel(request, this.#options);
    return present(member, "AddUserToChannel", "member");
  }

  /** The team's public channels whose name or display name contains `term`. */
  async searchChannels(teamId: string, term: string): Promise<Channel[]> {
    return (await this.#rpc.searchChannels({ teamId, term }, this.#options)).channels;
  }

  async getChannelStats(channelId: string): Promise<ChannelStats> {
    const { stats } = await this.#rpc.getChannelStats({ channelId }, this.#options);
    return present(stats, "GetChannelStats", "stats");
  }

  /** Changes the fields the patch gives (display name, name, header, purpose). */
  async patchChannel(channelId: string, patch: ChannelPatchInit): Promise<Channel> {
    const { channel } = await this.#rpc.patchChannel({ channelId, patch }, this.#options);
    return present(channel, "PatchChannel", "channel");
  }

  /** Replaces the given notification settings of the user's membership of the channel. */
  async updateChannelMemberNotifications(
    channelId: string,
    userId: string,
    notifications: Record<string, string>,
  ): Promise<ChannelMember> {
    const request = { channelId, userId, notifications };
    const { member } = await this.#rpc.updateChannelMemberNotifications(request, this.#options);
    return present(member, "UpdateChannelMemberNotifications", "member");
  }

  /**
   * Changes the same notification settings of up to 200 memberships in one transaction: when
   * one is refused (no such membership, a value Mattermost does not allow), none changes.
   */
  async patchChannelMembersNotifications(
    members: readonly ChannelMemberIdentifier[],
    notifyProps: Record<string, string>,
  ): Promise<void> {
    const request = {
      members: members.map(({ channelId, userId }) => ({ channelId, userId })),
      notifyProps,
    };
    await this.#rpc.patchChannelMembersNotifications(request, this.#options);
  }

  /** The user's sidebar categories in the team (Mattermost's default three) and their order. */
  async getChannelSidebarCategories(
    userId: string,
    teamId: string,
  ): Promise<{ categories: SidebarCategory[]; order: string[] }> {
    const { categories, order } = await this.#rpc.getChannelSidebarCategories(
      { userId, teamId },
      this.#options,
    );
    return { categories, order };
  }

  /**
   * Adds a custom sidebar category for the user in the team (displayName, sorting, muted and
   * channelIds count), placed after favorites when favorites is first, else first.
   */
  async createChannelSidebarCategory(
    userId: string,
    teamId: string,
    category: SidebarCategoryInit,
  ): Promise<SidebarCategory> {
    const request = { userId, teamId, category };
    const answer = await this.#rpc.createChannelSidebarCategory(request, this.#options);
    return present(answer.category, "CreateChannelSidebarCategory", "category");
  }

  /**
   * Saves the user's categories by id: displayName (custom ones only), sorting, muted,
   * collapsed and channelIds (not of direct messages); answers them as saved.
   */
  async updateChannelSidebarCategories(
    userId: string,
    teamId: string,
    categories: readonly SidebarCategoryInit[],
  ): Promise<SidebarCategory[]> {
    const request = { userId, teamId, categories: [...categories] };
    return (await this.#rpc.updateChannelSidebarCategories(request, this.#options)).categories;
  }

  // Permissions and roles

  /** Whether one of the user's system roles grants the permission (e.g. "manage_system"). */
  async hasPermissionTo(userId: string, permissionId: string): Promise<boolean> {
    const request = { userId, permissionId };
    return (await this.#rpc.hasPermissionTo(request, this.#options)).hasPermission;
  }

  /** Whether the user's roles in the team, or their system roles, grant the permission. */
  async hasPermissionToTeam(
    userId: string,
    teamId: string,
    permissionId: string,
  ): Promise<boolean> {
    const request = { userId, teamId, permissionId };
    return (await this.#rpc.hasPermissionToTeam(request, this.#options)).hasPermission;
  }

  /** Whether the user's roles in the channel, its team or the system grant the permission. */
  async hasPermissionToChannel(
    userId: string,
    channelId: string,
    permissionId: string,
  ): Promise<boolean> {
    const request = { userId, channelId, permissionId };
    return (await this.#rpc.hasPermissionToChannel(request, this.#options)).hasPermission;
  }

  /** Whether any of the named roles grants the permission. */
  async rolesGrantPermission(roleNames: readonly string[], permissionId: string): Promise<boolean> {
    const request = { roleNames: [...roleNames], permissionId };
    return (await this.#rpc.rolesGrantPermission(request, this.#options)).hasPermission;
  }

  /** Replaces the user's system roles (space-separated, e.g. "system_user system_admin"). */
  async updateUserRoles(userId: string, newRoles: string): Promise<User> {
    const { user } = await this.#rpc.updateUserRoles({ userId, newRoles }, this.#options);
    return present(user, "UpdateUserRoles", "user");
  }

  /** Replaces a team member's roles (e.g. "team_user team_admin"). */
  async updateTeamMemberRoles(
    teamId: string,
    userId: string,
    newRoles: string,
  ): Promise<TeamMember> {
    const request = { teamId, userId, newRoles };
    const { member } = await this.#rpc.updateTeamMemberRoles(request, this.#options);
    return present(member, "UpdateTeamMemberRoles", "member");
  }

  /** Replaces a channel member's roles (e.g. "channel_user channel_admin"). */
  async updateChannelMemberRoles(
    channelId: string,
    userId: string,
    newRoles: string,
  ): Promise<ChannelMember> {
    const request = { channelId, userId, newRoles };
    const { member } = await this.#rpc.updateChannelMemberRoles(request, this.#options);
    return present(member, "UpdateChannelMemberRoles", "member");
  }

  // Posts

  async getPost(postId: string): Promise<Post> {
    return present((await this.#rpc.getPost({ postId }, this.#options)).post, "GetPost", "post");
  }

  /** Creates a post through the full pipeline, MessageWillBePosted included. */
  async createPost(post: PostInit): Promise<Post> {
    const created = await this.#rpc.createPost({ post }, this.#options);
    return present(created.post, "CreatePost", "post");
  }

  /** Updates message, props or file ids of the post `post.id`. */
  async updatePost(post: PostInit): Promise<Post> {
    const updated = await this.#rpc.updatePost({ post }, this.#options);
    return present(updated.post, "UpdatePost", "post");
  }

  async deletePost(postId: string): Promise<void> {
    await this.#rpc.deletePost({ postId }, this.#options);
  }

  /** A page of a channel's posts, newest first. */
  async getPostsForChannel(channelId: string, paging: PageOptions = {}): Promise<Post[]> {
    return (await this.#rpc.getPostsForChannel({ channelId, paging }, this.#options)).posts;
  }

  /** Shows a post to one user only, without storing it; `channelId` and `message` are required. */
  async sendEphemeralPost(userId: string, post: PostInit): Promise<Post> {
    const sent = await this.#rpc.sendEphemeralPost({ userId, post }, this.#options);
    return present(sent.post, "SendEphemeralPost", "post");
  }

  /** Shows a user a changed ephemeral post (`id` and `channelId` say which). */
  async updateEphemeralPost(userId: string, post: PostInit): Promise<Post> {
    const sent = await this.#rpc.updateEphemeralPost({ userId, post }, this.#options);
    return present(sent.post, "UpdateEphemeralPost", "post");
  }

  /** Takes an ephemeral post back from the user it was shown to. */
  async deleteEphemeralPost(userId: string, postId: string): Promise<void> {
    await this.#rpc.deleteEphemeralPost({ userId, postId }, this.#options);
  }

  /** A post (first in `order`) with its whole thread. */
  async getPostThread(postId: string): Promise<PostList> {
    const { postList } = await this.#rpc.getPostThread({ postId }, this.#options);
    return present(postList, "GetPostThread", "post_list");
  }

  /** A channel's posts created, edited or deleted after `time` (ms since the epoch). */
  async getPostsSince(channelId: string, time: number | bigint): Promise<PostList> {
    const request = { channelId, time: BigInt(time) };
    const { postList } = await this.#rpc.getPostsSince(request, this.#options);
    return present(postList, "GetPostsSince", "post_list");
  }

  /** A page of a channel's posts newer than a post, newest first. */
  async getPostsAfter(
    channelId: string,
    postId: string,
    paging: PageOptions = {},
  ): Promise<PostList> {
    const request = { channelId, postId, paging };
    const { postList } = await this.#rpc.getPostsAfter(request, this.#options);
    return present(postList, "GetPostsAfter", "post_list");
  }

  /** A page of a channel's posts older than a post, newest first. */
  async getPostsBefore(
    channelId: string,
    postId: string,
    paging: PageOptions = {},
  ): Promise<PostList> {
    const request = { channelId, postId, paging };
    const { postList } = await this.#rpc.getPostsBefore(request, this.#options);
    return present(postList, "GetPostsBefore", "post_list");
  }

  /** The posts of these ids (1 to 1000) that exist, newest first. */
  async getPostsByIds(postIds: readonly string[]): Promise<Post[]> {
    return (await this.#rpc.getPostsByIds({ postIds: [...postIds] }, this.#options)).posts;
  }

  /** A channel's pinned posts, newest first. */
  async getPinnedPosts(channelId: string): Promise<PostList> {
    const { postList } = await this.#rpc.getPinnedPosts({ channelId }, this.#options);
    return present(postList, "GetPinnedPosts", "post_list");
  }

  /** Posts of every channel of a team matching any of the searches, newest first. */
  async searchPostsInTeam(
    teamId: string,
    paramsList: readonly SearchParamsInit[],
  ): Promise<Post[]> {
    const request = { teamId, paramsList: [...paramsList] };
    return (await this.#rpc.searchPostsInTeam(request, this.#options)).posts;
  }

  /** A page of what a user's search finds in the team's channels the user is a member of. */
  async searchPostsInTeamForUser(
    teamId: string,
    userId: string,
    searchParams: SearchParameterInit,
  ): Promise<PostSearchResults> {
    const request = { teamId, userId, searchParams };
    const { results } = await this.#rpc.searchPostsInTeamForUser(request, this.#options);
    return present(results, "SearchPostsInTeamForUser", "results");
  }

  // Reactions, preferences, statuses

  /** Adds `reaction.userId`'s reaction to a post; ReactionHasBeenAdded follows. */
  async addReaction(reaction: ReactionInit): Promise<Reaction> {
    const added = await this.#rpc.addReaction({ reaction }, this.#options);
    return present(added.reaction, "AddReaction", "reaction");
  }

  /** Removes a user's reaction (userId, postId, emojiName); ReactionHasBeenRemoved follows. */
  async removeReaction(reaction: ReactionInit): Promise<void> {
    await this.#rpc.removeReaction({ reaction }, this.#options);
  }

  /** The reactions to a post, oldest first. */
  async getReactions(postId: string): Promise<Reaction[]> {
    return (await this.#rpc.getReactions({ postId }, this.#options)).reactions;
  }

  async getPreferencesForUser(userId: string): Promise<Preference[]> {
    return (await this.#rpc.getPreferencesForUser({ userId }, this.#options)).preferences;
  }

  /** One preference; NotFoundError when it is not set. */
  async getPreferenceForUser(userId: string, category: string, name: string): Promise<Preference> {
    const found = await this.#rpc.getPreferenceForUser({ userId, category, name }, this.#options);
    return present(found.preference, "GetPreferenceForUser", "preference");
  }

  /** Saves preferences, each of which must name `userId`; PreferencesHaveChanged follows. */
  async updatePreferencesForUser(userId: string, preferences: PreferenceInit[]): Promise<void> {
    await this.#rpc.updatePreferencesForUser({ userId, preferences }, this.#options);
  }

  async deletePreferencesForUser(userId: string, preferences: PreferenceInit[]): Promise<void> {
    await this.#rpc.deletePreferencesForUser({ userId, preferences }, this.#options);
  }

  /** "online", "away", "dnd" or "offline" and when the user was last active. */
  async getUserStatus(userId: string): Promise<Status> {
    const found = await this.#rpc.getUserStatus({ userId }, this.#options);
    return present(found.status, "GetUserStatus", "status");
  }

  async getUserStatusesByIds(userIds: readonly string[]): Promise<Status[]> {
    return (await this.#rpc.getUserStatusesByIds({ userIds: [...userIds] }, this.#options))
      .statuses;
  }

  /** Sets the status by hand: "online", "away", "dnd" or "offline". */
  async updateUserStatus(userId: string, status: string): Promise<Status> {
    const updated = await this.#rpc.updateUserStatus({ userId, status }, this.#options);
    return present(updated.status, "UpdateUserStatus", "status");
  }

  /** Do-not-disturb until `endTime`, in seconds since the epoch (Mattermost's unit here). */
  async setUserStatusTimedDND(userId: string, endTime: number): Promise<Status> {
    const updated = await this.#rpc.setUserStatusTimedDND(
      { userId, endTime: BigInt(endTime) },
      this.#options,
    );
    return present(updated.status, "SetUserStatusTimedDND", "status");
  }

  async updateUserCustomStatus(userId: string, customStatus: CustomStatusInit): Promise<void> {
    await this.#rpc.updateUserCustomStatus({ userId, customStatus }, this.#options);
  }

  async removeUserCustomStatus(userId: string): Promise<void> {
    await this.#rpc.removeUserCustomStatus({ userId }, this.#options);
  }

  // Files

  /** Stores a file, sending it in chunks of at most 64 KiB whatever the chunks given. */
  async uploadFile(
    channelId: string,
    name: string,
    data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<FileInfo> {
    const { fileInfo } = await this.#rpc.uploadFile(
      uploadFrames(channelId, name, data),
      this.#options,
    );
    return present(fileInfo, "UploadFile", "file_info");
  }

  /** A file's whole content. */
  async getFile(fileId: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of (await this.getFileStream(fileId)).data) {
      chunks.push(chunk);
    }
    return concatChunks(chunks);
  }

  /** A file's metadata at once and its content as it arrives, for files too big to buffer. */
  async getFileStream(fileId: string): Promise<FileDownload> {
    const frames = this.#rpc.getFile({ fileId }, this.#options)[Symbol.asyncIterator]();
    const first = await frames.next();
    if (first.done === true || first.value.frame.case !== "fileInfo") {
      await frames.return?.();
      throw new InternalError({
        message: "GetFile answered without the file's metadata first",
        where: "PluginAPI.GetFile",
      });
    }
    return { info: first.value.frame.value, data: fileData(frames) };
  }

  async getFileInfo(fileId: string): Promise<FileInfo> {
    const { fileInfo } = await this.#rpc.getFileInfo({ fileId }, this.#options);
    return present(fileInfo, "GetFileInfo", "file_info");
  }

  /** A page of file records, oldest first unless `options` asks otherwise. */
  async getFileInfos(
    page: number,
    perPage: number,
    options: GetFileInfosOptions = {},
  ): Promise<FileInfo[]> {
    const request = { paging: { page, perPage }, options };
    return (await this.#rpc.getFileInfos(request, this.#options)).fileInfos;
  }

  /**
   * Copies file records (the bytes are shared) so another post can carry the files; the copies
   * are unattached and recorded as uploaded by `userId`. Their ids, in order.
   */
  async copyFileInfos(userId: string, fileIds: readonly string[]): Promise<string[]> {
    const request = { userId, fileIds: [...fileIds] };
    return (await this.#rpc.copyFileInfos(request, this.#options)).fileIds;
  }

  /**
   * A link anyone can read a file of a post by, without logging in. Refused (501) unless the
   * host serves public links.
   */
  async getFileLink(fileId: string): Promise<string> {
    return (await this.#rpc.getFileLink({ fileId }, this.#options)).link;
  }

  /** The whole content at a path of the file store (a FileInfo's `path`). */
  async readFile(path: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const { data } of this.#rpc.readFile({ path }, this.#options)) {
      chunks.push(data);
    }
    return concatChunks(chunks);
  }

  /** Sets the text file search finds in a file, e.g. what a plugin extracted from a document. */
  async setFileSearchableContent(fileId: string, content: string): Promise<void> {
    await this.#rpc.setFileSearchableContent({ fileId, content }, this.#options);
  }

  /** Starts a resumable upload; send its data with uploadData, in as many parts as needed. */
  async createUploadSession(session: UploadSessionInit): Promise<UploadSession> {
    const { uploadSession } = await this.#rpc.createUploadSession(
      { uploadSession: { ...session, fileSize: BigInt(session.fileSize) } },
      this.#options,
    );
    return present(uploadSession, "CreateUploadSession", "upload_session");
  }

  /**
   * Sends the next part of a resumable upload, from the session's `fileOffset` (read it again
   * with getUploadSession to resume). A first part smaller than 5 MiB must be the whole file.
   * The stored file once every byte is in; undefined while bytes are missing.
   */
  async uploadData(
    session: UploadPosition,
    data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<FileInfo | undefined> {
    const { fileInfo } = await this.#rpc.uploadData(uploadDataFrames(session, data), this.#options);
    return fileInfo;
  }

  /** A resumable upload's state: its file_offset says how many bytes are in. */
  async getUploadSession(uploadId: string): Promise<UploadSession> {
    const { uploadSession } = await this.#rpc.getUploadSession({ uploadId }, this.#options);
    return present(uploadSession, "GetUploadSession", "upload_session");
  }

  // Key-value store

  /** The value of a key of this plugin's store, or undefined when absent or expired. */
  async kvGet(key: string): Promise<Uint8Array | undefined> {
    return (await this.#rpc.kVGet({ key }, this.#options)).value;
  }

  /**
   * The values of several keys in one call, by key; keys that are absent or expired are left
   * out. Cheaper than kvGet in a loop: one round trip whatever the number of keys (at most
   * 1000).
   */
  async kvGetMany(keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    const { values } = await this.#rpc.kVGetMany({ keys: [...keys] }, this.#options);
    return new Map(Object.entries(values));
  }

  /** Writes a key. */
  async kvSet(key: string, value: Uint8Array, options: KVSetOptions = {}): Promise<void> {
    const expireInSeconds = BigInt(options.expireInSeconds ?? 0);
    await this.#rpc.kVSet({ key, value, expireInSeconds }, this.#options);
  }

  /**
   * Writes a key, or deletes it when `value` is undefined; with `atomic`, only when the current
   * value equals `oldValue`. Resolves to whether the write happened.
   */
  async kvSetWithOptions(
    key: string,
    value: Uint8Array | undefined,
    options: KVSetWithOptions = {},
  ): Promise<boolean> {
    const { atomic = false, oldValue, expireInSeconds = 0 } = options;
    const request = {
      key,
      value,
      options: { atomic, oldValue, expireInSeconds: BigInt(expireInSeconds) },
    };
    return (await this.#rpc.kVSetWithOptions(request, this.#options)).written;
  }

  /** The value of a key parsed as UTF-8 JSON; the type parameter is not checked. */
  async kvGetJSON<T = unknown>(key: string): Promise<T | undefined> {
    const value = await this.kvGet(key);
    return value === undefined ? undefined : (JSON.parse(decoder.decode(value)) as T);
  }

  /** Writes a value as UTF-8 JSON. */
  async kvSetJSON(key: string, value: unknown, options: KVSetOptions = {}): Promise<void> {
    await this.kvSet(key, encoder.encode(JSON.stringify(value)), options);
  }

  /** Deletes a key; deleting an absent key is not an error. */
  async kvDelete(key: string): Promise<void> {
    await this.#rpc.kVDelete({ key }, this.#options);
  }

  /** Deletes every key of this plugin's store. */
  async kvDeleteAll(): Promise<void> {
    await this.#rpc.kVDeleteAll({}, this.#options);
  }

  /** A page of keys in key order; expired keys are left out. */
  async kvList(paging: PageOptions = {}): Promise<string[]> {
    return (await this.#rpc.kVList({ paging }, this.#options)).keys;
  }

  // Commands, bots, cluster

  /** Registers a slash command; ExecuteCommand receives its invocations. */
  async registerCommand(command: CommandInit): Promise<void> {
    await this.#rpc.registerCommand({ command }, this.#options);
  }

  /** Removes a slash command; an empty `teamId` means the command registered for every team. */
  async unregisterCommand(teamId: string, trigger: string): Promise<void> {
    await this.#rpc.unregisterCommand({ teamId, trigger }, this.#options);
  }

  /**
   * Runs any slash command as `args.userId` (a plugin's or a custom one) and delivers its
   * answer as the host does for a person; resolves to the answer.
   */
  async executeSlashCommand(args: CommandArgsInit): Promise<CommandResponse> {
    const { response } = await this.#rpc.executeSlashCommand({ args }, this.#options);
    return present(response, "ExecuteSlashCommand", "response");
  }

  /**
   * Makes a custom command that outlives this plugin: the host calls its `url` (a plugin
   * route "/plugins/<id>/…") when it runs. Resolves to it with its id and token.
   */
  async createCommand(command: CommandInit): Promise<Command> {
    return present(
      (await this.#rpc.createCommand({ command }, this.#options)).command,
      "CreateCommand",
      "command",
    );
  }

  /** Every command of a team: plugins' and custom ones. */
  async listCommands(teamId: string): Promise<Command[]> {
    return (await this.#rpc.listCommands({ teamId }, this.#options)).commands;
  }

  /** A team's custom commands. */
  async listCustomCommands(teamId: string): Promise<Command[]> {
    return (await this.#rpc.listCustomCommands({ teamId }, this.#options)).commands;
  }

  /** The plugin commands a team sees. */
  async listPluginCommands(teamId: string): Promise<Command[]> {
    return (await this.#rpc.listPluginCommands({ teamId }, this.#options)).commands;
  }

  /** The built-in commands: the host has none, so always `[]`. */
  async listBuiltInCommands(): Promise<Command[]> {
    return (await this.#rpc.listBuiltInCommands({}, this.#options)).commands;
  }

  /** A custom command by id; NotFoundError when there is none. */
  async getCommand(commandId: string): Promise<Command> {
    return present(
      (await this.#rpc.getCommand({ commandId }, this.#options)).command,
      "GetCommand",
      "command",
    );
  }

  /** Changes a custom command; its id, token and owner stay. */
  async updateCommand(commandId: string, command: CommandInit): Promise<Command> {
    const response = await this.#rpc.updateCommand({ commandId, command }, this.#options);
    return present(response.command, "UpdateCommand", "command");
  }

  /** Deletes a custom command. */
  async deleteCommand(commandId: string): Promise<void> {
    await this.#rpc.deleteCommand({ commandId }, this.#options);
  }

  /**
   * Opens an interactive dialog in the client of the user a trigger id belongs to (from
   * ExecuteCommand's args or a post action request; valid once, for 30 seconds). Its
   * submission is posted to `url`, a route of this plugin.
   */
  async openInteractiveDialog(request: OpenDialogInit): Promise<void> {
    await this.#rpc.openInteractiveDialog(request, this.#options);
  }

  /** Makes sure the plugin's bot account exists; resolves to its user id. */
  async ensureBotUser(bot: BotInit): Promise<string> {
    return (await this.#rpc.ensureBotUser(bot, this.#options)).userId;
  }

  /** Creates a bot and its user, owned by this plugin unless `ownerId` says otherwise. */
  async createBot(bot: CreateBotInit): Promise<Bot> {
    return present((await this.#rpc.createBot({ bot }, this.#options)).bot, "CreateBot", "bot");
  }

  /** Changes a bot's username, display name or description. */
  async patchBot(botUserId: string, patch: BotPatchInit): Promise<Bot> {
    const { bot } = await this.#rpc.patchBot({ botUserId, botPatch: patch }, this.#options);
    return present(bot, "PatchBot", "bot");
  }

  /** A bot by user id; NotFoundError for a user that is no bot, or a disabled one unless asked. */
  async getBot(botUserId: string, includeDeleted = false): Promise<Bot> {
    const { bot } = await this.#rpc.getBot({ botUserId, includeDeleted }, this.#options);
    return present(bot, "GetBot", "bot");
  }

  /** A page of bots by username. */
  async getBots(options: GetBotsOptions = {}): Promise<Bot[]> {
    const { page, perPage, ...filters } = options;
    const request = { options: { ...filters, paging: { page, perPage } } };
    return (await this.#rpc.getBots(request, this.#options)).bots;
  }

  /** Disables (false) or enables (true) a bot and its user. */
  async updateBotActive(botUserId: string, active: boolean): Promise<Bot> {
    const { bot } = await this.#rpc.updateBotActive({ botUserId, active }, this.#options);
    return present(bot, "UpdateBotActive", "bot");
  }

  /** Erases a bot and its user, with its posts, memberships, sessions and tokens. */
  async permanentDeleteBot(botUserId: string): Promise<void> {
    await this.#rpc.permanentDeleteBot({ botUserId }, this.#options);
  }

  // Sessions and personal access tokens

  /** A session by id; its token is never answered again after createSession. */
  async getSession(sessionId: string): Promise<Session> {
    const { session } = await this.#rpc.getSession({ sessionId }, this.#options);
    return present(session, "GetSession", "session");
  }

  /** Opens a session for a user; the answer carries the token, once. */
  async createSession(session: SessionInit): Promise<Session> {
    const created = (await this.#rpc.createSession({ session }, this.#options)).session;
    return present(created, "CreateSession", "session");
  }

  /** Moves a session's expiry to `newExpiry` (ms since the epoch). */
  async extendSessionExpiry(sessionId: string, newExpiry: number): Promise<void> {
    await this.#rpc.extendSessionExpiry({ sessionId, newExpiry }, this.#options);
  }

  /** Ends a session: its token opens nothing more and its websockets close. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.#rpc.revokeSession({ sessionId }, this.#options);
  }

  /**
   * Issues a personal access token for a user (REST: "Authorization: Bearer <token>"); the
   * answer carries the token, once.
   */
  async createUserAccessToken(token: {
    userId: string;
    description: string;
  }): Promise<UserAccessToken> {
    const created = (await this.#rpc.createUserAccessToken({ token }, this.#options)).token;
    return present(created, "CreateUserAccessToken", "token");
  }

  /** Withdraws a personal access token and ends its session. */
  async revokeUserAccessToken(tokenId: string): Promise<void> {
    await this.#rpc.revokeUserAccessToken({ tokenId }, this.#options);
  }

  // Audit log

  /** Writes a record to the host's audit log, which system admins read (GET /api/v4/audits). */
  async logAuditRec(record: AuditRecordInit): Promise<void> {
    await this.#rpc.logAuditRec({ record }, this.#options);
  }

  /** Writes a record to the audit log at a level. */
  async logAuditRecWithLevel(record: AuditRecordInit, level: AuditLevel): Promise<void> {
    await this.#rpc.logAuditRecWithLevel({ record, level }, this.#options);
  }

  /** Sends an event to this plugin's instances on the other hosts of the cluster. */
  async publishPluginClusterEvent(
    event: { id: string; data?: Uint8Array },
    options: ClusterEventOptions = {},
  ): Promise<void> {
    const { PublishPluginClusterEventRequest_SendType: SendType } = await import(
      "@plugwire/protocol/plugin-api"
    );
    const sendType = options.sendType === "reliable" ? SendType.RELIABLE : SendType.BEST_EFFORT;
    const request = { event, sendType, targetId: options.targetId ?? "" };
    await this.#rpc.publishPluginClusterEvent(request, this.#options);
  }

  // Realtime

  /**
   * Sends `custom_<plugin id>_<event>` with `payload` to the websocket clients `broadcast`
   * names. A payload holding a value JSON can't carry throws ValidationError, and nothing is sent.
   */
  async publishWebSocketEvent(
    event: string,
    payload: Record<string, unknown>,
    broadcast: WebSocketBroadcastInit = {},
  ): Promise<void> {
    const request = { event, payload: jsonObject(payload, "payload"), broadcast };
    await this.#rpc.publishWebSocketEvent(request, this.#options);
  }

  /**
   * Shows a toast with `message` in the user's clients, or only in the connection
   * `connectionId` when it is not empty (the show_toast websocket event).
   */
  async sendToastMessage(
    userId: string,
    connectionId: string,
    message: string,
    options: ToastOptions = {},
  ): Promise<void> {
    const request = { userId, connectionId, message, position: options.position ?? "" };
    await this.#rpc.sendToastMessage(request, this.#options);
  }

  /** Tells the channel's other members that `userId` is typing (in thread `parentId`). */
  async publishUserTyping(userId: string, channelId: string, parentId = ""): Promise<void> {
    await this.#rpc.publishUserTyping({ userId, channelId, parentId }, this.#options);
  }

  // Groups

  /** A group by id, deleted or not; NotFoundError when there is none. */
  async getGroup(groupId: string): Promise<Group> {
    return present(
      (await this.#rpc.getGroup({ groupId }, this.#options)).group,
      "GetGroup",
      "group",
    );
  }

  /** A group by the name it is mentioned by. */
  async getGroupByName(name: string): Promise<Group> {
    const { group } = await this.#rpc.getGroupByName({ name }, this.#options);
    return present(group, "GetGroupByName", "group");
  }

  /** A group by its id in its source system, e.g. a plugin's "plugin_<name>" groups. */
  async getGroupByRemoteID(remoteId: string, groupSource: string): Promise<Group> {
    const { group } = await this.#rpc.getGroupByRemoteID({ remoteId, groupSource }, this.#options);
    return present(group, "GetGroupByRemoteID", "group");
  }

  /** A page of a group's members with active accounts, by username. */
  async getGroupMemberUsers(groupId: string, paging: PageOptions = {}): Promise<User[]> {
    return (await this.#rpc.getGroupMemberUsers({ groupId, paging }, this.#options)).users;
  }

  /** Every group of one source ("custom", "ldap", "plugin_<name>") that is not deleted. */
  async getGroupsBySource(groupSource: string): Promise<Group[]> {
    return (await this.#rpc.getGroupsBySource({ groupSource }, this.#options)).groups;
  }

  /** The groups a user is a member of. */
  async getGroupsForUser(userId: string): Promise<Group[]> {
    return (await this.#rpc.getGroupsForUser({ userId }, this.#options)).groups;
  }

  /** A filtered page of groups, by display name. */
  async getGroups(paging: PageOptions = {}, opts: GroupSearchOptions = {}): Promise<Group[]> {
    return (await this.#rpc.getGroups({ paging, opts }, this.#options)).groups;
  }

  /** Makes a group; a plugin's own groups have source "plugin_<name>" and a remote id. */
  async createGroup(group: GroupInit): Promise<Group> {
    const created = await this.#rpc.createGroup({ group }, this.#options);
    return present(created.group, "CreateGroup", "group");
  }

  /** Saves a group's name, display name, description and allowReference (`group.id` selects it). */
  async updateGroup(group: GroupInit): Promise<Group> {
    const updated = await this.#rpc.updateGroup({ group }, this.#options);
    return present(updated.group, "UpdateGroup", "group");
  }

  /** Deletes a group; restoreGroup brings it back. */
  async deleteGroup(groupId: string): Promise<Group> {
    const deleted = await this.#rpc.deleteGroup({ groupId }, this.#options);
    return present(deleted.group, "DeleteGroup", "group");
  }

  /** Restores a deleted group. */
  async restoreGroup(groupId: string): Promise<Group> {
    const restored = await this.#rpc.restoreGroup({ groupId }, this.#options);
    return present(restored.group, "RestoreGroup", "group");
  }

  /** Makes a user a member of a group (or keeps them one). */
  async upsertGroupMember(groupId: string, userId: string): Promise<GroupMember> {
    const { groupMember } = await this.#rpc.upsertGroupMember({ groupId, userId }, this.#options);
    return present(groupMember, "UpsertGroupMember", "group_member");
  }

  /** Makes users members of a group, all or none. */
  async upsertGroupMembers(groupId: string, userIds: string[]): Promise<GroupMember[]> {
    return (await this.#rpc.upsertGroupMembers({ groupId, userIds }, this.#options)).groupMembers;
  }

  /** Takes a user out of a group. */
  async deleteGroupMember(groupId: string, userId: string): Promise<GroupMember> {
    const { groupMember } = await this.#rpc.deleteGroupMember({ groupId, userId }, this.#options);
    return present(groupMember, "DeleteGroupMember", "group_member");
  }

  /** A group's link to a team or channel (`syncableType` "team" or "channel"). */
  async getGroupSyncable(
    groupId: string,
    syncableId: string,
    syncableType: string,
  ): Promise<GroupSyncable> {
    const request = { groupId, syncableId, syncableType };
    const { groupSyncable } = await this.#rpc.getGroupSyncable(request, this.#options);
    return present(groupSyncable, "GetGroupSyncable", "group_syncable");
  }

  /** A group's links of one type. */
  async getGroupSyncables(groupId: string, syncableType: string): Promise<GroupSyncable[]> {
    const request = { groupId, syncableType };
    return (await this.#rpc.getGroupSyncables(request, this.#options)).groupSyncables;
  }

  /** Links a group to a team or channel (a channel's team too), or changes the link. */
  async upsertGroupSyncable(groupSyncable: GroupSyncableInit): Promise<GroupSyncable> {
    const saved = await this.#rpc.upsertGroupSyncable({ groupSyncable }, this.#options);
    return present(saved.groupSyncable, "UpsertGroupSyncable", "group_syncable");
  }

  /** Changes an existing link's autoAdd and schemeAdmin. */
  async updateGroupSyncable(groupSyncable: GroupSyncableInit): Promise<GroupSyncable> {
    const saved = await this.#rpc.updateGroupSyncable({ groupSyncable }, this.#options);
    return present(saved.groupSyncable, "UpdateGroupSyncable", "group_syncable");
  }

  /** Removes a group's link (a team's link takes its channels' links along). */
  async deleteGroupSyncable(
    groupId: string,
    syncableId: string,
    syncableType: string,
  ): Promise<GroupSyncable> {
    const request = { groupId, syncableId, syncableType };
    const deleted = await this.#rpc.deleteGroupSyncable(request, this.#options);
    return present(deleted.groupSyncable, "DeleteGroupSyncable", "group_syncable");
  }

  /**
   * Adds the members of groups linked with autoAdd to those teams, then channels (a channel's
   * team first), as Mattermost's CreateDefaultSyncableMemberships: group memberships made or
   * links changed at or after `since`, optionally for one user, team or channel;
   * `reAddRemovedMembers` also adds back those who left. Bots and deactivated users are skipped.
   */
  async createDefaultSyncableMemberships(params: CreateDefaultMembershipParamsInit): Promise<void> {
    await this.#rpc.createDefaultSyncableMemberships({ params }, this.#options);
  }

  /**
   * Removes the members of group-constrained teams, then channels, who are in none of the
   * groups linked to them, as Mattermost's DeleteGroupConstrainedMemberships (bots are kept);
   * removal is the ordinary one, with its hooks, events and system posts.
   */
  async deleteGroupConstrainedMemberships(): Promise<void> {
    await this.#rpc.deleteGroupConstrainedMemberships({}, this.#options);
  }

  // Custom emoji

  /** A custom emoji by id; NotFoundError when there is none. */
  async getEmoji(emojiId: string): Promise<Emoji> {
    const { emoji } = await this.#rpc.getEmoji({ emojiId }, this.#options);
    return present(emoji, "GetEmoji", "emoji");
  }

  /** A custom emoji by name (without colons). */
  async getEmojiByName(name: string): Promise<Emoji> {
    const { emoji } = await this.#rpc.getEmojiByName({ name }, this.#options);
    return present(emoji, "GetEmojiByName", "emoji");
  }

  /** A custom emoji's image and its format ("png", "gif", "jpeg" or "webp"). */
  async getEmojiImage(emojiId: string): Promise<{ image: Uint8Array; imageType: string }> {
    const { image, imageType } = await this.#rpc.getEmojiImage({ emojiId }, this.#options);
    return { image, imageType };
  }

  /** A page of custom emoji, oldest first, or by name with `sortBy` "name". */
  async getEmojiList(sortBy = "", paging: PageOptions = {}): Promise<Emoji[]> {
    return (await this.#rpc.getEmojiList({ sortBy, paging }, this.#options)).emojis;
  }

  // OAuth 2.0 client apps (the records: the host runs no OAuth flow)

  /**
   * Registers an OAuth app made by `app.creatorId` (a user id); the host assigns its id and
   * client secret, and the answer carries the secret.
   */
  async createOAuthApp(app: OAuthAppInit): Promise<OAuthApp> {
    const created = await this.#rpc.createOAuthApp({ app }, this.#options);
    return present(created.app, "CreateOAuthApp", "app");
  }

  /** An OAuth app, with its client secret; NotFoundError when there is none. */
  async getOAuthApp(appId: string): Promise<OAuthApp> {
    const { app } = await this.#rpc.getOAuthApp({ appId }, this.#options);
    return present(app, "GetOAuthApp", "app");
  }

  /**
   * Writes an app's fields over the app with `app.id` (send them all: an unset one is cleared);
   * its creator, creation time and client secret stay.
   */
  async updateOAuthApp(app: OAuthAppInit): Promise<OAuthApp> {
    const updated = await this.#rpc.updateOAuthApp({ app }, this.#options);
    return present(updated.app, "UpdateOAuthApp", "app");
  }

  /** Removes an OAuth app. */
  async deleteOAuthApp(appId: string): Promise<void> {
    await this.#rpc.deleteOAuthApp({ appId }, this.#options);
  }
}

/** A response field the host must always set; its absence is the host's bug, not the caller's. */
function present<T>(value: T | undefined, rpc: string, field: string): T {
  if (value === undefined) {
    throw new InternalError({
      message: `${rpc} answered without ${field}`,
      where: `PluginAPI.${rpc}`,
    });
  }
  return value;
}

async function* uploadFrames(
  channelId: string,
  name: string,
  data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<UploadFrame> {
  yield { frame: { case: "head", value: { channelId, name } } };
  const chunks = data instanceof Uint8Array ? [data] : data;
  for await (const chunk of chunks) {
    for (const piece of splitChunks(chunk)) {
      yield { frame: { case: "data", value: piece } };
    }
  }
}

async function* uploadDataFrames(
  session: UploadPosition,
  data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<UploadDataFrame> {
  const uploadSession = { id: session.id, fileOffset: session.fileOffset };
  yield { frame: { case: "head", value: { uploadSession } } };
  const chunks = data instanceof Uint8Array ? [data] : data;
  for await (const chunk of chunks) {
    for (const piece of splitChunks(chunk)) {
      yield { frame: { case: "data", value: piece } };
    }
  }
}

async function* bundleFrames(
  bundle: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  replace: boolean,
): AsyncGenerator<PlainInit<typeof InstallPluginRequestSchema>> {
  yield { frame: { case: "head", value: { replace } } };
  const chunks = bundle instanceof Uint8Array ? [bundle] : bundle;
  for await (const chunk of chunks) {
    for (const piece of splitChunks(chunk)) {
      yield { frame: { case: "data", value: piece } };
    }
  }
}

async function* fileData(
  frames: AsyncIterator<Plain<GetFileResponse>>,
): AsyncGenerator<Uint8Array> {
  try {
    for (let next = await frames.next(); next.done !== true; next = await frames.next()) {
      if (next.value.frame.case === "data") {
        yield next.value.frame.value;
      }
    }
  } finally {
    // Breaking out of the caller's loop must end the RPC too.
    await frames.return?.();
  }
}
