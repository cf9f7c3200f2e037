// EmojiStore on SQLite: the emoji table.
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
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

export function sqliteEmojiStore(db: SqliteDatabase): EmojiStore {
  const live = (emojiId: string) =>
    db.one(`SELECT ${emojis.columnList} FROM emoji WHERE "id" = ? AND "delete_at" = 0`, emojiId);

  return {
    async createEmoji(emoji: Emoji): Promise<Emoji> {
      return db.write(() => {
        if (emoji.id && db.one(`SELECT 1 FROM emoji WHERE "id" = ?`, emoji.id)) {
          throw idTaken("emoji", emoji.id);
        }
        if (db.one(`SELECT 1 FROM emoji WHERE "name" = ? AND "delete_at" = 0`, emoji.name)) {
          throw emojiNameTaken(emoji.name);
        }
        const stored = newRecord(EmojiSchema, emoji, db.now());
        db.run(`INSERT INTO emoji ${emojis.insertClause}`, emojis.toRow(stored));
        return stored;
      });
    },

    async getEmoji(emojiId: string): Promise<Emoji> {
      const row = live(emojiId);
      if (row === undefined) throw emojiIdNotFound(emojiId);
      return emojis.fromRow(row);
    },

    async getEmojiByName(name: string): Promise<Emoji> {
      const row = db.one(
        `SELECT ${emojis.columnList} FROM emoji WHERE "name" = ? AND "delete_at" = 0`,
        name,
      );
      if (row === undefined) throw emojiNameNotFound(name);
      return emojis.fromRow(row);
    },

    async getEmojisByNames(names: readonly string[]): Promise<Emoji[]> {
      return db
        .all(
          `SELECT ${emojis.columnList} FROM emoji
           WHERE "name" IN (SELECT value FROM json_each(?)) AND "delete_at" = 0 ORDER BY "name"`,
          JSON.stringify(names),
        )
        .map(emojis.fromRow);
    },

    async getEmojiList(page: PageQuery, sortByName: boolean): Promise<Emoji[]> {
      return db
        .all(
          `SELECT ${emojis.columnList} FROM emoji WHERE "delete_at" = 0
           ORDER BY ${sortByName ? EMOJI_ORDER.name : EMOJI_ORDER.created} LIMIT @limit OFFSET @offset`,
          limitOffset(page),
        )
        .map(emojis.fromRow);
    },

    async searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]> {
      return db
        .all(
          `SELECT ${emojis.columnList} FROM emoji
           WHERE "delete_at" = 0 AND LOWER("name") LIKE @pattern ESCAPE '\\'
           ORDER BY ${EMOJI_ORDER.name} LIMIT @limit`,
          { pattern: emojiLikePattern(term, prefixOnly), limit },
        )
        .map(emojis.fromRow);
    },

    async deleteEmoji(emojiId: string): Promise<Emoji> {
      return db.write(() => {
        const row = live(emojiId);
        if (row === undefined) throw emojiIdNotFound(emojiId);
        const now = db.now();
        db.run(
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
