// EmojiStore on PostgreSQL: the emoji table.
import { type Emoji, EmojiSchema } from "@plugwire/protocol";
import {
  EMOJI_ORDER,
  emojiIdNotFound,
  emojiLikePattern,
  emojiNameNotFound,
  emojiNameTaken,
  emojis,
} from "../emoji-rows.js";
import type { EmojiStore } from "../emoji-store.js";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { idTaken } from "../store-errors.js";
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";

export function postgresEmojiStore(db: PostgresDatabase): EmojiStore {
  const live = (on: PostgresQueries, emojiId: string) =>
    on.one(`SELECT ${emojis.columnList} FROM emoji WHERE "id" = ? AND "delete_at" = 0`, emojiId);

  return {
    async createEmoji(emoji: Emoji): Promise<Emoji> {
      return db.write(async (tx) => {
        if (emoji.id && (await tx.one(`SELECT 1 FROM emoji WHERE "id" = ?`, emoji.id))) {
          throw idTaken("emoji", emoji.id);
        }
        if (await tx.one(`SELECT 1 FROM emoji WHERE "name" = ? AND "delete_at" = 0`, emoji.name)) {
          throw emojiNameTaken(emoji.name);
        }
        const stored = newRecord(EmojiSchema, emoji, tx.now());
        await tx.run(`INSERT INTO emoji ${emojis.insertClause}`, emojis.toRow(stored));
        return stored;
      });
    },

    async getEmoji(emojiId: string): Promise<Emoji> {
      const row = await live(db, emojiId);
      if (row === undefined) throw emojiIdNotFound(emojiId);
      return emojis.fromRow(row);
    },

    async getEmojiByName(name: string): Promise<Emoji> {
      const row = await db.one(
        `SELECT ${emojis.columnList} FROM emoji WHERE "name" = ? AND "delete_at" = 0`,
        name,
      );
      if (row === undefined) throw emojiNameNotFound(name);
      return emojis.fromRow(row);
    },

    async getEmojisByNames(names: readonly string[]): Promise<Emoji[]> {
      const rows = await db.all(
        `SELECT ${emojis.columnList} FROM emoji
         WHERE "name" = ANY(?::text[]) AND "delete_at" = 0 ORDER BY "name"`,
        [...names],
      );
      return rows.map(emojis.fromRow);
    },

    async getEmojiList(page: PageQuery, sortByName: boolean): Promise<Emoji[]> {
      const rows = await db.all(
        `SELECT ${emojis.columnList} FROM emoji WHERE "delete_at" = 0
         ORDER BY ${sortByName ? EMOJI_ORDER.name : EMOJI_ORDER.created} LIMIT @limit OFFSET @offset`,
        limitOffset(page),
      );
      return rows.map(emojis.fromRow);
    },

    async searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]> {
      const rows = await db.all(
        `SELECT ${emojis.columnList} FROM emoji
         WHERE "delete_at" = 0 AND LOWER("name" COLLATE "C") LIKE @pattern ESCAPE '\\'
         ORDER BY ${EMOJI_ORDER.name} LIMIT @limit`,
        { pattern: emojiLikePattern(term, prefixOnly), limit },
      );
      return rows.map(emojis.fromRow);
    },

    async deleteEmoji(emojiId: string): Promise<Emoji> {
      return db.write(async (tx) => {
        const row = await live(tx, emojiId);
        if (row === undefined) throw emojiIdNotFound(emojiId);
        const now = tx.now();
        await tx.run(
          `UPDATE emoji SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          emojiId,
        );
        return { ...emojis.fromRow(row), deleteAt: now, updateAt: now };
      });
    },
  };
}
