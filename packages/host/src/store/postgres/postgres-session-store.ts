// SessionStore on PostgreSQL: the sessions table, keyed by id and found by token hash.
import type { Session, SessionStore } from "../session-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

export function postgresSessionStore(db: PostgresDatabase): SessionStore {
  return {
    async createSession(session: Session): Promise<Session> {
      await db.run(
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
    },

    async getSessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
      const row = await db.one(
        `SELECT "id", "token_hash", "user_id", "create_at", "expires_at", "last_activity_at"
         FROM sessions WHERE "token_hash" = ?`,
        tokenHash,
      );
      if (row === undefined) return undefined;
      const session: Session = {
        id: row.id as string,
        tokenHash: row.token_hash as string,
        userId: row.user_id as string,
        createAt: Number(row.create_at),
        expiresAt: Number(row.expires_at),
        lastActivityAt: Number(row.last_activity_at),
      };
      if (session.expiresAt <= db.now()) {
        await db.run(`DELETE FROM sessions WHERE "id" = ?`, session.id);
        return undefined;
      }
      return session;
    },

    async touchSession(sessionId: string, lastActivityAt: number): Promise<void> {
      await db.run(
        `UPDATE sessions SET "last_activity_at" = ? WHERE "id" = ?`,
        lastActivityAt,
        sessionId,
      );
    },

    async deleteSession(sessionId: string): Promise<void> {
      await db.run(`DELETE FROM sessions WHERE "id" = ?`, sessionId);
    },

    async deleteUserSessions(userId: string): Promise<void> {
      await db.run(`DELETE FROM sessions WHERE "user_id" = ?`, userId);
    },
  };
}
