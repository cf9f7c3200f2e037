// PreferenceStore on PostgreSQL: the preferences table, one row per user, category and name.
import { type Preference, PreferenceSchema } from "@plugwire/protocol";
import type { PreferenceStore } from "../preference-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { type PostgresDatabase, replaceOnConflict } from "./postgres-database.js";

const preferences = rowCodec(PreferenceSchema);

export function postgresPreferenceStore(db: PostgresDatabase): PreferenceStore {
  return {
    async savePreferences(list: readonly Preference[]): Promise<void> {
      // READ COMMITTED: each row is inserted or replaced by one statement.
      await db.write(async (tx) => {
        for (const preference of list) {
          await tx.run(
            `INSERT INTO preferences ${preferences.insertClause}
             ${replaceOnConflict(["user_id", "category", "name"], preferences.columns)}`,
            preferences.toRow(preference),
          );
        }
      }, "read committed");
    },

    async getPreferences(userId: string, category?: string): Promise<Preference[]> {
      const rows =
        category === undefined
          ? await db.all(
              `SELECT ${preferences.columnList} FROM preferences WHERE "user_id" = ?
               ORDER BY "category", "name"`,
              userId,
            )
          : await db.all(
              `SELECT ${preferences.columnList} FROM preferences
               WHERE "user_id" = ? AND "category" = ? ORDER BY "name"`,
              userId,
              category,
            );
      return rows.map(preferences.fromRow);
    },

    async getPreference(userId: string, category: string, name: string): Promise<Preference> {
      const row = await db.one(
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
      await db.write(async (tx) => {
        for (const { userId, category, name } of list) {
          await tx.run(
            `DELETE FROM preferences WHERE "user_id" = ? AND "category" = ? AND "name" = ?`,
            userId,
            category,
            name,
          );
        }
      }, "read committed");
    },
  };
}
