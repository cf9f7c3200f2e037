// LoginAttemptStore on PostgreSQL: login_attempts, one row per user with failures counted.
// Counting is one upsert, outside any transaction: PostgreSQL makes a racing INSERT wait and
// then update the committed row, so no failure is lost across hosts.
import type { LoginAttemptStore } from "../login-attempt-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

export function postgresLoginAttemptStore(db: PostgresDatabase): LoginAttemptStore {
  return {
    async getFailedLoginAttempts(userId: string): Promise<number> {
      const row = await db.one(`SELECT "failed" FROM login_attempts WHERE "user_id" = ?`, userId);
      return row === undefined ? 0 : Number(row.failed);
    },

    async recordFailedLogin(userId: string): Promise<number> {
      const row = await db.one(
        `INSERT INTO login_attempts ("user_id", "failed") VALUES (?, 1)
         ON CONFLICT ("user_id") DO UPDATE SET "failed" = login_attempts."failed" + 1
         RETURNING "failed"`,
        userId,
      );
      return Number(row?.failed);
    },

    async resetFailedLogins(userId: string): Promise<void> {
      await db.run(`DELETE FROM login_attempts WHERE "user_id" = ?`, userId);
    },
  };
}
