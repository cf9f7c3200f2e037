// The host's persistence contract. Async so that a networked database can implement it;
// the embedded default is SqliteStore. Every method throws @plugwire/errors classes:
// NotFoundError for a missing row, AlreadyExistsError for a unique clash, ValidationError
// for input the schema can't hold. Models are the protocol's own messages, so no layer
// re-shapes them on the way to a plugin.
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  Command,
  FileInfo,
  Post,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";

/** A page of a list: zero-based page number and page size (already clamped by the caller). */
export interface PageQuery {
  page: number;
  perPage: number;
}

/** Filters of Store.getUsers. */
export interface UserQuery extends PageQuery {
  inTeamId?: string;
  inChannelId?: string;
  /** true: only active users; false: only deactivated users; undefined: both. */
  active?: boolean;
}

/** Options of an atomic or expiring KV write. */
export interface KVWriteOptions {
  /** Compare-and-set: write only when the current value equals oldValue (undefined: key must be absent). */
  atomic?: boolean;
  oldValue?: Uint8Array;
  /** Absolute expiry time in ms since the epoch; 0 or undefined keeps the key forever. */
  expireAt?: number;
}

/** A login session. The token itself is never stored, only its SHA-256 hash. */
export interface Session {
  id: string;
  /** Hex SHA-256 of the session token the client holds. */
  tokenHash: string;
  userId: string;
  /** Times in ms since the epoch. */
  createAt: number;
  expiresAt: number;
  lastActivityAt: number;
}

export interface Store {
  // Users. Passwords are stored only as hashes and never leave through User.
  createUser(user: User, passwordHash?: string): Promise<User>;
  getUser(userId: string): Promise<User>;
  getUserByUsername(username: string): Promise<User>;
  getUserByEmail(email: string): Promise<User>;
  getUsers(query: UserQuery): Promise<User[]>;
  /** Users that exist among the ids, in the order asked for; unknown ids are skipped. */
  getUsersByIds(userIds: readonly string[]): Promise<User[]>;
  /** Replaces the profile fields of the user with user.id; id, create_at, roles' owner rules kept. */
  updateUser(user: User): Promise<User>;
  /** Sets delete_at (deactivates); returns the updated user. */
  deactivateUser(userId: string): Promise<User>;
  getPasswordHash(userId: string): Promise<string | undefined>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;

  // Teams.
  createTeam(team: Team): Promise<Team>;
  /**
   * Replaces the team's descriptive fields (display name, description, e-mail, company name,
   * allowed domains, open invite) with `team`'s; its id, name, type and times are the store's.
   */
  updateTeam(team: Team): Promise<Team>;
  getTeam(teamId: string): Promise<Team>;
  getTeamByName(name: string): Promise<Team>;
  getTeams(page: PageQuery): Promise<Team[]>;
  /** Teams anyone may join (allow_open_invite), by name: the teams everyone may list. */
  getOpenTeams(page: PageQuery): Promise<Team[]>;
  getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]>;
  /** The membership, or undefined when the user is not (or no longer) a member. */
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined>;
  /** Adds (or re-adds) a member; idempotent for an existing member. */
  /**
   * Adds the user to the team (a returning member gets their old roles back); `admin` makes a
   * new member the team's admin (scheme_admin), as a team's creator is.
   */
  addTeamMember(teamId: string, userId: string, options?: { admin?: boolean }): Promise<TeamMember>;
  /** Ends a membership; returns the ended membership. NotFoundError when not a member. */
  removeTeamMember(teamId: string, userId: string): Promise<TeamMember>;

  // Channels.
  createChannel(channel: Channel): Promise<Channel>;
  getChannel(channelId: string): Promise<Channel>;
  getChannelByName(teamId: string, name: string, includeDeleted: boolean): Promise<Channel>;
  updateChannel(channel: Channel): Promise<Channel>;
  /** Archives (sets delete_at). */
  deleteChannel(channelId: string): Promise<Channel>;
  getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]>;
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined>;
  addChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  removeChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  /** The direct ("D") channel of two users, created with both as members when missing. */
  getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel>;

  // Posts.
  /** Stores a new post (id and times assigned when empty) and bumps the channel's counters. */
  createPost(post: Post): Promise<Post>;
  getPost(postId: string): Promise<Post>;
  /** Replaces message, props, file_ids, is_pinned, metadata of post.id; sets edit_at/update_at. */
  updatePost(post: Post): Promise<Post>;
  /** Sets delete_at; returns the post as it was before deletion (with delete_at set). */
  deletePost(postId: string): Promise<Post>;
  /** Non-deleted posts of a channel, newest first. */
  getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]>;

  // File metadata (the bytes live in a FileStore).
  saveFileInfo(info: FileInfo): Promise<FileInfo>;
  getFileInfo(fileId: string): Promise<FileInfo>;

  // KV store, namespaced by plugin id; expired keys read as absent.
  kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined>;
  /** Writes (value) or deletes (value undefined); returns false when an atomic write lost. */
  kvSet(
    pluginId: string,
    key: string,
    value: Uint8Array | undefined,
    options?: KVWriteOptions,
  ): Promise<boolean>;
  kvDelete(pluginId: string, key: string): Promise<void>;
  kvDeleteAll(pluginId: string): Promise<void>;
  /** Keys in key order, expired keys left out. */
  kvList(pluginId: string, page: PageQuery): Promise<string[]>;

  // Plugin settings and state.
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

  // Login sessions.
  createSession(session: Session): Promise<Session>;
  /** The session with this token hash, or undefined when missing or expired. */
  getSessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  touchSession(sessionId: string, lastActivityAt: number): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;

  // Slash commands registered by plugins.
  /** Registers or replaces the command (team_id + trigger) for a plugin. AlreadyExistsError when another plugin owns it. */
  registerCommand(pluginId: string, command: Command): Promise<void>;
  unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void>;
  /** The command for a trigger in a team, falling back to a command registered for every team (team_id ""). */
  findCommand(teamId: string, trigger: string): Promise<Command | undefined>;
  listCommands(teamId: string): Promise<Command[]>;
  /** Removes every command of a plugin (on deactivation). */
  unregisterPluginCommands(pluginId: string): Promise<void>;

  /** Bot accounts owned by plugins: the user id of the plugin's bot with this username, if any. */
  getBotUserId(pluginId: string, username: string): Promise<string | undefined>;
  setBotOwner(userId: string, pluginId: string): Promise<void>;

  close(): Promise<void>;
}
