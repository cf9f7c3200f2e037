// UserStore on SQLite: the users table, password hashes included (a column no User carries).
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError } from "@plugwire/errors";
import { type User, UserSchema } from "@plugwire/protocol";
import { ERASE_USER, ERASED_USER_FILES } from "../account-records.js";
import { newRecord } from "../new-record.js";
import { rowCodec } from "../row-codec.js";
import { authDataTaken, idTaken, notFound, requireField, userNotFound } from "../store-errors.js";
import type { UserQuery, UserStore } from "../user-store.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

const users = rowCodec(UserSchema);

export function sqliteUserStore(db: SqliteDatabase): UserStore {
  return {
    async createUser(user: User, passwordHash?: string): Promise<User> {
      requireField(user.username, "username", "user.username is required; choose a login name.");
      return db.write(() => {
        assertUserIdFree(db, user.id);
        assertUsernameFree(db, user.username);
        assertEmailFree(db, user.email);
        const stored = newRecord(UserSchema, user, db.now());
        db.run(`INSERT INTO users ${users.insertClause}`, users.toRow(stored));
        if (passwordHash !== undefined) {
          db.run(`UPDATE users SET "password_hash" = ? WHERE "id" = ?`, passwordHash, stored.id);
        }
        return stored;
      });
    },

    async getUser(userId: string): Promise<User> {
      return userById(db, userId);
    },

    async getUserByUsername(username: string): Promise<User> {
      const row = db.one(`SELECT ${users.columnList} FROM users WHERE "username" = ?`, username);
      if (row === undefined) {
        throw notFound("user", `No user has the username "${username}".`, { username });
      }
      return users.fromRow(row);
    },

    async getUserByEmail(email: string): Promise<User> {
      const row =
        email === ""
          ? undefined
          : db.one(`SELECT ${users.columnList} FROM users WHERE "email" = ?`, email);
      if (row === undefined) {
        throw notFound("user", `No user has the e-mail address "${email}".`, { email });
      }
      return users.fromRow(row);
    },

    async getUsers(query: UserQuery): Promise<User[]> {
      return selectUsers(db, query, "", { ...limitOffset(query) });
    },

    async searchUsers(term: string, query: UserQuery): Promise<User[]> {
      // A LIKE prefix of the term, its wildcards escaped.
      const prefix = `${term.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
      const match = ["username", "first_name", "last_name", "nickname", "email"]
        .map((column) => `LOWER(u."${column}") LIKE @prefix ESCAPE '\\'`)
        .join(" OR ");
      return selectUsers(db, query, `(${match})`, { prefix, ...limitOffset(query) });
    },

    async getUsersByUsernames(usernames: readonly string[]): Promise<User[]> {
      return db
        .all(
          `SELECT ${users.columnList} FROM users
           WHERE "username" IN (SELECT value FROM json_each(?)) ORDER BY "username"`,
          JSON.stringify(usernames),
        )
        .map(users.fromRow);
    },

    async getUsersByIds(userIds: readonly string[]): Promise<User[]> {
      const found = new Map(
        db
          .all(
            `SELECT ${users.columnList} FROM users WHERE "id" IN (SELECT value FROM json_each(?))`,
            JSON.stringify(userIds),
          )
          .map((row) => [row.id as string, users.fromRow(row)]),
      );
      return [...new Set(userIds)].flatMap((id) => found.get(id) ?? []);
    },

    async updateUser(user: User): Promise<User> {
      requireField(user.username, "username", "user.username can't be emptied.");
      return db.write(() => {
        const old = userById(db, user.id);
        assertUsernameFree(db, user.username, old.id);
        assertEmailFree(db, user.email, old.id);
        // As Mattermost's user store does: what identifies or secures the account, its roles
        // and its state are not profile fields and stay; a changed address is unverified.
        const updated = create(UserSchema, {
          ...user,
          id: old.id,
          createAt: old.createAt,
          updateAt: db.now(),
          deleteAt: old.deleteAt,
          roles: old.roles,
          isBot: old.isBot,
          authService: old.authService,
          mfaActive: old.mfaActive,
          lastPictureUpdate: old.lastPictureUpdate,
          emailVerified: user.email === old.email ? old.emailVerified : false,
        });
        db.run(`UPDATE users SET ${users.assignments} WHERE "id" = @id`, users.toRow(updated));
        return updated;
      });
    },

    async deactivateUser(userId: string): Promise<User> {
      return db.write(() => {
        const user = userById(db, userId);
        if (user.deleteAt !== 0n) {
          return user;
        }
        const now = db.now();
        db.run(
          `UPDATE users SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          userId,
        );
        return create(UserSchema, { ...user, deleteAt: now, updateAt: now });
      });
    },

    async reactivateUser(userId: string): Promise<User> {
      return db.write(() => {
        const user = userById(db, userId);
        if (user.deleteAt === 0n) return user;
        const now = db.now();
        db.run(`UPDATE users SET "delete_at" = 0, "update_at" = ? WHERE "id" = ?`, now, userId);
        return create(UserSchema, { ...user, deleteAt: 0n, updateAt: now });
      });
    },

    async getProfileImage(userId: string): Promise<Uint8Array | undefined> {
      userById(db, userId);
      const row = db.one(`SELECT "image" FROM profile_images WHERE "user_id" = ?`, userId);
      return row === undefined ? undefined : new Uint8Array(row.image as Buffer);
    },

    async setProfileImage(userId: string, image: Uint8Array): Promise<User> {
      return db.write(() => {
        const user = userById(db, userId);
        const now = db.now();
        db.run(
          `INSERT OR REPLACE INTO profile_images ("user_id", "image") VALUES (?, ?)`,
          userId,
          image,
        );
        db.run(
          `UPDATE users SET "last_picture_update" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          userId,
        );
        return create(UserSchema, { ...user, lastPictureUpdate: now, updateAt: now });
      });
    },

    async permanentDeleteUser(userId: string): Promise<string[]> {
      return db.write(() => {
        userById(db, userId);
        const fileIds = db.all(ERASED_USER_FILES, { userId }).map((row) => row.id as string);
        for (const statement of ERASE_USER) db.run(statement, { userId });
        return fileIds;
      });
    },

    async getPasswordHash(userId: string): Promise<string | undefined> {
      const row = db.one(`SELECT "password_hash" FROM users WHERE "id" = ?`, userId);
      if (row === undefined) {
        throw userNotFound(userId);
      }
      return (row.password_hash as string | null) ?? undefined;
    },

    async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
      const { changes } = db.run(
        `UPDATE users SET "password_hash" = ?, "auth_service" = '', "auth_data" = NULL
         WHERE "id" = ?`,
        passwordHash,
        userId,
      );
      if (changes === 0) {
        throw userNotFound(userId);
      }
    },

    async updateAuthData(
      userId: string,
      authService: string,
      authData: string | undefined,
    ): Promise<User> {
      return db.write(() => {
        const user = userById(db, userId);
        if (
          authData !== undefined &&
          db.one(`SELECT 1 FROM users WHERE "auth_data" = ? AND "id" <> ?`, authData, userId)
        ) {
          throw authDataTaken(authData);
        }
        const now = db.now();
        db.run(
          `UPDATE users SET "password_hash" = NULL, "auth_service" = ?, "auth_data" = ?,
             "update_at" = ? WHERE "id" = ?`,
          authService,
          authData ?? null,
          now,
          userId,
        );
        db.run(`DELETE FROM login_attempts WHERE "user_id" = ?`, userId);
        return create(UserSchema, { ...user, authService, updateAt: now });
      });
    },

    async getAuthData(userId: string): Promise<string | undefined> {
      const row = db.one(`SELECT "auth_data" FROM users WHERE "id" = ?`, userId);
      if (row === undefined) throw userNotFound(userId);
      return (row.auth_data as string | null) ?? undefined;
    },
  };
}

/** The user with this id; NotFoundError when missing. Other aggregates check users with it. */
export function userById(db: SqliteDatabase, userId: string): User {
  const row = db.one(`SELECT ${users.columnList} FROM users WHERE "id" = ?`, userId);
  if (row === undefined) {
    throw userNotFound(userId);
  }
  return users.fromRow(row);
}

const USER_ORDER = {
  "": `u."username"`,
  create_at: `u."create_at" DESC, u."username"`,
  last_activity_at: `u."update_at" DESC, u."username"`,
} as const;

/** The users matching the query's filters and `condition`, in the query's order. */
function selectUsers(
  db: SqliteDatabase,
  query: UserQuery,
  condition: string,
  params: Record<string, unknown>,
): User[] {
  const joins: string[] = [];
  const conditions = condition ? [condition] : [];
  if (query.inTeamId) {
    joins.push(
      `JOIN team_members tm ON tm."user_id" = u."id" AND tm."team_id" = @teamId AND tm."delete_at" = 0`,
    );
  }
  if (query.inChannelId) {
    joins.push(`JOIN channel_members cm ON cm."user_id" = u."id" AND cm."channel_id" = @channelId`);
  }
  if (query.inGroupId) {
    joins.push(
      `JOIN group_members gm ON gm."user_id" = u."id" AND gm."group_id" = @groupId AND gm."delete_at" = 0`,
    );
  }
  if (query.notInTeamId) {
    conditions.push(`u."id" NOT IN (SELECT "user_id" FROM team_members
      WHERE "team_id" = @notInTeamId AND "delete_at" = 0)`);
  }
  if (query.notInChannelId) {
    conditions.push(
      `u."id" NOT IN (SELECT "user_id" FROM channel_members WHERE "channel_id" = @notInChannelId)`,
    );
  }
  if (query.active !== undefined) {
    conditions.push(query.active ? `u."delete_at" = 0` : `u."delete_at" <> 0`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
  return db
    .all(
      `SELECT ${users.columnListOf("u")} FROM users u ${joins.join(" ")} ${where}
       ORDER BY ${USER_ORDER[query.sort ?? ""]} LIMIT @limit OFFSET @offset`,
      {
        teamId: query.inTeamId ?? "",
        channelId: query.inChannelId ?? "",
        groupId: query.inGroupId ?? "",
        notInTeamId: query.notInTeamId ?? "",
        notInChannelId: query.notInChannelId ?? "",
        ...params,
      },
    )
    .map(users.fromRow);
}

// Unique checks, made inside the write transaction so that their answer still holds.

function assertUserIdFree(db: SqliteDatabase, userId: string): void {
  if (userId && db.one(`SELECT 1 FROM users WHERE "id" = ?`, userId)) {
    throw idTaken("user", userId);
  }
}

function assertUsernameFree(db: SqliteDatabase, username: string, exceptUserId = ""): void {
  if (db.one(`SELECT 1 FROM users WHERE "username" = ? AND "id" <> ?`, username, exceptUserId)) {
    throw new AlreadyExistsError({
      id: "store.user.username_exists",
      message: `The username "${username}" is taken; choose another.`,
      params: { field: "username", username },
    });
  }
}

function assertEmailFree(db: SqliteDatabase, email: string, exceptUserId = ""): void {
  if (email && db.one(`SELECT 1 FROM users WHERE "email" = ? AND "id" <> ?`, email, exceptUserId)) {
    throw new AlreadyExistsError({
      id: "store.user.email_exists",
      message: `An account with the e-mail address "${email}" exists already; use another address.`,
      params: { field: "email", email },
    });
  }
}
