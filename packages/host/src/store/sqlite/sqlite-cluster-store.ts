// ClusterStore on SQLite: cluster_nodes (one host, since a SQLite file has one host) and
// plugin_bundles.
import {
  type ClusterNode,
  type ClusterStore,
  clusterNode,
  type PluginBundle,
} from "../cluster-store.js";
import type { Row } from "../row-codec.js";
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteClusterStore(db: SqliteDatabase): ClusterStore {
  return {
    async recordClusterNode({ id, hostname, version }): Promise<ClusterNode> {
      const row = db.one(
        `INSERT INTO cluster_nodes ("id", "hostname", "version", "started_at", "last_seen_at")
         VALUES (@id, @hostname, @version, @now, @now)
         ON CONFLICT ("id") DO UPDATE SET "hostname" = excluded."hostname",
           "version" = excluded."version", "last_seen_at" = excluded."last_seen_at"
         RETURNING "id", "hostname", "version", "started_at", "last_seen_at"`,
        { id, hostname, version, now: db.now() },
      );
      return clusterNode(row as Row);
    },

    async getClusterNodes(since: bigint): Promise<ClusterNode[]> {
      return db
        .all(
          `SELECT "id", "hostname", "version", "started_at", "last_seen_at" FROM cluster_nodes
           WHERE "last_seen_at" >= ? ORDER BY "id"`,
          since,
        )
        .map(clusterNode);
    },

    async removeClusterNode(id: string): Promise<void> {
      db.write(() => {
        db.run(`DELETE FROM cluster_connections WHERE "host_id" = ?`, id);
        db.run(`DELETE FROM cluster_nodes WHERE "id" = ?`, id);
      });
    },

    async setUserConnected(hostId: string, userId: string, connected: boolean): Promise<void> {
      if (connected) {
        db.run(
          `INSERT INTO cluster_connections ("host_id", "user_id") VALUES (?, ?)
           ON CONFLICT DO NOTHING`,
          hostId,
          userId,
        );
      } else {
        db.run(
          `DELETE FROM cluster_connections WHERE "host_id" = ? AND "user_id" = ?`,
          hostId,
          userId,
        );
      }
    },

    async getUserConnectedNodes(userId: string, since: bigint): Promise<string[]> {
      return db
        .all(
          `SELECT c."host_id" FROM cluster_connections c
           JOIN cluster_nodes n ON n."id" = c."host_id" AND n."last_seen_at" >= ?
           WHERE c."user_id" = ? ORDER BY c."host_id"`,
          since,
          userId,
        )
        .map((row) => String(row.host_id));
    },

    async savePluginBundle(pluginId: string, bundle: Uint8Array): Promise<PluginBundle> {
      // A replacement saved within the same millisecond still gets a later time: hosts tell
      // versions apart by it.
      const row = db.one(
        `INSERT INTO plugin_bundles ("plugin_id", "bundle", "updated_at") VALUES (?, ?, ?)
         ON CONFLICT ("plugin_id") DO UPDATE SET "bundle" = excluded."bundle",
           "updated_at" = MAX(excluded."updated_at", plugin_bundles."updated_at" + 1)
         RETURNING "updated_at"`,
        pluginId,
        Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength),
        db.now(),
      );
      return { pluginId, bundle, updatedAt: BigInt(row?.updated_at as bigint) };
    },

    async getPluginBundle(pluginId: string): Promise<PluginBundle | undefined> {
      const row = db.one(
        `SELECT "bundle", "updated_at" FROM plugin_bundles WHERE "plugin_id" = ?`,
        pluginId,
      );
      if (row === undefined) return undefined;
      const bytes = row.bundle as Buffer;
      return {
        pluginId,
        bundle: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        updatedAt: BigInt(row.updated_at as bigint),
      };
    },

    async getPluginBundleTimes(): Promise<Map<string, bigint>> {
      const rows = db.all(`SELECT "plugin_id", "updated_at" FROM plugin_bundles`);
      return new Map(rows.map((row) => [String(row.plugin_id), BigInt(row.updated_at as bigint)]));
    },

    async deletePluginBundle(pluginId: string): Promise<void> {
      db.run(`DELETE FROM plugin_bundles WHERE "plugin_id" = ?`, pluginId);
    },
  };
}
