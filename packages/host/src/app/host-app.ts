// The application layer as the host runs it: one object with every operation of App. Each
// operation that does more than one store call (hooks, events, checks, several writes) is done
// by the area that owns it (users, sessions, teams, channels, posts, files, plugins,
// permissions) over the shared AppCore; reads, and writes nothing surrounds, go to the store.
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  Command,
  CommandArgs,
  CommandResponse,
  FileInfo,
  PluginClusterEvent,
  Post,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";
import type { Logger } from "../log.js";
import type { KVWriteOptions, PageQuery, Session, Store, UserQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { App } from "./app.js";
import { AppCore, type HostAppOptions } from "./app-core.js";
import type { AppEvents } from "./app-events.js";
import { Channels } from "./channel-operations.js";
import { Files, type FileUpload } from "./file-operations.js";
import { type Permission, Permissions, type Subject } from "./permissions.js";
import { type BotRequest, Plugins } from "./plugin-operations.js";
import { Posts } from "./post-operations.js";
import { type Authenticated, type Login, Sessions } from "./session-operations.js";
import { Teams } from "./team-operations.js";
import { Users } from "./user-operations.js";

export type { HostAppOptions } from "./app-core.js";
export type { AppEvents } from "./app-events.js";
export {
  MAX_POST_MESSAGE_LENGTH,
  POST_DISMISSED_ID,
  POST_REJECTED_ID,
} from "./post-operations.js";
export { type Authenticated, LOGIN_REJECTED_ID, type Login } from "./session-operations.js";

export class HostApp implements App {
  private readonly core: AppCore;
  /** Where reads and the writes nothing surrounds (KV, settings) go as they are. */
  private readonly store: Store;
  private readonly users: Users;
  private readonly sessions: Sessions;
  private readonly teams: Teams;
  private readonly channels: Channels;
  private readonly posts: Posts;
  private readonly fileOps: Files;
  private readonly plugins: Plugins;
  private readonly permissions: Permissions;

  constructor(options: HostAppOptions) {
    this.core = new AppCore(options);
    this.store = options.store;
    this.users = new Users(this.core);
    this.sessions = new Sessions(this.core);
    this.teams = new Teams(this.core);
    this.channels = new Channels(this.core);
    this.posts = new Posts(this.core);
    this.fileOps = new Files(this.core);
    this.plugins = new Plugins(this.core, this.users);
    this.permissions = new Permissions(options.store);
  }

  /** Where the application layer logs, for the servers built on it. */
  get logger(): Logger {
    return this.core.log;
  }

  /** Adds a listener of the app's events; returns a function that removes it. */
  subscribe(events: AppEvents): () => void {
    return this.core.subscribe(events);
  }

  /** Resolves once every notification hook started so far has finished. */
  settled(): Promise<void> {
    return this.core.settled();
  }

  /** Delivers a cluster event from another host to this host's instance of the plugin. */
  deliverClusterEvent(pluginId: string, event: PluginClusterEvent): void {
    this.plugins.deliverClusterEvent(pluginId, event);
  }

  // Users.
  createUser(actor: Actor, user: User, password?: string): Promise<User> {
    return this.users.createUser(actor, user, password);
  }
  updateUser(actor: Actor, user: User): Promise<User> {
    return this.users.updateUser(actor, user);
  }
  deactivateUser(actor: Actor, userId: string): Promise<User> {
    return this.users.deactivateUser(actor, userId);
  }
  getUser(userId: string): Promise<User> {
    return this.store.getUser(userId);
  }
  getUserByUsername(username: string): Promise<User> {
    return this.store.getUserByUsername(username);
  }
  getUserByEmail(email: string): Promise<User> {
    return this.store.getUserByEmail(email);
  }
  getUsers(query: UserQuery): Promise<User[]> {
    return this.store.getUsers(query);
  }
  getUsersByIds(userIds: readonly string[]): Promise<User[]> {
    return this.store.getUsersByIds(userIds);
  }

  // Sessions.
  login(actor: Actor, loginId: string, password: string): Promise<Login> {
    return this.sessions.login(actor, loginId, password);
  }
  updatePassword(userId: string, newPassword: string, currentPassword?: string): Promise<void> {
    return this.sessions.updatePassword(userId, newPassword, currentPassword);
  }
  resetFailedAttempts(userId: string): Promise<void> {
    return this.sessions.resetFailedAttempts(userId);
  }
  logout(session: Session): Promise<void> {
    return this.sessions.logout(session);
  }
  authenticate(token: string): Promise<Authenticated | undefined> {
    return this.sessions.authenticate(token);
  }

  // Teams.
  createTeam(_actor: Actor, team: Team): Promise<Team> {
    return this.store.createTeam(team);
  }
  updateTeam(actor: Actor, team: Team): Promise<Team> {
    return this.teams.updateTeam(actor, team);
  }
  getTeam(teamId: string): Promise<Team> {
    return this.store.getTeam(teamId);
  }
  getTeamByName(name: string): Promise<Team> {
    return this.store.getTeamByName(name);
  }
  getTeams(page: PageQuery): Promise<Team[]> {
    return this.store.getTeams(page);
  }
  getOpenTeams(page: PageQuery): Promise<Team[]> {
    return this.store.getOpenTeams(page);
  }
  getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]> {
    return this.store.getTeamMembers(teamId, page);
  }
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined> {
    return this.store.getTeamMember(teamId, userId);
  }
  addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options?: { admin?: boolean },
  ): Promise<TeamMember> {
    return this.teams.addTeamMember(actor, teamId, userId, options);
  }
  removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    return this.teams.removeTeamMember(actor, teamId, userId);
  }

  // Channels.
  createChannel(
    actor: Actor,
    channel: Channel,
    options?: { addCreator?: boolean },
  ): Promise<Channel> {
    return this.channels.createChannel(actor, channel, options);
  }
  updateChannel(_actor: Actor, channel: Channel): Promise<Channel> {
    return this.store.updateChannel(channel);
  }
  deleteChannel(_actor: Actor, channelId: string): Promise<Channel> {
    return this.store.deleteChannel(channelId);
  }
  getChannel(channelId: string): Promise<Channel> {
    return this.store.getChannel(channelId);
  }
  getChannelByName(teamId: string, name: string, includeDeleted: boolean): Promise<Channel> {
    return this.store.getChannelByName(teamId, name, includeDeleted);
  }
  getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]> {
    return this.store.getChannelMembers(channelId, page);
  }
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined> {
    return this.store.getChannelMember(channelId, userId);
  }
  getDirectChannel(userId1: string, userId2: string): Promise<Channel> {
    return this.store.getOrCreateDirectChannel(userId1, userId2);
  }
  addChannelMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMember> {
    return this.channels.addChannelMember(actor, channelId, userId);
  }
  removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void> {
    return this.channels.removeChannelMember(actor, channelId, userId);
  }

  // Posts.
  createPost(actor: Actor, post: Post): Promise<Post> {
    return this.posts.createPost(actor, post);
  }
  updatePost(actor: Actor, post: Post): Promise<Post> {
    return this.posts.updatePost(actor, post);
  }
  deletePost(actor: Actor, postId: string): Promise<void> {
    return this.posts.deletePost(actor, postId);
  }
  getPost(postId: string): Promise<Post> {
    return this.store.getPost(postId);
  }
  getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]> {
    return this.store.getPostsForChannel(channelId, page);
  }
  sendEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post> {
    return this.posts.sendEphemeralPost(actor, userId, post);
  }

  // Files.
  uploadFile(
    actor: Actor,
    upload: FileUpload,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo> {
    return this.fileOps.uploadFile(actor, upload, content);
  }
  getFileInfo(fileId: string): Promise<FileInfo> {
    return this.store.getFileInfo(fileId);
  }
  readFile(fileId: string, chunkBytes: number): AsyncIterable<Uint8Array> {
    return this.fileOps.readFile(fileId, chunkBytes);
  }

  // KV.
  kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined> {
    return this.store.kvGet(pluginId, key);
  }
  kvSet(
    pluginId: string,
    key: string,
    value: Uint8Array | undefined,
    options?: KVWriteOptions,
  ): Promise<boolean> {
    return this.store.kvSet(pluginId, key, value, options);
  }
  kvDelete(pluginId: string, key: string): Promise<void> {
    return this.store.kvDelete(pluginId, key);
  }
  kvDeleteAll(pluginId: string): Promise<void> {
    return this.store.kvDeleteAll(pluginId);
  }
  kvList(pluginId: string, page: PageQuery): Promise<string[]> {
    return this.store.kvList(pluginId, page);
  }

  // Plugins: settings, commands, bots, cluster events.
  getPluginConfig(pluginId: string): Promise<JsonObject> {
    return this.store.getPluginConfig(pluginId);
  }
  savePluginConfig(actor: Actor, pluginId: string, config: JsonObject): Promise<void> {
    return this.plugins.savePluginConfig(actor, pluginId, config);
  }
  registerCommand(actor: Actor, pluginId: string, command: Command): Promise<void> {
    return this.plugins.registerCommand(actor, pluginId, command);
  }
  unregisterCommand(
    actor: Actor,
    pluginId: string,
    teamId: string,
    trigger: string,
  ): Promise<void> {
    return this.plugins.unregisterCommand(actor, pluginId, teamId, trigger);
  }
  executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse> {
    return this.plugins.executeCommand(actor, args);
  }
  ensureBotUser(actor: Actor, pluginId: string, bot: BotRequest): Promise<string> {
    return this.plugins.ensureBotUser(actor, pluginId, bot);
  }
  publishPluginClusterEvent(
    actor: Actor,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): Promise<void> {
    return this.plugins.publishPluginClusterEvent(actor, pluginId, event, targetHostId);
  }

  // Permissions.
  hasPermissionTo(user: User, permission: Permission): boolean {
    return this.permissions.hasPermissionTo(user, permission);
  }
  hasPermissionToTeam(subject: Subject, teamId: string, permission: Permission): Promise<boolean> {
    return this.permissions.hasPermissionToTeam(subject, teamId, permission);
  }
  hasPermissionToChannel(
    subject: Subject,
    channelId: string,
    permission: Permission,
  ): Promise<boolean> {
    return this.permissions.hasPermissionToChannel(subject, channelId, permission);
  }
}
