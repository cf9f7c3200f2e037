// HostKeyStore on PostgreSQL: the host_keys table, one row per secret. The insert does nothing
// when another host kept one first, and the select then reads that one.
import type { HostKeyStore } from "../host-key-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

export function postgresHostKeyStore(db: PostgresDatabase): HostKeyStore {
  return {
    async hostKey(name: string, make: () => string): Promise<string> {
      const kept = await db.one(`SELECT "value" FROM host_keys WHERE "name" = ?`, name);
      if (kept !== undefined) return kept.value as string;
      await db.run(
        `INSERT INTO host_keys ("name", "value") VALUES (?, ?) ON CONFLICT ("name") DO NOTHING`,
        name,
        make(),
      );
      const row = await db.one(`SELECT "value" FROM host_keys WHERE "name" = ?`, name);
      return row?.value as string;
    },
  };
}
