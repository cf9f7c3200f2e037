// StatusStore on SQLite: the statuses table, one row per user who ever had a status.
import { type Status, StatusSchema } from "@plugwire/protocol";
import { rowCodec } from "../row-codec.js";
import type { StatusStore } from "../status-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const statuses = rowCodec(StatusSchema);

export function sqliteStatusStore(db: SqliteDatabase): StatusStore {
  return {
    async saveStatus(status: Status): Promise<void> {
      db.run(`INSERT OR REPLACE INTO statuses ${statuses.insertClause}`, statuses.toRow(status));
    },

    async getStatuses(userIds: readonly string[]): Promise<Status[]> {
      if (userIds.length === 0) return [];
      return db
        .all(
          `SELECT ${statuses.columnList} FROM statuses
           WHERE "user_id" IN (SELECT value FROM json_each(?))`,
          JSON.stringify(userIds),
        )
        .map(statuses.fromRow);
    },
  };
}
