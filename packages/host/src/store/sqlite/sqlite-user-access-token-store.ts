// UserAccessTokenStore on SQLite: the user_access_tokens table; a token's session shares its
// token_hash, so taking the token away ends the session in the same transaction.
import type { UserAccessToken } from "@plugwire/protocol";
import {
  SESSION_COLUMNS,
  sessionFromRow,
  TOKEN_COLUMNS,
  tokenFromRow,
} from "../account-records.js";
import type { PageQuery } from "../page-query.js";
import type { Session } from "../session-store.js";
import { userAccessTokenNotFound } from "../store-errors.js";
import type { NewUserAccessToken, UserAccessTokenStore } from "../user-access-token-store.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";
import { userById } from "./sqlite-user-store.js";

export function sqliteUserAccessTokenStore(db: SqliteDatabase): UserAccessTokenStore {
  /** Deletes the session the token opened, and answers it. */
  const endSessions = (tokenHash: string): Session[] => {
    const sessions = db
      .all(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE "token_hash" = ?`, tokenHash)
      .map(sessionFromRow);
    db.run(`DELETE FROM sessions WHERE "token_hash" = ?`, tokenHash);
    return sessions;
  };
  const hashOf = (tokenId: string): string => {
    const row = db.one(`SELECT "token_hash" FROM user_access_tokens WHERE "id" = ?`, tokenId);
    if (row === undefined) throw userAccessTokenNotFound(tokenId);
    return row.token_hash as string;
  };

  return {
    async createUserAccessToken(token: NewUserAccessToken): Promise<UserAccessToken> {
      return db.write(() => {
        userById(db, token.userId);
        db.run(
          `INSERT INTO user_access_tokens ("id", "token_hash", "user_id", "description", "is_active")
           VALUES (?, ?, ?, ?, 1)`,
          token.id,
          token.tokenHash,
          token.userId,
          token.description,
        );
        return tokenFromRow({ ...token, user_id: token.userId, is_active: 1 });
      });
    },

    async getUserAccessToken(tokenId: string): Promise<UserAccessToken> {
      const row = db.one(`SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "id" = ?`, tokenId);
      if (row === undefined) throw userAccessTokenNotFound(tokenId);
      return tokenFromRow(row);
    },

    async getUserAccessTokenByHash(tokenHash: string): Promise<UserAccessToken | undefined> {
      const row = db.one(
        `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "token_hash" = ?`,
        tokenHash,
      );
      return row && tokenFromRow(row);
    },

    async getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]> {
      return db
        .all(
          `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "user_id" = @userId
           ORDER BY "id" LIMIT @limit OFFSET @offset`,
          { userId, ...limitOffset(page) },
        )
        .map(tokenFromRow);
    },

    async getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]> {
      return db
        .all(
          `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens ORDER BY "id" LIMIT @limit OFFSET @offset`,
          limitOffset(page),
        )
        .map(tokenFromRow);
    },

    async deleteUserAccessToken(tokenId: string): Promise<Session[]> {
      return db.write(() => {
        const tokenHash = hashOf(tokenId);
        db.run(`DELETE FROM user_access_tokens WHERE "id" = ?`, tokenId);
        return endSessions(tokenHash);
      });
    },

    async setUserAccessTokenActive(tokenId: string, active: boolean): Promise<Session[]> {
      return db.write(() => {
        const tokenHash = hashOf(tokenId);
        db.run(
          `UPDATE user_access_tokens SET "is_active" = ? WHERE "id" = ?`,
          active ? 1 : 0,
          tokenId,
        );
        return active ? [] : endSessions(tokenHash);
      });
    },
  };
}
