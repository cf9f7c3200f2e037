// BotStore on PostgreSQL: the bots table, which names each bot user's owner (a plugin or a user).
import type { Bot } from "@plugwire/protocol";
import { BOT_SELECT, botFromRow, botsQuery } from "../account-records.js";
import type { BotQuery, BotStore } from "../bot-store.js";
import { botNotFound } from "../store-errors.js";
import { limitOffset, type PostgresDatabase } from "./postgres-database.js";
import { userById } from "./postgres-user-store.js";

export function postgresBotStore(db: PostgresDatabase): BotStore {
  return {
    async getBotUserId(ownerId: string, username: string): Promise<string | undefined> {
      const row = await db.one(
        `SELECT b."user_id" FROM bots b JOIN users u ON u."id" = b."user_id"
         WHERE b."owner_id" = ? AND u."username" = ?`,
        ownerId,
        username,
      );
      return row?.user_id as string | undefined;
    },

    async setBotOwner(userId: string, ownerId: string): Promise<void> {
      await db.write(async (tx) => {
        await userById(tx, userId);
        await tx.run(
          `INSERT INTO bots ("user_id", "owner_id") VALUES (?, ?)
           ON CONFLICT ("user_id") DO UPDATE SET "owner_id" = excluded."owner_id"`,
          userId,
          ownerId,
        );
      });
    },

    async getBot(userId: string, includeDeleted: boolean): Promise<Bot> {
      const row = await db.one(`${BOT_SELECT} WHERE b."user_id" = ?`, userId);
      const bot = row && botFromRow(row);
      if (bot === undefined || (!includeDeleted && bot.deleteAt !== 0n)) throw botNotFound(userId);
      return bot;
    },

    async getBots(query: BotQuery): Promise<Bot[]> {
      const { sql, params } = botsQuery(query);
      return (await db.all(sql, { ...params, ...limitOffset(query) })).map(botFromRow);
    },
  };
}
