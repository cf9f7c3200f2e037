// BotStore on PostgreSQL: the bots table, which names the plugin owning each bot user.
import type { BotStore } from "../bot-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { userById } from "./postgres-user-store.js";

export function postgresBotStore(db: PostgresDatabase): BotStore {
  return {
    async getBotUserId(pluginId: string, username: string): Promise<string | undefined> {
      const row = await db.one(
        `SELECT b."user_id" FROM bots b JOIN users u ON u."id" = b."user_id"
         WHERE b."plugin_id" = ? AND u."username" = ?`,
        pluginId,
        username,
      );
      return row?.user_id as string | undefined;
    },

    async setBotOwner(userId: string, pluginId: string): Promise<void> {
      await db.write(async (tx) => {
        await userById(tx, userId);
        await tx.run(
          `INSERT INTO bots ("user_id", "plugin_id") VALUES (?, ?)
           ON CONFLICT ("user_id") DO UPDATE SET "plugin_id" = excluded."plugin_id"`,
          userId,
          pluginId,
        );
      });
    },
  };
}
