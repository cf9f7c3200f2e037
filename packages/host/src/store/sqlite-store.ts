// The Store on an embedded SQLite database (better-sqlite3). A file database runs in WAL mode
// so that readers never wait for the writer; ":memory:" gives a private database for tests.
//
// better-sqlite3 is synchronous, so a method's check and the write that depends on it run
// without any other call of this process in between; doing them in one IMMEDIATE transaction
// keeps other processes sharing the file out as well.
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  AlreadyExistsError,
  InternalError,
  NotFoundError,
  ValidationError,
} from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  ChannelMemberSchema,
  ChannelSchema,
  type Command,
  CommandSchema,
  type FileInfo,
  FileInfoSchema,
  type Post,
  PostSchema,
  type Team,
  type TeamMember,
  TeamMemberSchema,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import Database from "better-sqlite3";
import { newId } from "./ids.js";
import { migrate } from "./migrations.js";
import { type Row, rowCodec, type SqlValue } from "./row-codec.js";
import type { KVWriteOptions, PageQuery, Session, Store, UserQuery } from "./store.js";

export interface SqliteStoreOptions {
  /** The database file, created when missing; ":memory:" for a private in-memory database. */
  path: string;
  /** The clock, in ms since the epoch. Injectable so tests drive timestamps and KV expiry. */
  now?: () => number;
}

/** Opens (creating and migrating when needed) a SQLite database as a Store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  let db: Database.Database;
  try {
    db = new Database(options.path);
  } catch (cause) {
    throw new InternalError({
      id: "store.sqlite.open_failed",
      message: `Can't open the SQLite database ${options.path}: ${(cause as Error).message}. Check that its folder exists and is writable.`,
      cause,
    });
  }
  try {
    if (options.path !== ":memory:") {
      db.pragma("journal_mode = WAL");
      // With WAL this never corrupts the file; a power cut can lose only the latest commits.
      db.pragma("synchronous = NORMAL");
    }
    // Other processes sharing the file wait for a write lock instead of failing at once.
    db.pragma("busy_timeout = 5000");
    // int64 fields come back as bigint, so no timestamp or counter is rounded.
    db.defaultSafeIntegers(true);
    migrate(db, options.path);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, options.now ?? Date.now);
}

const users = rowCodec(UserSchema);
const teams = rowCodec(TeamSchema);
const teamMembers = rowCodec(TeamMemberSchema);
const channels = rowCodec(ChannelSchema);
const channelMembers = rowCodec(ChannelMemberSchema);
const posts = rowCodec(PostSchema);
const fileInfos = rowCodec(FileInfoSchema);
const commands = rowCodec(CommandSchema);

/** Mattermost's notification settings of a new channel membership. */
const DEFAULT_CHANNEL_NOTIFY_PROPS = {
  desktop: "default",
  email: "default",
  push: "default",
  mark_unread: "all",
  ignore_channel_mentions: "default",
};

/** A KV row is live while it has no expiry or its expiry is still ahead. */
const LIVE = `("expire_at" = 0 OR "expire_at" > @now)`;

class SqliteStore implements Store {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {}

  // Users.

  async createUser(user: User, passwordHash?: string): Promise<User> {
    requireField(user.username, "username", "user.username is required; choose a login name.");
    return this.write(() => {
      this.assertUserIdFree(user.id);
      this.assertUsernameFree(user.username);
      this.assertEmailFree(user.email);
      const now = this.now();
      const stored = create(UserSchema, {
        ...user,
        id: user.id || newId(),
        createAt: user.createAt || now,
        updateAt: user.updateAt || user.createAt || now,
      });
      this.run(`INSERT INTO users ${users.insertClause}`, users.toRow(stored));
      if (passwordHash !== undefined) {
        this.run(`UPDATE users SET "password_hash" = ? WHERE "id" = ?`, passwordHash, stored.id);
      }
      return stored;
    });
  }

  async getUser(userId: string): Promise<User> {
    return this.userById(userId);
  }

  async getUserByUsername(username: string): Promise<User> {
    const row = this.one(`SELECT ${users.columnList} FROM users WHERE "username" = ?`, username);
    if (row === undefined) {
      throw notFound("user", `No user has the username "${username}".`, { username });
    }
    return users.fromRow(row);
  }

  async getUserByEmail(email: string): Promise<User> {
    const row =
      email === ""
        ? undefined
        : this.one(`SELECT ${users.columnList} FROM users WHERE "email" = ?`, email);
    if (row === undefined) {
      throw notFound("user", `No user has the e-mail address "${email}".`, { email });
    }
    return users.fromRow(row);
  }

