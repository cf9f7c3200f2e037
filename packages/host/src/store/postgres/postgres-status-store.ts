// StatusStore on PostgreSQL: the statuses table, one row per user who ever had a status.
import { type Status, StatusSchema } from "@plugwire/protocol";
import { rowCodec } from "../row-codec.js";
import type { StatusStore } from "../status-store.js";
import { type PostgresDatabase, replaceOnConflict } from "./postgres-database.js";

const statuses = rowCodec(StatusSchema);

export function postgresStatusStore(db: PostgresDatabase): StatusStore {
  return {
    async saveStatus(status: Status): Promise<void> {
      await db.run(
        `INSERT INTO statuses ${statuses.insertClause}
         ${replaceOnConflict(["user_id"], statuses.columns)}`,
        statuses.toRow(status),
      );
    },

    async getStatuses(userIds: readonly string[]): Promise<Status[]> {
      if (userIds.length === 0) return [];
      const rows = await db.all(
        `SELECT ${statuses.columnList} FROM statuses WHERE "user_id" = ANY(?::text[])`,
        [...userIds],
      );
      return rows.map(statuses.fromRow);
    },
  };
}
