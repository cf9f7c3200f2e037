// PluginStateStore on PostgreSQL: plugin_configs (settings as JSON) and plugin_states
// (enabled, and who installed the plugin while its OnInstall is owed).
import type { JsonObject } from "@bufbuild/protobuf";
import type { PluginStateStore } from "../plugin-state-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

export function postgresPluginStateStore(db: PostgresDatabase): PluginStateStore {
  return {
    async getPluginConfig(pluginId: string): Promise<JsonObject> {
      const row = await db.one(
        `SELECT "config" FROM plugin_configs WHERE "plugin_id" = ?`,
        pluginId,
      );
      return row === undefined ? {} : (JSON.parse(row.config as string) as JsonObject);
    },

    async savePluginConfig(pluginId: string, config: JsonObject): Promise<void> {
      await db.run(
        `INSERT INTO plugin_configs ("plugin_id", "config") VALUES (?, ?)
         ON CONFLICT ("plugin_id") DO UPDATE SET "config" = excluded."config"`,
        pluginId,
        JSON.stringify(config),
      );
    },

    async getPluginStates(): Promise<Map<string, boolean>> {
      const rows = await db.all(`SELECT "plugin_id", "enabled" FROM plugin_states`);
      return new Map(rows.map((row) => [row.plugin_id as string, Number(row.enabled) === 1]));
    },

    async setPluginEnabled(pluginId: string, enabled: boolean): Promise<void> {
      await db.run(
        `INSERT INTO plugin_states ("plugin_id", "enabled") VALUES (?, ?)
         ON CONFLICT ("plugin_id") DO UPDATE SET "enabled" = excluded."enabled"`,
        pluginId,
        enabled ? 1 : 0,
      );
    },

    async deletePluginState(pluginId: string): Promise<void> {
      await db.run(`DELETE FROM plugin_states WHERE "plugin_id" = ?`, pluginId);
    },

    async setPluginInstaller(pluginId: string, userId: string): Promise<void> {
      await db.run(
        `INSERT INTO plugin_states ("plugin_id", "enabled", "installed_by") VALUES (?, 0, ?)
         ON CONFLICT ("plugin_id") DO UPDATE SET "installed_by" = excluded."installed_by"`,
        pluginId,
        userId,
      );
    },

    async takePluginInstaller(pluginId: string): Promise<string | undefined> {
      return db.write(async (tx) => {
        const row = await tx.one(
          `SELECT "installed_by" FROM plugin_states WHERE "plugin_id" = ?`,
          pluginId,
        );
        const installer = row?.installed_by;
        if (typeof installer !== "string") {
          return undefined;
        }
        await tx.run(
          `UPDATE plugin_states SET "installed_by" = NULL WHERE "plugin_id" = ?`,
          pluginId,
        );
        return installer;
      });
    },
  };
}