  async getUsers(query: UserQuery): Promise<User[]> {
    const joins: string[] = [];
    const conditions: string[] = [];
    if (query.inTeamId) {
      joins.push(
        `JOIN team_members tm ON tm."user_id" = u."id" AND tm."team_id" = @teamId AND tm."delete_at" = 0`,
      );
    }
    if (query.inChannelId) {
      joins.push(
        `JOIN channel_members cm ON cm."user_id" = u."id" AND cm."channel_id" = @channelId`,
      );
    }
    if (query.active !== undefined) {
      conditions.push(query.active ? `u."delete_at" = 0` : `u."delete_at" <> 0`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    return this.all(
      `SELECT ${users.columnListOf("u")} FROM users u ${joins.join(" ")} ${where}
       ORDER BY u."username" LIMIT @limit OFFSET @offset`,
      { teamId: query.inTeamId ?? "", channelId: query.inChannelId ?? "", ...limitOffset(query) },
    ).map(users.fromRow);
  }

  async getUsersByIds(userIds: readonly string[]): Promise<User[]> {
    const found = new Map(
      this.all(
        `SELECT ${users.columnList} FROM users WHERE "id" IN (SELECT value FROM json_each(?))`,
        JSON.stringify(userIds),
      ).map((row) => [row.id as string, users.fromRow(row)]),
    );
    return [...new Set(userIds)].flatMap((id) => found.get(id) ?? []);
  }

  async updateUser(user: User): Promise<User> {
    requireField(user.username, "username", "user.username can't be emptied.");
    return this.write(() => {
      const old = this.userById(user.id);
      this.assertUsernameFree(user.username, old.id);
      this.assertEmailFree(user.email, old.id);
      // As Mattermost's user store does: what identifies or secures the account, its roles
      // and its state are not profile fields and stay; a changed address is unverified.
      const updated = create(UserSchema, {
        ...user,
        id: old.id,
        createAt: old.createAt,
        updateAt: this.now(),
        deleteAt: old.deleteAt,
        roles: old.roles,
        isBot: old.isBot,
        authService: old.authService,
        mfaActive: old.mfaActive,
        lastPictureUpdate: old.lastPictureUpdate,
        emailVerified: user.email === old.email ? old.emailVerified : false,
      });
      this.run(`UPDATE users SET ${users.assignments} WHERE "id" = @id`, users.toRow(updated));
      return updated;
    });
  }

  async deactivateUser(userId: string): Promise<User> {
    return this.write(() => {
      const user = this.userById(userId);
      if (user.deleteAt !== 0n) {
        return user;
      }
      const now = this.now();
      this.run(
        `UPDATE users SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
        now,
        now,
        userId,
      );
      return create(UserSchema, { ...user, deleteAt: now, updateAt: now });
    });
  }

  async getPasswordHash(userId: string): Promise<string | undefined> {
    const row = this.one(`SELECT "password_hash" FROM users WHERE "id" = ?`, userId);
    if (row === undefined) {
      throw userNotFound(userId);
    }
    return (row.password_hash as string | null) ?? undefined;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const { changes } = this.run(
      `UPDATE users SET "password_hash" = ? WHERE "id" = ?`,
      passwordHash,
      userId,
    );
    if (changes === 0) {
      throw userNotFound(userId);
    }
  }

  // Teams.

  async createTeam(team: Team): Promise<Team> {
    requireField(team.name, "name", "team.name is required; choose the team's URL name.");
    return this.write(() => {
      if (team.id && this.one(`SELECT 1 FROM teams WHERE "id" = ?`, team.id)) {
        throw idTaken("team", team.id);
      }
      if (this.one(`SELECT 1 FROM teams WHERE "name" = ?`, team.name)) {
        throw new AlreadyExistsError({
          id: "store.team.name_exists",
          message: `A team named "${team.name}" exists already; choose another name.`,
          params: { field: "name", name: team.name },
        });
      }
      const now = this.now();
      const stored = create(TeamSchema, {
        ...team,
        id: team.id || newId(),
        createAt: team.createAt || now,
        updateAt: team.updateAt || team.createAt || now,
      });
      this.run(`INSERT INTO teams ${teams.insertClause}`, teams.toRow(stored));
      return stored;
    });
  }

  async updateTeam(team: Team): Promise<Team> {
    return this.write(() => {
      const old = this.teamById(team.id);
      const updated = create(TeamSchema, {
        ...team,
        id: old.id,
        name: old.name,
        type: old.type,
        createAt: old.createAt,
        updateAt: this.now(),
        deleteAt: old.deleteAt,
      });
      this.run(`UPDATE teams SET ${teams.assignments} WHERE "id" = @id`, teams.toRow(updated));
      return updated;
    });
  }

  async getTeam(teamId: string): Promise<Team> {
    return this.teamById(teamId);
  }

  async getTeamByName(name: string): Promise<Team> {
    const row = this.one(`SELECT ${teams.columnList} FROM teams WHERE "name" = ?`, name);
    if (row === undefined) {
      throw notFound("team", `No team is named "${name}".`, { name });
    }
    return teams.fromRow(row);
  }

  async getTeams(page: PageQuery): Promise<Team[]> {
    return this.all(
      `SELECT ${teams.columnList} FROM teams ORDER BY "name" LIMIT @limit OFFSET @offset`,
      limitOffset(page),
    ).map(teams.fromRow);
  }

  async getOpenTeams(page: PageQuery): Promise<Team[]> {
    return this.all(
      `SELECT ${teams.columnList} FROM teams WHERE "allow_open_invite" <> 0
       ORDER BY "name" LIMIT @limit OFFSET @offset`,
      limitOffset(page),
    ).map(teams.fromRow);
  }

  async getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]> {
    return this.all(
      `SELECT ${teamMembers.columnList} FROM team_members
       WHERE "team_id" = @teamId AND "delete_at" = 0
       ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
      { teamId, ...limitOffset(page) },
    ).map(teamMembers.fromRow);
  }

  async getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined> {
    const member = this.teamMemberRow(teamId, userId);
    return member?.deleteAt === 0n ? member : undefined;
  }

  async addTeamMember(
    teamId: string,
    userId: string,
    options: { admin?: boolean } = {},
  ): Promise<TeamMember> {
    return this.write(() => {
      this.teamById(teamId);
      this.userById(userId);
      const existing = this.teamMemberRow(teamId, userId);
      if (existing?.deleteAt === 0n) {
        return existing;
      }
      // A returning member gets their old roles back, as in Mattermost.
      const member =
        existing === undefined
          ? create(TeamMemberSchema, {
              teamId,
              userId,
              schemeUser: true,
              schemeAdmin: options.admin === true,
            })
          : create(TeamMemberSchema, { ...existing, deleteAt: 0n });
      this.run(
        `INSERT OR REPLACE INTO team_members ${teamMembers.insertClause}`,
        teamMembers.toRow(member),
      );
      return member;
    });
  }

  async removeTeamMember(teamId: string, userId: string): Promise<TeamMember> {
    return this.write(() => {
      const member = this.teamMemberRow(teamId, userId);
      if (member === undefined || member.deleteAt !== 0n) {
        throw new NotFoundError({
          id: "store.team_member.not_found",
          message: `User ${userId} is not a member of team ${teamId}.`,
          params: { team_id: teamId, user_id: userId },
        });
      }
      const ended = create(TeamMemberSchema, { ...member, deleteAt: this.now() });
      this.run(
        `UPDATE team_members SET "delete_at" = ? WHERE "team_id" = ? AND "user_id" = ?`,
        ended.deleteAt,
        teamId,
        userId,
      );
      return ended;
    });
  }

  // Channels.

  async createChannel(channel: Channel): Promise<Channel> {
    requireField(channel.name, "name", "channel.name is required; choose the channel's URL name.");
    if (!["O", "P", "D", "G"].includes(channel.type)) {
      throw new ValidationError({
        id: "store.channel.invalid_type",
        message: `channel.type is "${channel.type}"; use "O" (public), "P" (private), "D" (direct) or "G" (group).`,
        params: { field: "type" },
      });
    }
    if ((channel.type === "O" || channel.type === "P") && !channel.teamId) {
      throw new ValidationError({
        id: "store.channel.team_required",
        message: "channel.team_id is required for public and private channels.",
        params: { field: "team_id" },
      });
    }
    return this.write(() => {
      if (channel.teamId) {
        this.teamById(channel.teamId);
      }
      if (channel.id && this.one(`SELECT 1 FROM channels WHERE "id" = ?`, channel.id)) {
        throw idTaken("channel", channel.id);
      }
      this.assertChannelNameFree(channel.teamId, channel.name);
      const now = this.now();
      const stored = create(ChannelSchema, {
        ...channel,
        id: channel.id || newId(),
        createAt: channel.createAt || now,
        updateAt: channel.updateAt || channel.createAt || now,
      });
      this.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(stored));
      return stored;
    });
  }

  async getChannel(channelId: string): Promise<Channel> {
    return this.channelById(channelId);
  }

  async getChannelByName(teamId: string, name: string, includeDeleted: boolean): Promise<Channel> {
    const row = this.one(
      `SELECT ${channels.columnList} FROM channels
       WHERE "team_id" = ? AND "name" = ? ${includeDeleted ? "" : `AND "delete_at" = 0`}`,
      teamId,
      name,
    );
    if (row === undefined) {
      throw notFound(
        "channel",
        `Team ${teamId} has no ${includeDeleted ? "" : "active "}channel named "${name}".`,
        { team_id: teamId, name },
      );
    }
    return channels.fromRow(row);
  }

  async updateChannel(channel: Channel): Promise<Channel> {
    requireField(channel.name, "name", "channel.name can't be emptied.");
    return this.write(() => {
      const old = this.channelById(channel.id);
      this.assertChannelNameFree(old.teamId, channel.name, old.id);
      const updated = create(ChannelSchema, {
        ...old,
        name: channel.name,
        displayName: channel.displayName,
        header: channel.header,
        purpose: channel.purpose,
        updateAt: this.now(),
      });
      this.run(
        `UPDATE channels SET ${channels.assignments} WHERE "id" = @id`,
        channels.toRow(updated),
      );
      return updated;
    });
  }

  async deleteChannel(channelId: string): Promise<Channel> {
    return this.write(() => {
      const channel = this.channelById(channelId);
      if (channel.deleteAt !== 0n) {
        return channel;
      }
      const now = this.now();
      this.run(
        `UPDATE channels SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
        now,
        now,
        channelId,
      );
      return create(ChannelSchema, { ...channel, deleteAt: now, updateAt: now });
    });
  }

  async getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]> {
    return this.all(
      `SELECT ${channelMembers.columnList} FROM channel_members WHERE "channel_id" = @channelId
       ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
      { channelId, ...limitOffset(page) },
    ).map(channelMembers.fromRow);
  }

  async getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined> {
    return this.channelMemberRow(channelId, userId);
  }

  async addChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
    return this.write(() => {
      const channel = this.channelById(channelId);
      this.userById(userId);
      const existing = this.channelMemberRow(channelId, userId);
      if (existing !== undefined) {
        return existing;
      }
      if (channel.deleteAt !== 0n) {
        throw new ValidationError({
          id: "store.channel_member.channel_archived",
          message: `Channel ${channelId} is archived; unarchive it before adding members.`,
          params: { field: "channel_id" },
        });
      }
      return this.insertChannelMember(channelId, userId, this.now());
    });
  }

  async removeChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
    return this.write(() => {
      const member = this.channelMemberRow(channelId, userId);
      if (member === undefined) {
        throw new NotFoundError({
          id: "store.channel_member.not_found",
          message: `User ${userId} is not a member of channel ${channelId}.`,
          params: { channel_id: channelId, user_id: userId },
        });
      }
      this.run(
        `DELETE FROM channel_members WHERE "channel_id" = ? AND "user_id" = ?`,
        channelId,
        userId,
      );
      return member;
    });
  }

  async getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel> {
    return this.write(() => {
      this.userById(userId1);
      this.userById(userId2);
      // Mattermost's name for a direct channel: both ids, sorted, joined by "__".
      const name = [userId1, userId2].sort().join("__");
      const existing = this.one(
        `SELECT ${channels.columnList} FROM channels WHERE "team_id" = '' AND "name" = ?`,
        name,
      );
      if (existing !== undefined) {
        return channels.fromRow(existing);
      }
      const now = this.now();
      const channel = create(ChannelSchema, {
        id: newId(),
        createAt: now,
        updateAt: now,
        type: "D",
        name,
      });
      this.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(channel));
      for (const userId of new Set([userId1, userId2])) {
        this.insertChannelMember(channel.id, userId, now);
      }
      return channel;
    });
  }

  // Posts.

  async createPost(post: Post): Promise<Post> {
    return this.write(() => {
      this.channelById(post.channelId);
      if (post.rootId) {
        const root = this.one(
          `SELECT 1 FROM posts WHERE "id" = ? AND "channel_id" = ? AND "root_id" = ''`,
          post.rootId,
          post.channelId,
        );
        if (root === undefined) {
          throw new ValidationError({
            id: "store.post.invalid_root",
            message: `post.root_id ${post.rootId} is not a root post of channel ${post.channelId}; reply to a root post of the same channel.`,
            params: { field: "root_id" },
          });
        }
      }
      if (post.id && this.one(`SELECT 1 FROM posts WHERE "id" = ?`, post.id)) {
        throw idTaken("post", post.id);
      }
      const now = this.now();
      const stored = create(PostSchema, {
        ...post,
        id: post.id || newId(),
        createAt: post.createAt || now,
        updateAt: post.updateAt || post.createAt || now,
      });
      this.run(`INSERT INTO posts ${posts.insertClause}`, posts.toRow(stored));
      this.attachFiles(stored);
      this.run(
        `UPDATE channels SET "last_post_at" = MAX("last_post_at", @at),
           "total_msg_count" = "total_msg_count" + 1 WHERE "id" = @channelId`,
        { at: stored.createAt, channelId: stored.channelId },
      );
      if (stored.rootId) {
        this.run(
          `UPDATE posts SET "reply_count" = "reply_count" + 1,
             "last_reply_at" = MAX("last_reply_at", @at) WHERE "id" = @rootId`,
          { at: stored.createAt, rootId: stored.rootId },
        );
      }
      return stored;
    });
  }

  /** Links the post's files to it, in the post's transaction: each must exist unattached. */
  private attachFiles(post: Post): void {
    for (const fileId of new Set(post.fileIds)) {
      const { changes } = this.run(
        `UPDATE file_infos SET "post_id" = @postId, "update_at" = @at
         WHERE "id" = @fileId AND "post_id" = ''`,
        { postId: post.id, at: post.createAt, fileId },
      );
      if (changes !== 1) {
        throw new ValidationError({
          id: "store.post.file_not_attachable",
          message: `post.file_ids: file ${fileId} does not exist or is attached to another post.`,
          params: { field: "file_ids", file_id: fileId },
        });
      }
    }
  }

  async getPost(postId: string): Promise<Post> {
    return this.postById(postId);
  }

  async updatePost(post: Post): Promise<Post> {
    return this.write(() => {
      const old = this.postById(post.id);
      const now = this.now();
      const updated = create(PostSchema, {
        ...old,
        message: post.message,
        props: post.props,
        fileIds: post.fileIds,
        isPinned: post.isPinned,
        metadata: post.metadata,
        updateAt: now,
        // As in Mattermost, only a changed message counts as an edit (pinning does not).
        editAt: post.message === old.message ? old.editAt : now,
      });
      this.run(`UPDATE posts SET ${posts.assignments} WHERE "id" = @id`, posts.toRow(updated));
      return updated;
    });
  }

  async deletePost(postId: string): Promise<Post> {
    return this.write(() => {
      const post = this.postById(postId);
      if (post.deleteAt !== 0n) {
        return post;
      }
      const now = this.now();
      this.run(
        `UPDATE posts SET "delete_at" = @now, "update_at" = @now
         WHERE "id" = @postId OR ("root_id" = @postId AND "delete_at" = 0)`,
        { now, postId },
      );
      if (post.rootId) {
        this.run(
          `UPDATE posts SET "reply_count" = MAX("reply_count" - 1, 0) WHERE "id" = ?`,
          post.rootId,
        );
      }
      return create(PostSchema, { ...post, deleteAt: now, updateAt: now });
    });
  }

  async getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]> {
    return this.all(
      `SELECT ${posts.columnList} FROM posts WHERE "channel_id" = @channelId AND "delete_at" = 0
       ORDER BY "create_at" DESC, "id" DESC LIMIT @limit OFFSET @offset`,
      { channelId, ...limitOffset(page) },
    ).map(posts.fromRow);
  }

  // File metadata.

  async saveFileInfo(info: FileInfo): Promise<FileInfo> {
    const now = this.now();
    const stored = create(FileInfoSchema, {
      ...info,
      id: info.id || newId(),
      createAt: info.createAt || now,
      updateAt: info.updateAt || info.createAt || now,
    });
    this.run(
      `INSERT OR REPLACE INTO file_infos ${fileInfos.insertClause}`,
      fileInfos.toRow(stored),
    );
    return stored;
  }

  async getFileInfo(fileId: string): Promise<FileInfo> {
    const row = this.one(`SELECT ${fileInfos.columnList} FROM file_infos WHERE "id" = ?`, fileId);
    if (row === undefined) {
      throw notFound("file_info", `No file has id "${fileId}".`, { file_id: fileId });
    }
    return fileInfos.fromRow(row);
  }

  // KV store.

  async kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined> {
    const now = this.now();
    const row = this.one(
      `SELECT "value", "expire_at" FROM kv WHERE "plugin_id" = ? AND "key" = ?`,
      pluginId,
      key,
    );
    if (row === undefined) {
      return undefined;
    }
    const expireAt = row.expire_at as bigint;
    if (expireAt !== 0n && expireAt <= now) {
      // Expired keys are deleted when met; the expiry in the WHERE spares a key rewritten since.
      this.run(
        `DELETE FROM kv WHERE "plugin_id" = ? AND "key" = ? AND "expire_at" = ?`,
        pluginId,
        key,
        expireAt,
      );
      return undefined;
    }
    return asUint8Array(row.value);
  }

  async kvSet(
    pluginId: string,
    key: string,
    value: Uint8Array | undefined,
    options: KVWriteOptions = {},
  ): Promise<boolean> {
    const params = {
      pluginId,
      key,
      value: value === undefined ? null : asBuffer(value),
      oldValue: options.oldValue === undefined ? null : asBuffer(options.oldValue),
      expireAt: options.expireAt ?? 0,
      now: this.now(),
    };
    const where = `"plugin_id" = @pluginId AND "key" = @key`;
    // Each case is one statement, so a compare-and-set is atomic even across processes.
    if (!options.atomic) {
      if (value === undefined) {
        this.run(`DELETE FROM kv WHERE ${where}`, params);
      } else {
        this.run(
          `INSERT INTO kv ("plugin_id", "key", "value", "expire_at")
           VALUES (@pluginId, @key, @value, @expireAt)
           ON CONFLICT ("plugin_id", "key")
           DO UPDATE SET "value" = excluded."value", "expire_at" = excluded."expire_at"`,
          params,
        );
      }
      return true;
    }
    if (options.oldValue === undefined) {
      if (value === undefined) {
        // Deleting a key that must be absent leaves nothing to do but say whether it was.
        return this.one(`SELECT 1 FROM kv WHERE ${where} AND ${LIVE}`, params) === undefined;
      }
      // An expired key counts as absent, so the write may replace it.
      return (
        this.run(
          `INSERT INTO kv ("plugin_id", "key", "value", "expire_at")
           VALUES (@pluginId, @key, @value, @expireAt)
           ON CONFLICT ("plugin_id", "key")
           DO UPDATE SET "value" = excluded."value", "expire_at" = excluded."expire_at"
           WHERE kv."expire_at" <> 0 AND kv."expire_at" <= @now`,
          params,
        ).changes === 1
      );
    }
    // BLOB = BLOB compares bytes and lengths exactly (memcmp), never as text.
    if (value === undefined) {
      return (
        this.run(`DELETE FROM kv WHERE ${where} AND "value" = @oldValue AND ${LIVE}`, params)
          .changes === 1
      );
    }
    return (
      this.run(
        `UPDATE kv SET "value" = @value, "expire_at" = @expireAt
         WHERE ${where} AND "value" = @oldValue AND ${LIVE}`,
        params,
      ).changes === 1
    );
  }

  async kvDelete(pluginId: string, key: string): Promise<void> {
    this.run(`DELETE FROM kv WHERE "plugin_id" = ? AND "key" = ?`, pluginId, key);
  }

  async kvDeleteAll(pluginId: string): Promise<void> {
    this.run(`DELETE FROM kv WHERE "plugin_id" = ?`, pluginId);
  }

  async kvList(pluginId: string, page: PageQuery): Promise<string[]> {
    return this.all(
      `SELECT "key" FROM kv WHERE "plugin_id" = @pluginId AND ${LIVE}
       ORDER BY "key" LIMIT @limit OFFSET @offset`,
      { pluginId, now: this.now(), ...limitOffset(page) },
    ).map((row) => row.key as string);
  }

  // Plugin settings.

  async getPluginConfig(pluginId: string): Promise<JsonObject> {
    const row = this.one(`SELECT "config" FROM plugin_configs WHERE "plugin_id" = ?`, pluginId);
    return row === undefined ? {} : (JSON.parse(row.config as string) as JsonObject);
  }

  async savePluginConfig(pluginId: string, config: JsonObject): Promise<void> {
    this.run(
      `INSERT INTO plugin_configs ("plugin_id", "config") VALUES (?, ?)
       ON CONFLICT ("plugin_id") DO UPDATE SET "config" = excluded."config"`,
      pluginId,
      JSON.stringify(config),
    );
  }

  // Plugin states.

  async getPluginStates(): Promise<Map<string, boolean>> {
    const rows = this.all(`SELECT "plugin_id", "enabled" FROM plugin_states`);
    return new Map(rows.map((row) => [row.plugin_id as string, Number(row.enabled) === 1]));
  }

  async setPluginEnabled(pluginId: string, enabled: boolean): Promise<void> {
    this.run(
      `INSERT INTO plugin_states ("plugin_id", "enabled") VALUES (?, ?)
       ON CONFLICT ("plugin_id") DO UPDATE SET "enabled" = excluded."enabled"`,
      pluginId,
      enabled ? 1 : 0,
    );
  }

  async deletePluginState(pluginId: string): Promise<void> {
    this.run(`DELETE FROM plugin_states WHERE "plugin_id" = ?`, pluginId);
  }

  async setPluginInstaller(pluginId: string, userId: string): Promise<void> {
    this.run(
      `INSERT INTO plugin_states ("plugin_id", "enabled", "installed_by") VALUES (?, 0, ?)
       ON CONFLICT ("plugin_id") DO UPDATE SET "installed_by" = excluded."installed_by"`,
      pluginId,
      userId,
    );
  }

  async takePluginInstaller(pluginId: string): Promise<string | undefined> {
    return this.write(() => {
      const row = this.one(
        `SELECT "installed_by" FROM plugin_states WHERE "plugin_id" = ?`,
        pluginId,
      );
      const installer = row?.installed_by;
      if (typeof installer !== "string") {
        return undefined;
      }
      this.run(`UPDATE plugin_states SET "installed_by" = NULL WHERE "plugin_id" = ?`, pluginId);
      return installer;
    });
  }

  // Sessions.

  async createSession(session: Session): Promise<Session> {
    this.run(
      `INSERT INTO sessions ("id", "token_hash", "user_id", "create_at", "expires_at", "last_activity_at")
       VALUES (?, ?, ?, ?, ?, ?)`,
      session.id,
      session.tokenHash,
      session.userId,
      session.createAt,
      session.expiresAt,
      session.lastActivityAt,
    );
    return { ...session };
  }

  async getSessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const row = this.one(`SELECT * FROM sessions WHERE "token_hash" = ?`, tokenHash);
    if (row === undefined) return undefined;
    const session: Session = {
      id: row.id as string,
      tokenHash: row.token_hash as string,
      userId: row.user_id as string,
      createAt: Number(row.create_at),
      expiresAt: Number(row.expires_at),
      lastActivityAt: Number(row.last_activity_at),
    };
    if (session.expiresAt <= this.now()) {
      this.run(`DELETE FROM sessions WHERE "id" = ?`, session.id);
      return undefined;
    }
    return session;
  }

