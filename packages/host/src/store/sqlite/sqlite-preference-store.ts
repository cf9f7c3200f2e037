// PreferenceStore on SQLite: the preferences table, one row per user, category and name.
import { type Preference, PreferenceSchema } from "@plugwire/protocol";
import type { PreferenceStore } from "../preference-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const preferences = rowCodec(PreferenceSchema);

export function sqlitePreferenceStore(db: SqliteDatabase): PreferenceStore {
  return {
    async savePreferences(list: readonly Preference[]): Promise<void> {
      db.write(() => {
        for (const preference of list) {
          db.run(
            `INSERT OR REPLACE INTO preferences ${preferences.insertClause}`,
            preferences.toRow(preference),
          );
        }
      });
    },

    async getPreferences(userId: string, category?: string): Promise<Preference[]> {
      const rows =
        category === undefined
          ? db.all(
              `SELECT ${preferences.columnList} FROM preferences WHERE "user_id" = ?
               ORDER BY "category", "name"`,
              userId,
            )
          : db.all(
              `SELECT ${preferences.columnList} FROM preferences
               WHERE "user_id" = ? AND "category" = ? ORDER BY "name"`,
              userId,
              category,
            );
      return rows.map(preferences.fromRow);
    },

    async getPreference(userId: string, category: string, name: string): Promise<Preference> {
      const row = db.one(
        `SELECT ${preferences.columnList} FROM preferences
         WHERE "user_id" = ? AND "category" = ? AND "name" = ?`,
        userId,
        category,
        name,
      );
      if (row === undefined) {
        throw notFound(
          "preference",
          `User ${userId} has no preference "${name}" in category "${category}".`,
          { user_id: userId, category, name },
        );
      }
      return preferences.fromRow(row);
    },

    async deletePreferences(list: readonly Preference[]): Promise<void> {
      db.write(() => {
        for (const { userId, category, name } of list) {
          db.run(
            `DELETE FROM preferences WHERE "user_id" = ? AND "category" = ? AND "name" = ?`,
            userId,
            category,
            name,
          );
        }
      });
    },
  };
}
