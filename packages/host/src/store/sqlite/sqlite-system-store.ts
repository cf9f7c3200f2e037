// SystemStore on SQLite: the systems table, name and value.
import type { SystemStore } from "../system-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteSystemStore(db: SqliteDatabase): SystemStore {
  return {
    async getSystemValue(name: string): Promise<string | undefined> {
      const row = db.one(`SELECT "value" FROM systems WHERE "name" = ?`, name);
      return row === undefined ? undefined : String(row.value);
    },
    async setSystemValue(name: string, value: string): Promise<void> {
      db.run(
        `INSERT INTO systems ("name", "value") VALUES (?, ?)
           ON CONFLICT ("name") DO UPDATE SET "value" = excluded."value"`,
        name,
        value,
      );
    },
  };
}