  async touchSession(sessionId: string, lastActivityAt: number): Promise<void> {
    this.run(
      `UPDATE sessions SET "last_activity_at" = ? WHERE "id" = ?`,
      lastActivityAt,
      sessionId,
    );
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.run(`DELETE FROM sessions WHERE "id" = ?`, sessionId);
  }

  async deleteUserSessions(userId: string): Promise<void> {
    this.run(`DELETE FROM sessions WHERE "user_id" = ?`, userId);
  }

  // Slash commands.

  async registerCommand(pluginId: string, command: Command): Promise<void> {
    requireField(
      command.trigger,
      "trigger",
      "command.trigger is required: the word after the slash.",
    );
    this.write(() => {
      const owner = this.one(
        `SELECT "plugin_id" FROM commands WHERE "team_id" = ? AND "trigger" = ?`,
        command.teamId,
        command.trigger,
      );
      if (owner !== undefined && owner.plugin_id !== pluginId) {
        const scope = command.teamId ? `in team ${command.teamId}` : "for every team";
        throw new AlreadyExistsError({
          id: "store.command.trigger_exists",
          message: `The command /${command.trigger} ${scope} belongs to plugin "${owner.plugin_id}"; choose another trigger.`,
          params: { field: "trigger", plugin_id: owner.plugin_id as string },
        });
      }
      this.run(
        `INSERT OR REPLACE INTO commands ${commands.insertClause}`,
        commands.toRow(create(CommandSchema, { ...command, pluginId })),
      );
    });
  }

