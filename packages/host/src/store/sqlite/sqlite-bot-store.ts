// BotStore on SQLite: the bots table, which names the plugin owning each bot user.
import type { BotStore } from "../bot-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { userById } from "./sqlite-user-store.js";

export function sqliteBotStore(db: SqliteDatabase): BotStore {
  return {
    async getBotUserId(pluginId: string, username: string): Promise<string | undefined> {
      const row = db.one(
        `SELECT b."user_id" FROM bots b JOIN users u ON u."id" = b."user_id"
         WHERE b."plugin_id" = ? AND u."username" = ?`,
        pluginId,
        username,
      );
      return row?.user_id as string | undefined;
    },

    async setBotOwner(userId: string, pluginId: string): Promise<void> {
      db.write(() => {
        userById(db, userId);
        db.run(
          `INSERT INTO bots ("user_id", "plugin_id") VALUES (?, ?)
           ON CONFLICT ("user_id") DO UPDATE SET "plugin_id" = excluded."plugin_id"`,
          userId,
          pluginId,
        );
      });
    },
  };
}
