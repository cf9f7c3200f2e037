// KVStore on SQLite: the kv table, one row per plugin and key. Expired rows are deleted when
// a read meets them and ignored by every other statement.
import type { KVStore, KVWriteOptions } from "../kv-store.js";
import type { PageQuery } from "../page-query.js";
import type { SqlValue } from "../row-codec.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

/** A KV row is live while it has no expiry or its expiry is still ahead. */
const LIVE = `("expire_at" = 0 OR "expire_at" > @now)`;

export function sqliteKVStore(db: SqliteDatabase): KVStore {
  return {
    async kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined> {
      const now = db.now();
      const row = db.one(
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
        db.run(
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
        value: value === undefined ? null : asBuffer(value),
        oldValue: options.oldValue === undefined ? null : asBuffer(options.oldValue),
        expireAt: options.expireAt ?? 0,
        now: db.now(),
      };
      const where = `"plugin_id" = @pluginId AND "key" = @key`;
      // Each case is one statement, so a compare-and-set is atomic even across processes.
      if (!options.atomic) {
        if (value === undefined) {
          db.run(`DELETE FROM kv WHERE ${where}`, params);
        } else {
          db.run(
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
          return db.one(`SELECT 1 FROM kv WHERE ${where} AND ${LIVE}`, params) === undefined;
        }
        // An expired key counts as absent, so the write may replace it.
        return (
          db.run(
            `INSERT INTO kv ("plugin_id", "key", "value", "expire_at")
             VALUES (@pluginId, @key, @value, @expireAt)
             ON CONFLICT ("plugin_id", "key")
             DO UPDATE SET "value" = excluded."value", "expire_at" = excluded."expire_at"
             WHERE kv."expire_at" <> 0 AND kv."expire_at" <= @now`,
            params,
          ).changes === 1
        );
      }
      // BLOB = BLOB compares bytes and lengths exactly (memcmp), never as text.
      if (value === undefined) {
        return (
          db.run(`DELETE FROM kv WHERE ${where} AND "value" = @oldValue AND ${LIVE}`, params)
            .changes === 1
        );
      }
      return (
        db.run(
          `UPDATE kv SET "value" = @value, "expire_at" = @expireAt
           WHERE ${where} AND "value" = @oldValue AND ${LIVE}`,
          params,
        ).changes === 1
      );
    },

    async kvDelete(pluginId: string, key: string): Promise<void> {
      db.run(`DELETE FROM kv WHERE "plugin_id" = ? AND "key" = ?`, pluginId, key);
    },

    async kvDeleteAll(pluginId: string): Promise<void> {
      db.run(`DELETE FROM kv WHERE "plugin_id" = ?`, pluginId);
    },

    async kvList(pluginId: string, page: PageQuery): Promise<string[]> {
      return db
        .all(
          `SELECT "key" FROM kv WHERE "plugin_id" = @pluginId AND ${LIVE}
           ORDER BY "key" LIMIT @limit OFFSET @offset`,
          { pluginId, now: db.now(), ...limitOffset(page) },
        )
        .map((row) => row.key as string);
    },
  };
}

/** A zero-copy Buffer view, which better-sqlite3 binds as a BLOB. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array view of a BLOB read back (better-sqlite3 hands out Buffers). */
function asUint8Array(value: SqlValue): Uint8Array {
  const bytes = value as Uint8Array;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