  async unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void> {
    this.run(
      `DELETE FROM commands WHERE "plugin_id" = ? AND "team_id" = ? AND "trigger" = ?`,
      pluginId,
      teamId,
      trigger,
    );
  }

  async findCommand(teamId: string, trigger: string): Promise<Command | undefined> {
    // A team's own command comes before one registered for every team.
    const row = this.one(
      `SELECT ${commands.columnList} FROM commands
       WHERE "trigger" = @trigger AND "team_id" IN (@teamId, '')
       ORDER BY "team_id" = '' LIMIT 1`,
      { teamId, trigger },
    );
    return row === undefined ? undefined : commands.fromRow(row);
  }

  async listCommands(teamId: string): Promise<Command[]> {
    return this.all(
      `SELECT ${commands.columnList} FROM commands
       WHERE "team_id" = @teamId
          OR ("team_id" = '' AND "trigger" NOT IN
                (SELECT "trigger" FROM commands WHERE "team_id" = @teamId))
       ORDER BY "trigger"`,
      { teamId },
    ).map(commands.fromRow);
  }

  async unregisterPluginCommands(pluginId: string): Promise<void> {
    this.run(`DELETE FROM commands WHERE "plugin_id" = ?`, pluginId);
  }

  // Bots.

  async getBotUserId(pluginId: string, username: string): Promise<string | undefined> {
    const row = this.one(
      `SELECT b."user_id" FROM bots b JOIN users u ON u."id" = b."user_id"
       WHERE b."plugin_id" = ? AND u."username" = ?`,
      pluginId,
      username,
    );
    return row?.user_id as string | undefined;
  }

