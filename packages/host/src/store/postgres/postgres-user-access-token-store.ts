// UserAccessTokenStore on PostgreSQL: the user_access_tokens table; a token's session shares
// its token_hash, so taking the token away ends the session in the same transaction.
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
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";
import { userById } from "./postgres-user-store.js";

/** Deletes the session the token opened, and answers it. */
async function endSessions(tx: PostgresQueries, tokenHash: string): Promise<Session[]> {
  const rows = await tx.all(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE "token_hash" = ?`,
    tokenHash,
  );
  await tx.run(`DELETE FROM sessions WHERE "token_hash" = ?`, tokenHash);
  return rows.map(sessionFromRow);
}

async function hashOf(tx: PostgresQueries, tokenId: string): Promise<string> {
  const row = await tx.one(`SELECT "token_hash" FROM user_access_tokens WHERE "id" = ?`, tokenId);
  if (row === undefined) throw userAccessTokenNotFound(tokenId);
  return row.token_hash as string;
}

export function postgresUserAccessTokenStore(db: PostgresDatabase): UserAccessTokenStore {
  return {
    async createUserAccessToken(token: NewUserAccessToken): Promise<UserAccessToken> {
      return db.write(async (tx) => {
        await userById(tx, token.userId);
        await tx.run(
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
      const row = await db.one(
        `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "id" = ?`,
        tokenId,
      );
      if (row === undefined) throw userAccessTokenNotFound(tokenId);
      return tokenFromRow(row);
    },

    async getUserAccessTokenByHash(tokenHash: string): Promise<UserAccessToken | undefined> {
      const row = await db.one(
        `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "token_hash" = ?`,
        tokenHash,
      );
      return row && tokenFromRow(row);
    },

    async getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]> {
      const rows = await db.all(
        `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens WHERE "user_id" = @userId
         ORDER BY "id" LIMIT @limit OFFSET @offset`,
        { userId, ...limitOffset(page) },
      );
      return rows.map(tokenFromRow);
    },

    async getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]> {
      const rows = await db.all(
        `SELECT ${TOKEN_COLUMNS} FROM user_access_tokens ORDER BY "id" LIMIT @limit OFFSET @offset`,
        limitOffset(page),
      );
      return rows.map(tokenFromRow);
    },

    async deleteUserAccessToken(tokenId: string): Promise<Session[]> {
      return db.write(async (tx) => {
        const tokenHash = await hashOf(tx, tokenId);
        await tx.run(`DELETE FROM user_access_tokens WHERE "id" = ?`, tokenId);
        return endSessions(tx, tokenHash);
      });
    },

    async setUserAccessTokenActive(tokenId: string, active: boolean): Promise<Session[]> {
      return db.write(async (tx) => {
        const tokenHash = await hashOf(tx, tokenId);
        await tx.run(
          `UPDATE user_access_tokens SET "is_active" = ? WHERE "id" = ?`,
          active ? 1 : 0,
          tokenId,
        );
        return active ? [] : endSessions(tx, tokenHash);
      });
    },
  };
}
