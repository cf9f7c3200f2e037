// OAuthAppStore on SQLite: the oauth_apps table.
import { type OAuthApp, OAuthAppSchema } from "@plugwire/protocol";
import { newRecord } from "../new-record.js";
import { OAUTH_APP_ORDER, oauthAppNotFound, oauthApps } from "../oauth-app-rows.js";
import type { OAuthAppStore } from "../oauth-app-store.js";
import type { PageQuery } from "../page-query.js";
import { idTaken } from "../store-errors.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

export function sqliteOAuthAppStore(db: SqliteDatabase): OAuthAppStore {
  const row = (appId: string) =>
    db.one(`SELECT ${oauthApps.columnList} FROM oauth_apps WHERE "id" = ?`, appId);

  return {
    async createOAuthApp(app: OAuthApp): Promise<OAuthApp> {
      return db.write(() => {
        if (app.id && row(app.id)) throw idTaken("oauth_app", app.id);
        const stored = newRecord(OAuthAppSchema, app, db.now());
        db.run(`INSERT INTO oauth_apps ${oauthApps.insertClause}`, oauthApps.toRow(stored));
        return stored;
      });
    },

    async getOAuthApp(appId: string): Promise<OAuthApp> {
      const found = row(appId);
      if (found === undefined) throw oauthAppNotFound(appId);
      return oauthApps.fromRow(found);
    },

    async getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]> {
      const where = creatorId === undefined ? "" : `WHERE "creator_id" = @creatorId`;
      return db
        .all(
          `SELECT ${oauthApps.columnList} FROM oauth_apps ${where}
           ORDER BY ${OAUTH_APP_ORDER} LIMIT @limit OFFSET @offset`,
          { ...limitOffset(page), ...(creatorId === undefined ? {} : { creatorId }) },
        )
        .map(oauthApps.fromRow);
    },

    async updateOAuthApp(app: OAuthApp): Promise<OAuthApp> {
      return db.write(() => {
        const found = row(app.id);
        if (found === undefined) throw oauthAppNotFound(app.id);
        const old = oauthApps.fromRow(found);
        const updated = {
          ...app,
          creatorId: old.creatorId,
          createAt: old.createAt,
          updateAt: db.now(),
        };
        db.run(
          `UPDATE oauth_apps SET ${oauthApps.assignments} WHERE "id" = @id`,
          oauthApps.toRow(updated),
        );
        return updated;
      });
    },

    async deleteOAuthApp(appId: string): Promise<void> {
      const { changes } = db.run(`DELETE FROM oauth_apps WHERE "id" = ?`, appId);
      if (changes === 0) throw oauthAppNotFound(appId);
    },
  };
}