  async setBotOwner(userId: string, pluginId: string): Promise<void> {
    this.write(() => {
      this.userById(userId);
      this.run(
        `INSERT INTO bots ("user_id", "plugin_id") VALUES (?, ?)
         ON CONFLICT ("user_id") DO UPDATE SET "plugin_id" = excluded."plugin_id"`,
        userId,
        pluginId,
      );
    });
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
  }

  // Lookups shared by the methods above; each throws NotFoundError for a missing row.

  private userById(userId: string): User {
    const row = this.one(`SELECT ${users.columnList} FROM users WHERE "id" = ?`, userId);
    if (row === undefined) {
      throw userNotFound(userId);
    }
    return users.fromRow(row);
  }

  private teamById(teamId: string): Team {
    const row = this.one(`SELECT ${teams.columnList} FROM teams WHERE "id" = ?`, teamId);
    if (row === undefined) {
      throw notFound("team", `No team has id "${teamId}".`, { team_id: teamId });
    }
    return teams.fromRow(row);
  }

  private channelById(channelId: string): Channel {
    const row = this.one(`SELECT ${channels.columnList} FROM channels WHERE "id" = ?`, channelId);
    if (row === undefined) {
      throw notFound("channel", `No channel has id "${channelId}".`, { channel_id: channelId });
    }
    return channels.fromRow(row);
  }

