// KVStore on PostgreSQL: the kv table, one row per plugin and key. Expired rows are deleted
// when a read meets them and ignored by every other statement.
//
// Each write is one statement outside any explicit transaction, which PostgreSQL makes atomic
// against every other connection of every host: an UPDATE or DELETE that waited for a
// concurrent writer re-checks its WHERE (the old value) on the row that writer committed, and
// INSERT … ON CONFLICT either inserts or meets the committed row.
import type { KVStore, KVWriteOptions } from "../kv-store.js";
import type { PageQuery } from "../page-query.js";
import type { SqlValue } from "../row-codec.js";
import { limitOffset, type PostgresDatabase } from "./postgres-database.js";

/** A KV row is live while it has no expiry or its expiry is still ahead. */
const LIVE = `("expire_at" = 0 OR "expire_at" > @now)`;

export function postgresKVStore(db: PostgresDatabase): KVStore {
  return {
    async kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined> {
      const now = db.now();
      const row = await db.one(
        `SELECT "value", "expire_at" FROM kv WHERE "plugin_id" = ? AND "key" = ?`,
        pluginId,
        key,
      );
      if (row === undefined) {
        return undefined;
      }
      const expireAt = row.expire_at as bigint;
      if (expireAt !== 0n && expireAt <= now) {
        // Expired keys are deleted when met; the expiry in the WHERE spares a key rewritten since.
        await db.run(
          `DELETE FROM kv WHERE "plugin_id" = ? AND "key" = ? AND "expire_at" = ?`,
          pluginId,
          key,
          expireAt,
        );
        return undefined;
      }
      return asUint8Array(row.value);
    },

    async kvSet(
      pluginId: string,
      key: string,
      value: Uint8Array | undefined,
      options: KVWriteOptions = {},
    ): Promise<boolean> {
      const params = {
        pluginId,
        key,
        value: value === undefined ? null : value,
        oldValue: options.oldValue === undefined ? null : options.oldValue,
        expireAt: options.expireAt ?? 0,
        now: db.now(),
      };
      const where = `"plugin_id" = @pluginId AND "key" = @key`;
      if (!options.atomic) {
        if (value === undefined) {
          await db.run(`DELETE FROM kv WHERE ${where}`, params);
        } else {
          await db.run(
            `INSERT INTO kv ("plugin_id", "key", "value", "expire_at")
             VALUES (@pluginId, @key, @value, @expireAt)
             ON CONFLICT ("plugin_id", "key")
             DO UPDATE SET "value" = excluded."value", "expire_at" = excluded."expire_at"`,
            params,
          );
        }
        return true;
      }
      if (options.oldValue === undefined) {
        if (value === undefined) {
          // Deleting a key that must be absent leaves nothing to do but say whether it was.
          return (
            (await db.one(`SELECT 1 FROM kv WHERE ${where} AND ${LIVE}`, params)) === undefined
          );
        }
        // An expired key counts as absent, so the write may replace it.
        return (
          (await db.run(
            `INSERT INTO kv ("plugin_id", "key", "value", "expire_at")
             VALUES (@pluginId, @key, @value, @expireAt)
             ON CONFLICT ("plugin_id", "key")
             DO UPDATE SET "value" = excluded."value", "expire_at" = excluded."expire_at"
             WHERE kv."expire_at" <> 0 AND kv."expire_at" <= @now`,
            params,
          )) === 1
        );
      }
      // bytea = bytea compares bytes and lengths exactly.
      if (value === undefined) {
        return (
          (await db.run(
            `DELETE FROM kv WHERE ${where} AND "value" = @oldValue AND ${LIVE}`,
            params,
          )) === 1
        );
      }
      return (
        (await db.run(
          `UPDATE kv SET "value" = @value, "expire_at" = @expireAt
           WHERE ${where} AND "value" = @oldValue AND ${LIVE}`,
          params,
        )) === 1
      );
    },

    async kvDelete(pluginId: string, key: string): Promise<void> {
      await db.run(`DELETE FROM kv WHERE "plugin_id" = ? AND "key" = ?`, pluginId, key);
    },

    async kvDeleteAll(pluginId: string): Promise<void> {
      await db.run(`DELETE FROM kv WHERE "plugin_id" = ?`, pluginId);
    },

    async kvList(pluginId: string, page: PageQuery): Promise<string[]> {
      const rows = await db.all(
        `SELECT "key" FROM kv WHERE "plugin_id" = @pluginId AND ${LIVE}
         ORDER BY "key" LIMIT @limit OFFSET @offset`,
        { pluginId, now: db.now(), ...limitOffset(page) },
      );
      return rows.map((row) => row.key as string);
    },
  };
}

/** A plain Uint8Array view of a bytea read back (`pg` hands out Buffers). */
function asUint8Array(value: SqlValue): Uint8Array {
  const bytes = value as Uint8Array;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
