// SessionStore on SQLite: the sessions table, keyed by id and found by token hash.
import { SESSION_COLUMNS, sessionExpired, sessionFromRow } from "../account-records.js";
import type { Session, SessionStore } from "../session-store.js";
import { sessionNotFound } from "../store-errors.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteSessionStore(db: SqliteDatabase): SessionStore {
  /** The session, unless it has expired (then it is deleted). */
  const live = (session: Session | undefined): Session | undefined => {
    if (session === undefined || !sessionExpired(session, db.now())) return session;
    db.run(`DELETE FROM sessions WHERE "id" = ?`, session.id);
    return undefined;
  };

  return {
    async createSession(session: Session): Promise<Session> {
      const stored = { ...session, props: { ...session.props } };
      db.run(
        `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        stored.id,
        stored.tokenHash,
        stored.userId,
        stored.createAt,
        stored.expiresAt,
        stored.lastActivityAt,
        stored.deviceId,
        JSON.stringify(stored.props),
      );
      return stored;
    },

    async getSessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
      const row = db.one(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE "token_hash" = ?`,
        tokenHash,
      );
      return live(row && sessionFromRow(row));
    },

    async getSession(sessionId: string): Promise<Session> {
      const row = db.one(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE "id" = ?`, sessionId);
      const session = live(row && sessionFromRow(row));
      if (session === undefined) throw sessionNotFound(sessionId);
      return session;
    },

    async getUserSessions(userId: string): Promise<Session[]> {
      return db
        .all(
          `SELECT ${SESSION_COLUMNS} FROM sessions WHERE "user_id" = ?
           ORDER BY "last_activity_at" DESC, "id"`,
          userId,
        )
        .map(sessionFromRow)
        .filter((session) => !sessionExpired(session, db.now()));
    },

    async setSessionExpiry(sessionId: string, expiresAt: number): Promise<void> {
      const { changes } = db.run(
        `UPDATE sessions SET "expires_at" = ? WHERE "id" = ?`,
        expiresAt,
        sessionId,
      );
      if (changes === 0) throw sessionNotFound(sessionId);
    },

    async touchSession(sessionId: string, lastActivityAt: number): Promise<void> {
      db.run(
        `UPDATE sessions SET "last_activity_at" = ? WHERE "id" = ?`,
        lastActivityAt,
        sessionId,
      );
    },

    async deleteSession(sessionId: string): Promise<void> {
      db.run(`DELETE FROM sessions WHERE "id" = ?`, sessionId);
    },

    async deleteUserSessions(userId: string): Promise<void> {
      db.run(`DELETE FROM sessions WHERE "user_id" = ?`, userId);
    },
  };
}