  private postById(postId: string): Post {
    const row = this.one(`SELECT ${posts.columnList} FROM posts WHERE "id" = ?`, postId);
    if (row === undefined) {
      throw notFound("post", `No post has id "${postId}".`, { post_id: postId });
    }
    return posts.fromRow(row);
  }

  private teamMemberRow(teamId: string, userId: string): TeamMember | undefined {
    const row = this.one(
      `SELECT ${teamMembers.columnList} FROM team_members WHERE "team_id" = ? AND "user_id" = ?`,
      teamId,
      userId,
    );
    return row === undefined ? undefined : teamMembers.fromRow(row);
  }

  private channelMemberRow(channelId: string, userId: string): ChannelMember | undefined {
    const row = this.one(
      `SELECT ${channelMembers.columnList} FROM channel_members
       WHERE "channel_id" = ? AND "user_id" = ?`,
      channelId,
      userId,
    );
    return row === undefined ? undefined : channelMembers.fromRow(row);
  }

  private insertChannelMember(channelId: string, userId: string, now: bigint): ChannelMember {
    const member = create(ChannelMemberSchema, {
      channelId,
      userId,
      notifyProps: DEFAULT_CHANNEL_NOTIFY_PROPS,
      lastUpdateAt: now,
      schemeUser: true,
    });
    this.run(
      `INSERT INTO channel_members ${channelMembers.insertClause}`,
      channelMembers.toRow(member),
    );
    return member;
  }

