// HostKeyStore on SQLite: the host_keys table, one row per secret.
import type { HostKeyStore } from "../host-key-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteHostKeyStore(db: SqliteDatabase): HostKeyStore {
  return {
    async hostKey(name: string, make: () => string): Promise<string> {
      return db.write(() => {
        const row = db.one(`SELECT "value" FROM host_keys WHERE "name" = ?`, name);
        if (row !== undefined) return row.value as string;
        const value = make();
        db.run(`INSERT INTO host_keys ("name", "value") VALUES (?, ?)`, name, value);
        return value;
      });
    },
  };
}
