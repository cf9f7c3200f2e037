// LoginAttemptStore on SQLite: login_attempts, one row per user with failures counted.
import type { LoginAttemptStore } from "../login-attempt-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteLoginAttemptStore(db: SqliteDatabase): LoginAttemptStore {
  return {
    async getFailedLoginAttempts(userId: string): Promise<number> {
      const row = db.one(`SELECT "failed" FROM login_attempts WHERE "user_id" = ?`, userId);
      return row === undefined ? 0 : Number(row.failed);
    },

    async recordFailedLogin(userId: string): Promise<number> {
      const row = db.one(
        `INSERT INTO login_attempts ("user_id", "failed") VALUES (?, 1)
         ON CONFLICT ("user_id") DO UPDATE SET "failed" = "failed" + 1
         RETURNING "failed"`,
        userId,
      );
      return Number(row?.failed);
    },

    async resetFailedLogins(userId: string): Promise<void> {
      db.run(`DELETE FROM login_attempts WHERE "user_id" = ?`, userId);
    },
  };
}