  // Unique checks, made inside the write transaction so that their answer still holds.

  private assertUserIdFree(userId: string): void {
    if (userId && this.one(`SELECT 1 FROM users WHERE "id" = ?`, userId)) {
      throw idTaken("user", userId);
    }
  }

  private assertUsernameFree(username: string, exceptUserId = ""): void {
    if (
      this.one(`SELECT 1 FROM users WHERE "username" = ? AND "id" <> ?`, username, exceptUserId)
    ) {
      throw new AlreadyExistsError({
        id: "store.user.username_exists",
        message: `The username "${username}" is taken; choose another.`,
        params: { field: "username", username },
      });
    }
  }

  private assertEmailFree(email: string, exceptUserId = ""): void {
    if (
      email &&
      this.one(`SELECT 1 FROM users WHERE "email" = ? AND "id" <> ?`, email, exceptUserId)
    ) {
      throw new AlreadyExistsError({
        id: "store.user.email_exists",
        message: `An account with the e-mail address "${email}" exists already; use another address.`,
        params: { field: "email", email },
      });
    }
  }

  private assertChannelNameFree(teamId: string, name: string, exceptChannelId = ""): void {
    if (
      this.one(
        `SELECT 1 FROM channels WHERE "team_id" = ? AND "name" = ? AND "id" <> ?`,
        teamId,
        name,
        exceptChannelId,
      )
    ) {
      throw new AlreadyExistsError({
        id: "store.channel.name_exists",
        message: `Team ${teamId || "(none)"} has a channel named "${name}" already; choose another name.`,
        params: { field: "name", team_id: teamId, name },
      });
    }
  }

