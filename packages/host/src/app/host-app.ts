// The application layer as the host runs it: one object with every operation of App. Each
// operation that does more than one store call (hooks, events, checks, several writes) is done
// by the area that owns it (users, sessions, teams, channels, posts, files, plugins,
// permissions) over the shared AppCore; reads, and writes nothing surrounds, go to the store.
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Audit,
  AuditRecord,
  Bot,
  BotPatch,
  Channel,
  ChannelMember,
  ChannelStats,
  Command,
  CommandArgs,
  CommandResponse,
  CustomStatus,
  Emoji,
  FileInfo,
  Group,
  GroupMember,
  GroupSyncable,
  OAuthApp,
  OpenInteractiveDialogRequest,
  PluginClusterEvent,
  Post,
  PostList,
  Preference,
  Reaction,
  Role,
  SearchParameter,
  SearchParams,
  Session as SessionMessage,
  SidebarCategory,
  Status,
  Team,
  TeamMember,
  TeamStats,
  TeamUnread,
  UploadSession,
  User,
  UserAccessToken,
} from "@plugwire/protocol";
import type { Logger } from "../log.js";
import type {
  AuditQuery,
  BotQuery,
  ChannelMemberIdentifier,
  ClusterNode,
  GroupQuery,
  KVWriteOptions,
  PageQuery,
  Session,
  Store,
  ThreadQuery,
  UserQuery,
} from "../store/store.js";
import { AccessTokens } from "./access-token-operations.js";
import type { Actor } from "./actor.js";
import type { App } from "./app.js";
import { AppCore, type HostAppOptions } from "./app-core.js";
import type { AppEvents } from "./app-events.js";
import { Audits } from "./audit-operations.js";
import { Bots } from "./bot-operations.js";
import { Channels } from "./channel-operations.js";
import type { ClusterMessage, EndedConnections } from "./cluster-bus.js";
import { Cluster } from "./cluster-operations.js";
import { type AutocompleteSuggestion, Commands } from "./command-operations.js";
import { Configuration } from "./config-operations.js";
import { consumedPost, consumedPostList, consumedPosts } from "./consumed-posts.js";
import { type EmojiImage, Emojis } from "./emoji-operations.js";
import {
  type FileInfoFilter,
  Files,
  type FileUpload,
  type UploadSessionRequest,
} from "./file-operations.js";
import { type DefaultMembershipParams, type GroupReadOptions, Groups } from "./group-operations.js";
import {
  type DialogSubmission,
  Integrations,
  type PostActionClick,
  type PostActionResult,
} from "./integration-operations.js";
import { IntegrationSecrets } from "./integration-secrets.js";
import { Mail } from "./mail-operations.js";
import { OAuthApps } from "./oauth-operations.js";
import { type ChannelPatch, People, type UserAuthFields } from "./people-operations.js";
import { type Permission, Permissions, type Subject } from "./permissions.js";
import { type BotRequest, Plugins } from "./plugin-operations.js";
import { PostLists } from "./post-list-operations.js";
import { Posts } from "./post-operations.js";
import { Preferences } from "./preference-operations.js";
import { Reactions } from "./reaction-operations.js";
import {
  Realtime,
  type Toast,
  type WebSocketBroadcast,
  type WebSocketRequest,
} from "./realtime-operations.js";
import { Roles } from "./role-operations.js";
import type { SaveMode } from "./server-config.js";
import { type Authenticated, type Login, type NewSession, Sessions } from "./session-operations.js";
import { type SidebarCategories, Sidebars } from "./sidebar-operations.js";
import { Statuses } from "./status-operations.js";
import { System } from "./system-operations.js";
import { type TeamMemberWithError, Teams } from "./team-operations.js";
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
  private readonly people: People;
  private readonly sidebars: Sidebars;
  private readonly posts: Posts;
  private readonly postLists: PostLists;
  private readonly reactions: Reactions;
  private readonly preferences: Preferences;
  private readonly statuses: Statuses;
  private readonly fileOps: Files;
  private readonly plugins: Plugins;
  private readonly commands: Commands;
  private readonly integrations: Integrations;
  private readonly realtime: Realtime;
  private readonly permissions: Permissions;
  private readonly roles: Roles;
  private readonly cluster: Cluster;
  private readonly system: System;
  private readonly configuration: Configuration;
  private readonly mail: Mail;
  private readonly bots: Bots;
  private readonly accessTokens: AccessTokens;
  private readonly audits: Audits;
  private readonly groups: Groups;
  private readonly emojis: Emojis;
  private readonly oauthApps: OAuthApps;

  constructor(options: HostAppOptions) {
    this.core = new AppCore(options);
    this.store = options.store;
    this.users = new Users(this.core);
    this.sessions = new Sessions(this.core);
    this.teams = new Teams(this.core);
    this.channels = new Channels(this.core);
    this.posts = new Posts(this.core);
    this.people = new People(this.core, this.posts);
    this.sidebars = new Sidebars(this.core);
    this.postLists = new PostLists(this.core, this.posts);
    this.reactions = new Reactions(this.core);
    this.preferences = new Preferences(this.core);
    this.statuses = new Statuses(this.core, this.users, options.userStatusAwayTimeoutMs);
    this.fileOps = new Files(this.core);
    this.plugins = new Plugins(this.core, this.users);
    this.realtime = new Realtime(this.core);
    this.permissions = new Permissions(options.store);
    this.roles = new Roles(this.core, this.permissions);
    this.configuration = new Configuration(this.core);
    this.mail = new Mail(this.core);
    this.cluster = new Cluster(
      this.core,
      this.permissions,
      this.statuses,
      this.plugins,
      this.configuration,
    );
    this.system = new System(options.store);
    const secrets = new IntegrationSecrets(options.store, this.core.now);
    this.integrations = new Integrations(this.core, this.posts, this.permissions, secrets);
    this.commands = new Commands(this.core, this, this.permissions, secrets);
    this.bots = new Bots(this.core, this.users, this.permissions);
    this.accessTokens = new AccessTokens(this.core);
    this.audits = new Audits(this.core);
    this.groups = new Groups(this.core, {
      addTeamMember: (actor, teamId, userId) => this.teams.addTeamMember(actor, teamId, userId),
      addChannelMember: (actor, channelId, userId) =>
        this.channels.addChannelMember(actor, channelId, userId),
    });
    this.emojis = new Emojis(this.core);
    this.oauthApps = new OAuthApps(this.core);
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

  // The cluster (cluster-operations.ts).
  get hostId(): string {
    return this.cluster.hostId;
  }
  /** Records this host in the node registry, and keeps doing so until leaveCluster. */
  joinCluster(version: string): Promise<void> {
    return this.cluster.join(version);
  }
  leaveCluster(): Promise<void> {
    return this.cluster.leave();
  }
  getClusterNodes(): Promise<ClusterNode[]> {
    return this.cluster.getClusterNodes();
  }
  forwardWebSocketEvent(event: JsonObject): void {
    this.cluster.forwardWebSocketEvent(event);
  }
  forwardConnectionsEnded(ended: EndedConnections): void {
    this.cluster.forwardConnectionsEnded(ended);
  }
  /** Applies what another host of the cluster told this one. */
  receiveClusterMessage(message: ClusterMessage): void {
    this.cluster.receive(message);
  }
  /** The cluster bus may have lost messages: caches are read again, clients resynced. */
  resyncCluster(): void {
    this.cluster.resync();
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
  resetFailedAttempts(userId: string): Promise<void> {
    return this.sessions.resetFailedAttempts(userId);
  }
  logout(session: Session): Promise<void> {
    return this.sessions.logout(session);
  }
  authenticate(token: string): Promise<Authenticated | undefined> {
    return this.sessions.authenticate(token);
  }
  getSession(sessionId: string): Promise<SessionMessage> {
    return this.sessions.getSession(sessionId);
  }
  getUserSessions(userId: string): Promise<SessionMessage[]> {
    return this.sessions.getUserSessions(userId);
  }
  createSession(actor: Actor, session: NewSession): Promise<SessionMessage> {
    return this.sessions.createSession(actor, session);
  }
  extendSessionExpiry(sessionId: string, expiresAt: number): Promise<void> {
    return this.sessions.extendSessionExpiry(sessionId, expiresAt);
  }
  revokeSession(actor: Actor, sessionId: string): Promise<void> {
    return this.sessions.revokeSession(actor, sessionId);
  }
  revokeUserSessions(actor: Actor, userId: string): Promise<void> {
    return this.sessions.revokeUserSessions(actor, userId);
  }

  // Personal access tokens.
  createUserAccessToken(
    actor: Actor,
    userId: string,
    description: string,
  ): Promise<UserAccessToken> {
    return this.accessTokens.createUserAccessToken(actor, userId, description);
  }
  getUserAccessToken(tokenId: string): Promise<UserAccessToken> {
    return this.accessTokens.getUserAccessToken(tokenId);
  }
  getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]> {
    return this.accessTokens.getUserAccessTokensForUser(userId, page);
  }
  getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]> {
    return this.accessTokens.getUserAccessTokens(page);
  }
  revokeUserAccessToken(actor: Actor, tokenId: string): Promise<void> {
    return this.accessTokens.revokeUserAccessToken(actor, tokenId);
  }
  setUserAccessTokenActive(actor: Actor, tokenId: string, active: boolean): Promise<void> {
    return this.accessTokens.setUserAccessTokenActive(actor, tokenId, active);
  }

  // Bots.
  getBot(botUserId: string, includeDeleted: boolean): Promise<Bot> {
    return this.bots.getBot(botUserId, includeDeleted);
  }
  getBots(query: BotQuery): Promise<Bot[]> {
    return this.bots.getBots(query);
  }
  createBot(actor: Actor, bot: Bot): Promise<Bot> {
    return this.bots.createBot(actor, bot);
  }
  patchBot(actor: Actor, botUserId: string, patch: BotPatch): Promise<Bot> {
    return this.bots.patchBot(actor, botUserId, patch);
  }
  updateBotActive(actor: Actor, botUserId: string, active: boolean): Promise<Bot> {
    return this.bots.updateBotActive(actor, botUserId, active);
  }
  permanentDeleteBot(actor: Actor, botUserId: string): Promise<void> {
    return this.bots.permanentDeleteBot(actor, botUserId);
  }
  assignBot(actor: Actor, botUserId: string, ownerId: string): Promise<Bot> {
    return this.bots.assignBot(actor, botUserId, ownerId);
  }
  requireBotReader(user: User, botUserId: string, includeDeleted: boolean): Promise<Bot> {
    return this.bots.requireBotReader(user, botUserId, includeDeleted);
  }
  requireBotManager(user: User, botUserId: string): Promise<Bot> {
    return this.bots.requireBotManager(user, botUserId);
  }

  // The audit log.
  logAuditRecord(actor: Actor, record: AuditRecord, level?: string): Promise<Audit> {
    return this.audits.logAuditRecord(actor, record, level);
  }
  getAudits(query: AuditQuery): Promise<Audit[]> {
    return this.audits.getAudits(query);
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
  addTeamMembersGracefully(
    actor: Actor,
    teamId: string,
    userIds: readonly string[],
  ): Promise<TeamMemberWithError[]> {
    return this.teams.addTeamMembersGracefully(actor, teamId, userIds);
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
  updateChannel(actor: Actor, channel: Channel): Promise<Channel> {
    return this.people.updateChannel(actor, channel);
  }
  deleteChannel(actor: Actor, channelId: string): Promise<Channel> {
    return this.people.deleteChannel(actor, channelId);
  }
  restoreChannel(actor: Actor, channelId: string): Promise<Channel> {
    return this.people.restoreChannel(actor, channelId);
  }
  getChannelOfType(channelId: string, channelType: string): Promise<Channel> {
    return this.people.getChannelOfType(channelId, channelType);
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

  // People: memberships, counts, searches, pictures, sidebars (people-operations.ts).
  searchUsers(term: string, query: UserQuery): Promise<User[]> {
    return this.store.searchUsers(term, query);
  }
  getUsersByUsernames(usernames: readonly string[]): Promise<User[]> {
    return this.store.getUsersByUsernames(usernames);
  }
  getTeamsForUser(userId: string): Promise<Team[]> {
    return this.store.getTeamsForUser(userId);
  }
  getTeamMembersForUser(userId: string): Promise<TeamMember[]> {
    return this.store.getTeamMembersForUser(userId);
  }
  getTeamsUnreadForUser(userId: string, excludeTeamId?: string): Promise<TeamUnread[]> {
    return this.store.getTeamsUnreadForUser(userId, excludeTeamId);
  }
  getTeamStats(teamId: string): Promise<TeamStats> {
    return this.store.getTeamStats(teamId);
  }
  searchTeams(term: string): Promise<Team[]> {
    return this.store.searchTeams(term);
  }
  getTeamIcon(teamId: string): Promise<Uint8Array | undefined> {
    return this.store.getTeamIcon(teamId);
  }
  getChannelsForTeamForUser(
    teamId: string,
    userId: string,
    includeDeleted: boolean,
  ): Promise<Channel[]> {
    return this.store.getChannelsForTeamForUser(teamId, userId, includeDeleted);
  }
  getChannelMembersForUser(teamId: string, userId: string): Promise<ChannelMember[]> {
    return this.store.getChannelMembersForUser(teamId, userId);
  }
  getChannelMembersByIds(channelId: string, userIds: readonly string[]): Promise<ChannelMember[]> {
    return this.store.getChannelMembersByIds(channelId, userIds);
  }
  getPublicChannelsForTeam(teamId: string, page: PageQuery): Promise<Channel[]> {
    return this.store.getPublicChannelsForTeam(teamId, page);
  }
  searchChannels(teamId: string, term: string): Promise<Channel[]> {
    return this.store.searchChannels(teamId, term);
  }
  getChannelStats(channelId: string): Promise<ChannelStats> {
    return this.store.getChannelStats(channelId);
  }
  getProfileImage(userId: string): Promise<{ image: Uint8Array; isDefault: boolean }> {
    return this.people.getProfileImage(userId);
  }
  getDefaultProfileImage(userId: string): Promise<Uint8Array> {
    return this.people.getDefaultProfileImage(userId);
  }
  setProfileImage(actor: Actor, userId: string, image: Uint8Array): Promise<User> {
    return this.people.setProfileImage(actor, userId, image);
  }
  setUserActive(actor: Actor, userId: string, active: boolean): Promise<User> {
    return active
      ? this.people.reactivateUser(actor, userId)
      : this.users.deactivateUser(actor, userId);
  }
  changePassword(
    actor: Actor,
    userId: string,
    currentPassword: string | undefined,
    newPassword: string,
  ): Promise<void> {
    return this.people.changePassword(actor, userId, currentPassword, newPassword);
  }
  updateUserAuth(actor: Actor, userId: string, auth: UserAuthFields): Promise<UserAuthFields> {
    return this.people.updateUserAuth(actor, userId, auth);
  }
  deleteTeam(actor: Actor, teamId: string): Promise<Team> {
    return this.people.deleteTeam(actor, teamId);
  }
  setTeamIcon(actor: Actor, teamId: string, image: Uint8Array): Promise<void> {
    return this.people.setTeamIcon(actor, teamId, image);
  }
  removeTeamIcon(actor: Actor, teamId: string): Promise<void> {
    return this.people.removeTeamIcon(actor, teamId);
  }
  createDirectChannel(actor: Actor, userId1: string, userId2: string): Promise<Channel> {
    return this.people.createDirectChannel(actor, userId1, userId2);
  }
  createGroupChannel(actor: Actor, userIds: readonly string[]): Promise<Channel> {
    return this.people.createGroupChannel(actor, userIds);
  }
  viewChannels(
    actor: Actor,
    userId: string,
    channelIds: readonly string[],
  ): Promise<Record<string, bigint>> {
    return this.people.viewChannels(actor, userId, channelIds);
  }
  patchChannel(actor: Actor, channelId: string, patch: ChannelPatch): Promise<Channel> {
    return this.people.patchChannel(actor, channelId, patch);
  }
  updateChannelMemberNotifyProps(
    actor: Actor,
    channelId: string,
    userId: string,
    props: Record<string, string>,
  ): Promise<ChannelMember> {
    return this.people.updateChannelMemberNotifyProps(actor, channelId, userId, props);
  }
  patchChannelMembersNotifyProps(
    actor: Actor,
    members: readonly ChannelMemberIdentifier[],
    props: Record<string, string>,
  ): Promise<ChannelMember[]> {
    return this.people.patchChannelMembersNotifyProps(actor, members, props);
  }

  // Sidebars (sidebar-operations.ts).
  getChannelSidebarCategories(userId: string, teamId: string): Promise<SidebarCategories> {
    return this.sidebars.getChannelSidebarCategories(userId, teamId);
  }
  getSidebarCategory(userId: string, teamId: string, categoryId: string): Promise<SidebarCategory> {
    return this.sidebars.getSidebarCategory(userId, teamId, categoryId);
  }
  createSidebarCategory(
    actor: Actor,
    userId: string,
    teamId: string,
    category: SidebarCategory,
  ): Promise<SidebarCategory> {
    return this.sidebars.createSidebarCategory(actor, userId, teamId, category);
  }
  updateSidebarCategories(
    actor: Actor,
    userId: string,
    teamId: string,
    categories: readonly SidebarCategory[],
  ): Promise<SidebarCategory[]> {
    return this.sidebars.updateSidebarCategories(actor, userId, teamId, categories);
  }
  getSidebarCategoryOrder(userId: string, teamId: string): Promise<string[]> {
    return this.sidebars.getSidebarCategoryOrder(userId, teamId);
  }
  updateSidebarCategoryOrder(
    actor: Actor,
    userId: string,
    teamId: string,
    order: readonly string[],
  ): Promise<void> {
    return this.sidebars.updateSidebarCategoryOrder(actor, userId, teamId, order);
  }
  deleteSidebarCategory(
    actor: Actor,
    userId: string,
    teamId: string,
    categoryId: string,
  ): Promise<void> {
    return this.sidebars.deleteSidebarCategory(actor, userId, teamId, categoryId);
  }

  // Posts.
  createPost(actor: Actor, post: Post): Promise<Post> {
    return this.posts.createPost(actor, this.integrations.withActionIds(post));
  }
  updatePost(actor: Actor, post: Post): Promise<Post> {
    return this.posts.updatePost(actor, this.integrations.withActionIds(post));
  }
  deletePost(actor: Actor, postId: string): Promise<void> {
    return this.posts.deletePost(actor, postId);
  }
  async getPost(postId: string): Promise<Post> {
    return consumedPost(this.core, await this.store.getPost(postId));
  }
  async getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]> {
    return consumedPosts(this.core, await this.store.getPostsForChannel(channelId, page));
  }
  sendEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post> {
    return this.integrations.sendEphemeralPost(actor, userId, post);
  }

  // Lists of posts, pinning, search, ephemeral changes.
  async getPostsPage(
    channelId: string,
    page: PageQuery,
    skipFetchThreads?: boolean,
  ): Promise<PostList> {
    return consumedPostList(
      this.core,
      await this.store.getPostsPage(channelId, page, skipFetchThreads),
    );
  }
  async getPostsSince(channelId: string, time: bigint): Promise<PostList> {
    return consumedPostList(this.core, await this.store.getPostsSince(channelId, time));
  }
  async getPostsAround(
    channelId: string,
    postId: string,
    side: "before" | "after",
    page: PageQuery,
    skipFetchThreads?: boolean,
  ): Promise<PostList> {
    return consumedPostList(
      this.core,
      await this.store.getPostsAround(channelId, postId, side, page, skipFetchThreads),
    );
  }
  getPostIdAroundTime(channelId: string, time: bigint, side: "before" | "after"): Promise<string> {
    return this.store.getPostIdAroundTime(channelId, time, side);
  }
  async getPostThread(postId: string, query?: ThreadQuery): Promise<PostList> {
    return consumedPostList(this.core, await this.store.getPostThread(postId, query));
  }
  async getPinnedPosts(channelId: string): Promise<PostList> {
    return consumedPostList(this.core, await this.store.getPinnedPosts(channelId));
  }
  async getPostsByIds(postIds: readonly string[]): Promise<Post[]> {
    return consumedPosts(this.core, await this.postLists.getPostsByIds(postIds));
  }
  setPostPinned(actor: Actor, postId: string, pinned: boolean): Promise<Post> {
    return this.postLists.setPostPinned(actor, postId, pinned);
  }
  async searchPostsInTeam(teamId: string, paramsList: readonly SearchParams[]): Promise<Post[]> {
    return consumedPosts(this.core, await this.postLists.searchPostsInTeam(teamId, paramsList));
  }
  async searchPostsForUser(
    teamId: string,
    userId: string,
    search: SearchParameter,
  ): Promise<PostList> {
    return consumedPostList(
      this.core,
      await this.postLists.searchPostsForUser(teamId, userId, search),
    );
  }
  async updateEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post> {
    const withCookies = await this.integrations.withCookies(this.integrations.withActionIds(post));
    return this.postLists.updateEphemeralPost(actor, userId, withCookies);
  }
  deleteEphemeralPost(actor: Actor, userId: string, postId: string): Promise<void> {
    return this.postLists.deleteEphemeralPost(actor, userId, postId);
  }

  // Reactions, preferences, statuses.
  addReaction(actor: Actor, reaction: Reaction): Promise<Reaction> {
    return this.reactions.addReaction(actor, reaction);
  }
  removeReaction(actor: Actor, reaction: Reaction): Promise<void> {
    return this.reactions.removeReaction(actor, reaction);
  }
  getReactions(postId: string): Promise<Reaction[]> {
    return this.reactions.getReactions(postId);
  }
  getReactionsForPosts(postIds: readonly string[]): Promise<Record<string, Reaction[]>> {
    return this.reactions.getReactionsForPosts(postIds);
  }
  getPreferencesForUser(userId: string): Promise<Preference[]> {
    return this.preferences.getPreferencesForUser(userId);
  }
  getPreferencesByCategory(userId: string, category: string): Promise<Preference[]> {
    return this.preferences.getPreferencesByCategory(userId, category);
  }
  getPreferenceForUser(userId: string, category: string, name: string): Promise<Preference> {
    return this.preferences.getPreferenceForUser(userId, category, name);
  }
  updatePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void> {
    return this.preferences.updatePreferences(actor, userId, preferences);
  }
  deletePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void> {
    return this.preferences.deletePreferences(actor, userId, preferences);
  }
  getUserStatus(userId: string): Promise<Status> {
    return this.statuses.getUserStatus(userId);
  }
  getUserStatusesByIds(userIds: readonly string[]): Promise<Status[]> {
    return this.statuses.getUserStatusesByIds(userIds);
  }
  updateUserStatus(
    actor: Actor,
    userId: string,
    status: string,
    dndEndTime?: bigint,
  ): Promise<Status> {
    return this.statuses.updateUserStatus(actor, userId, status, dndEndTime);
  }
  setUserStatusTimedDND(actor: Actor, userId: string, endTime: bigint): Promise<Status> {
    return this.statuses.setUserStatusTimedDND(actor, userId, endTime);
  }
  updateUserCustomStatus(actor: Actor, userId: string, customStatus: CustomStatus): Promise<void> {
    return this.statuses.updateUserCustomStatus(actor, userId, customStatus);
  }
  removeUserCustomStatus(actor: Actor, userId: string): Promise<void> {
    return this.statuses.removeUserCustomStatus(actor, userId);
  }
  userConnected(userId: string): Promise<void> {
    return this.statuses.userConnected(userId);
  }
  userDisconnected(userId: string): Promise<void> {
    return this.statuses.userDisconnected(userId);
  }
  userActive(userId: string): Promise<void> {
    return this.statuses.userActive(userId);
  }
  userActiveStatus(userId: string, active: boolean, manual: boolean): Promise<void> {
    return this.statuses.userActiveStatus(userId, active, manual);
  }
  connectedUserIds(): string[] {
    return this.statuses.connectedUserIds();
  }
  checkStatuses(): Promise<void> {
    return this.statuses.checkStatuses();
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
  readFileAtPath(path: string, chunkBytes: number): AsyncIterable<Uint8Array> {
    return this.fileOps.readFileAtPath(path, chunkBytes);
  }
  getFileInfos(filter: FileInfoFilter): Promise<FileInfo[]> {
    return this.fileOps.getFileInfos(filter);
  }
  copyFileInfos(actor: Actor, userId: string, fileIds: readonly string[]): Promise<string[]> {
    return this.fileOps.copyFileInfos(actor, userId, fileIds);
  }
  publicFileLink(fileId: string): Promise<string> {
    return this.fileOps.publicFileLink(fileId);
  }
  publicFile(fileId: string, hash: string): Promise<FileInfo> {
    return this.fileOps.publicFile(fileId, hash);
  }
  setFileSearchableContent(actor: Actor, fileId: string, content: string): Promise<void> {
    return this.fileOps.setFileSearchableContent(actor, fileId, content);
  }
  createUploadSession(actor: Actor, request: UploadSessionRequest): Promise<UploadSession> {
    return this.fileOps.createUploadSession(actor, request);
  }
  getUploadSession(uploadId: string): Promise<UploadSession> {
    return this.fileOps.getUploadSession(uploadId);
  }
  getUploadSessionsForUser(userId: string): Promise<UploadSession[]> {
    return this.fileOps.getUploadSessionsForUser(userId);
  }
  uploadData(
    actor: Actor,
    session: Pick<UploadSession, "id" | "fileOffset">,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo | undefined> {
    return this.fileOps.uploadData(actor, session, content);
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

  // Plugins: settings, bots, cluster events.
  getPluginConfig(pluginId: string): Promise<JsonObject> {
    return this.store.getPluginConfig(pluginId);
  }
  savePluginConfig(actor: Actor, pluginId: string, config: JsonObject): Promise<void> {
    return this.plugins.savePluginConfig(actor, pluginId, config);
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

  // Slash commands: plugins' and custom ones.
  registerCommand(actor: Actor, pluginId: string, command: Command): Promise<void> {
    return this.commands.registerCommand(actor, pluginId, command);
  }
  unregisterCommand(
    actor: Actor,
    pluginId: string,
    teamId: string,
    trigger: string,
  ): Promise<void> {
    return this.commands.unregisterCommand(actor, pluginId, teamId, trigger);
  }
  listCommands(teamId: string): Promise<Command[]> {
    return this.commands.listCommands(teamId);
  }
  listPluginCommands(teamId: string): Promise<Command[]> {
    return this.commands.listPluginCommands(teamId);
  }
  listCustomCommands(teamId: string): Promise<Command[]> {
    return this.commands.listCustomCommands(teamId);
  }
  listBuiltInCommands(): Promise<Command[]> {
    return this.commands.listBuiltInCommands();
  }
  getCommand(commandId: string): Promise<Command> {
    return this.commands.getCommand(commandId);
  }
  createCommand(actor: Actor, command: Command): Promise<Command> {
    return this.commands.createCommand(actor, command);
  }
  updateCommand(actor: Actor, commandId: string, command: Command): Promise<Command> {
    return this.commands.updateCommand(actor, commandId, command);
  }
  deleteCommand(actor: Actor, commandId: string): Promise<void> {
    return this.commands.deleteCommand(actor, commandId);
  }
  moveCommand(actor: Actor, commandId: string, teamId: string): Promise<Command> {
    return this.commands.moveCommand(actor, commandId, teamId);
  }
  regenCommandToken(actor: Actor, commandId: string): Promise<Command> {
    return this.commands.regenCommandToken(actor, commandId);
  }
  executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse> {
    return this.commands.executeCommand(actor, args);
  }
  autocompleteSuggestions(actor: Actor, args: CommandArgs): Promise<AutocompleteSuggestion[]> {
    return this.commands.autocompleteSuggestions(actor, args);
  }

  // Interactive messages and dialogs.
  doPostAction(actor: Actor, click: PostActionClick): Promise<PostActionResult> {
    return this.integrations.doPostAction(actor, click);
  }
  openInteractiveDialog(actor: Actor, request: OpenInteractiveDialogRequest): Promise<void> {
    return this.integrations.openInteractiveDialog(actor, request);
  }
  submitInteractiveDialog(actor: Actor, submission: DialogSubmission): Promise<JsonObject> {
    return this.integrations.submitInteractiveDialog(actor, submission);
  }

  // Realtime: websocket events plugins publish, and connections plugins hear of.
  publishWebSocketEvent(
    actor: Actor,
    pluginId: string,
    event: string,
    payload: JsonObject,
    broadcast: Partial<WebSocketBroadcast>,
  ): Promise<void> {
    return this.realtime.publishWebSocketEvent(actor, pluginId, event, payload, broadcast);
  }
  sendToastMessage(actor: Actor, toast: Toast): Promise<void> {
    return this.realtime.sendToastMessage(actor, toast);
  }
  publishUserTyping(
    actor: Actor,
    userId: string,
    channelId: string,
    parentId: string,
  ): Promise<void> {
    return this.realtime.publishUserTyping(actor, userId, channelId, parentId);
  }
  webSocketConnected(connectionId: string, userId: string): void {
    this.realtime.webSocketConnected(connectionId, userId);
  }
  webSocketDisconnected(connectionId: string, userId: string): void {
    this.realtime.webSocketDisconnected(connectionId, userId);
  }
  webSocketMessagePosted(connectionId: string, userId: string, request: WebSocketRequest): boolean {
    return this.realtime.webSocketMessagePosted(connectionId, userId, request);
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
  rolesGrantPermission(roleNames: readonly string[], permission: string): Promise<boolean> {
    return this.permissions.rolesGrantPermission(roleNames, permission);
  }

  // Roles.
  getRoles(): Promise<Role[]> {
    return this.store.getRoles();
  }
  getRole(roleId: string): Promise<Role> {
    return this.store.getRole(roleId);
  }
  getRoleByName(name: string): Promise<Role> {
    return this.store.getRoleByName(name);
  }
  getRolesByNames(names: readonly string[]): Promise<Role[]> {
    return this.store.getRolesByNames(names);
  }
  patchRole(actor: Actor, roleId: string, permissions: readonly string[]): Promise<Role> {
    return this.roles.patchRole(actor, roleId, permissions);
  }
  updateUserRoles(actor: Actor, userId: string, newRoles: string): Promise<User> {
    return this.roles.updateUserRoles(actor, userId, newRoles);
  }
  updateTeamMemberRoles(
    actor: Actor,
    teamId: string,
    userId: string,
    newRoles: string,
  ): Promise<TeamMember> {
    return this.roles.updateTeamMemberRoles(actor, teamId, userId, newRoles);
  }
  updateChannelMemberRoles(
    actor: Actor,
    channelId: string,
    userId: string,
    newRoles: string,
  ): Promise<ChannelMember> {
    return this.roles.updateChannelMemberRoles(actor, channelId, userId, newRoles);
  }

  // The server configuration (config-operations.ts).
  getConfig(): JsonObject {
    return this.configuration.getConfig();
  }
  getUnsanitizedConfig(): JsonObject {
    return this.configuration.getUnsanitizedConfig();
  }
  saveConfig(actor: Actor, config: JsonObject, mode?: SaveMode): Promise<JsonObject> {
    return this.configuration.saveConfig(actor, config, mode);
  }
  /**
   * Fixes settings for the rest of the run, as the host's start did; for what is known only
   * later, such as the URL of a server listening on a port picked at start.
   */
  fixConfig(settings: JsonObject): void {
    this.configuration.fix(settings);
  }
  /** Reads the configuration saved in the store; the host does it once, at start. */
  loadConfig(): Promise<void> {
    return this.configuration.load();
  }

  // Mail (mail-operations.ts).
  sendMail(actor: Actor, to: string, subject: string, htmlBody: string): Promise<void> {
    return this.mail.sendMail(actor, to, subject, htmlBody);
  }

  // System

  getSystemInstallDate(): Promise<number> {
    return this.system.getSystemInstallDate();
  }
  getDiagnosticId(): Promise<string> {
    return this.system.getDiagnosticId();
  }

  // Groups (group-operations.ts).
  getGroup(groupId: string, options?: GroupReadOptions): Promise<Group> {
    return this.groups.getGroup(groupId, options);
  }
  getGroupByName(name: string): Promise<Group> {
    return this.groups.getGroupByName(name);
  }
  getGroupByRemoteId(remoteId: string, source: string): Promise<Group> {
    return this.groups.getGroupByRemoteId(remoteId, source);
  }
  getGroups(query: GroupQuery, options?: GroupReadOptions): Promise<Group[]> {
    return this.groups.getGroups(query, options);
  }
  getGroupsBySource(source: string): Promise<Group[]> {
    return this.groups.getGroupsBySource(source);
  }
  getGroupsForUser(userId: string): Promise<Group[]> {
    return this.groups.getGroupsForUser(userId);
  }
  getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]> {
    return this.groups.getGroupMemberUsers(groupId, page);
  }
  countGroupMembers(groupId: string): Promise<bigint> {
    return this.groups.countGroupMembers(groupId);
  }
  createGroup(actor: Actor, group: Group): Promise<Group> {
    return this.groups.createGroup(actor, group);
  }
  updateGroup(actor: Actor, group: Group): Promise<Group> {
    return this.groups.updateGroup(actor, group);
  }
  deleteGroup(actor: Actor, groupId: string): Promise<Group> {
    return this.groups.deleteGroup(actor, groupId);
  }
  restoreGroup(actor: Actor, groupId: string): Promise<Group> {
    return this.groups.restoreGroup(actor, groupId);
  }
  upsertGroupMembers(
    actor: Actor,
    groupId: string,
    userIds: readonly string[],
  ): Promise<GroupMember[]> {
    return this.groups.upsertGroupMembers(actor, groupId, userIds);
  }
  deleteGroupMember(actor: Actor, groupId: string, userId: string): Promise<GroupMember> {
    return this.groups.deleteGroupMember(actor, groupId, userId);
  }
  getGroupSyncable(groupId: string, syncableId: string, type: string): Promise<GroupSyncable> {
    return this.groups.getGroupSyncable(groupId, syncableId, type);
  }
  getGroupSyncables(groupId: string, type: string): Promise<GroupSyncable[]> {
    return this.groups.getGroupSyncables(groupId, type);
  }
  upsertGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable> {
    return this.groups.upsertGroupSyncable(actor, syncable);
  }
  updateGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable> {
    return this.groups.updateGroupSyncable(actor, syncable);
  }
  deleteGroupSyncable(
    actor: Actor,
    groupId: string,
    syncableId: string,
    type: string,
  ): Promise<GroupSyncable> {
    return this.groups.deleteGroupSyncable(actor, groupId, syncableId, type);
  }
  createDefaultSyncableMemberships(actor: Actor, params: DefaultMembershipParams): Promise<void> {
    return this.groups.createDefaultSyncableMemberships(actor, params);
  }

  // Custom emoji (emoji-operations.ts).
  getEmoji(emojiId: string): Promise<Emoji> {
    return this.emojis.getEmoji(emojiId);
  }
  getEmojiByName(name: string): Promise<Emoji> {
    return this.emojis.getEmojiByName(name);
  }
  getEmojisByNames(names: readonly string[]): Promise<Emoji[]> {
    return this.emojis.getEmojisByNames(names);
  }
  getEmojiList(page: PageQuery, sortBy: string): Promise<Emoji[]> {
    return this.emojis.getEmojiList(page, sortBy);
  }
  searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]> {
    return this.emojis.searchEmoji(term, prefixOnly, limit);
  }
  getEmojiImage(emojiId: string): Promise<EmojiImage> {
    return this.emojis.getEmojiImage(emojiId);
  }
  createEmoji(actor: Actor, creatorId: string, name: string, image: Uint8Array): Promise<Emoji> {
    return this.emojis.createEmoji(actor, creatorId, name, image);
  }
  deleteEmoji(actor: Actor, emojiId: string): Promise<Emoji> {
    return this.emojis.deleteEmoji(actor, emojiId);
  }

  // OAuth 2.0 client apps (oauth-operations.ts).
  createOAuthApp(actor: Actor, app: OAuthApp): Promise<OAuthApp> {
    return this.oauthApps.createOAuthApp(actor, app);
  }
  getOAuthApp(appId: string): Promise<OAuthApp> {
    return this.oauthApps.getOAuthApp(appId);
  }
  getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]> {
    return this.oauthApps.getOAuthApps(page, creatorId);
  }
  updateOAuthApp(actor: Actor, app: OAuthApp): Promise<OAuthApp> {
    return this.oauthApps.updateOAuthApp(actor, app);
  }
  deleteOAuthApp(actor: Actor, appId: string): Promise<void> {
    return this.oauthApps.deleteOAuthApp(actor, appId);
  }
  regenerateOAuthAppSecret(actor: Actor, appId: string): Promise<OAuthApp> {
    return this.oauthApps.regenerateOAuthAppSecret(actor, appId);
  }
}