  // SQL plumbing: prepared statements are cached by their text.

  private now(): bigint {
    return BigInt(Math.trunc(this.clock()));
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}

function limitOffset(page: PageQuery): { limit: number; offset: number } {
  // SQLite reads a negative LIMIT as "no limit": refuse it rather than return everything.
  if (page.page < 0 || page.perPage < 0) {
    throw new ValidationError({
      id: "store.paging.negative",
      message: `page ${page.page} / per_page ${page.perPage} is negative; pages count from 0.`,
      params: { field: page.page < 0 ? "page" : "per_page" },
    });
  }
  return { limit: page.perPage, offset: page.page * page.perPage };
}

function requireField(value: string, field: string, message: string): void {
  if (!value) {
    throw new ValidationError({ id: "store.field.required", message, params: { field } });
  }
}

function notFound(kind: string, message: string, params: Record<string, string>): NotFoundError {
  return new NotFoundError({ id: `store.${kind}.not_found`, message, params });
}

function userNotFound(userId: string): NotFoundError {
  return notFound("user", `No user has id "${userId}".`, { user_id: userId });
}

function idTaken(kind: string, id: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: `store.${kind}.id_exists`,
    message: `A ${kind} with id "${id}" exists already; leave id empty to get a new one.`,
    params: { field: "id", id },
  });
}

/** A zero-copy Buffer view, which better-sqlite3 binds as a BLOB. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array view of a BLOB read back (better-sqlite3 hands out Buffers). */
function asUint8Array(value: SqlValue): Uint8Array {
  const bytes = value as Uint8Array;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
